"""Reminder offsets: when, relative to an event's start, a reminder falls due.

Two canonical forms, stored as strings in `subscriptions.offsets`:

- ``"-60m"``: N minutes before the start (``"-120m"`` = two hours before). ``"-2h"`` is accepted
  on input and normalised to ``"-120m"``.
- ``"-1d@18:00"``: N calendar days before the start, at a wall-clock time in Asia/Shanghai
  (``"-1d@18:00"`` = the day before at 18:00; ``"-0d@08:00"`` = the same day at 08:00).

What a user says ("提前两小时", "提前一天", "2 hours before") is turned into one of these by the
NLU (the `offset` entity, nlu/timeparse/offsets.py), with the same numerals and clock rules as
every other time expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from content.schedule import TZ

MAX_MINUTES = 7 * 24 * 60  # a reminder more than a week ahead is not a reminder
MAX_DAYS = 7

_MINUTES = re.compile(r"^-(\d{1,5})([mh])$")
_DAYS = re.compile(r"^-(\d)d@([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Offset:
    """A parsed offset: `minutes` before the start, or `days` before at `at` (wall clock)."""

    minutes: int | None = None
    days: int | None = None
    at: time | None = None

    def due(self, starts_at: datetime) -> datetime:
        """When a reminder with this offset falls due for an event starting at `starts_at`."""
        if self.minutes is not None:
            return starts_at - timedelta(minutes=self.minutes)
        local = starts_at.astimezone(TZ)
        day = local.date() - timedelta(days=self.days or 0)
        return datetime.combine(day, self.at or time(18), tzinfo=TZ)

    def __str__(self) -> str:
        if self.minutes is not None:
            return f"-{self.minutes}m"
        return f"-{self.days}d@{(self.at or time(18)).strftime('%H:%M')}"


def parse(offset: str) -> Offset:
    """Parse a canonical offset string; raise ValueError for anything else."""
    text = offset.strip()
    m = _MINUTES.match(text)
    if m:
        n = int(m.group(1)) * (60 if m.group(2) == "h" else 1)
        if not 0 < n <= MAX_MINUTES:
            raise ValueError(f"offset {offset!r} must be between 1 minute and 7 days")
        return Offset(minutes=n)
    m = _DAYS.match(text)
    if m:
        days = int(m.group(1))
        if days > MAX_DAYS:
            raise ValueError(f"offset {offset!r} must be at most 7 days")
        return Offset(days=days, at=time(int(m.group(2)), int(m.group(3))))
    raise ValueError(f"offset {offset!r} is not like '-60m' or '-1d@18:00'")


def normalise(offset: str) -> str:
    """The canonical spelling of an offset ("-2h" → "-120m")."""
    return str(parse(offset))


def valid(offsets: list[str]) -> list[Offset]:
    """The parsable offsets of a list, de-duplicated, in the order given (bad ones dropped)."""
    out: list[Offset] = []
    for text in offsets:
        try:
            off = parse(text)
        except ValueError:
            continue
        if off not in out:
            out.append(off)
    return out
