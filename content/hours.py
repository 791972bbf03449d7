"""Opening hours (OSM `opening_hours` syntax) evaluated in Beijing time with China's holidays."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

import opening_hours

from content.schedule import TZ


@lru_cache(maxsize=8192)
def _parsed(hours: str) -> opening_hours.OpeningHours:
    return opening_hours.OpeningHours(hours, country="CN")


def _local(at: datetime) -> datetime:
    # The library works on naive local times; ours are aware.
    return at.astimezone(TZ).replace(tzinfo=None) if at.tzinfo else at


def is_open(hours: str, at: datetime) -> bool | None:
    """True/False when `hours` says, None when a center gave no hours."""
    if not hours:
        return None
    return _parsed(hours).is_open(_local(at))


def intervals_on(hours: str, at: datetime) -> list[tuple[str, str]]:
    """The open intervals on `at`'s day as ("08:30", "11:30") pairs; [] when closed all day."""
    if not hours:
        return []
    day = _local(at).replace(hour=0, minute=0, second=0, microsecond=0)
    out = []
    for start, end, state, _comment in _parsed(hours).intervals(day, day + timedelta(days=1)):
        if state == opening_hours.State.OPEN:
            e = "24:00" if end >= day + timedelta(days=1) else end.strftime("%H:%M")
            out.append((start.strftime("%H:%M"), e))
    return out
