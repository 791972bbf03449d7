"""Expanding recurring schedules into dated occurrences, in Asia/Shanghai, skipping holidays.

China has no daylight saving time, so a wall-clock time maps to one instant all year; we still
do all arithmetic with aware datetimes in the catalogue's zone so nothing depends on the host's.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar
import opening_hours
from dateutil.rrule import rrulestr

from content.schema import Schedule

log = logging.getLogger(__name__)
TZ = ZoneInfo("Asia/Shanghai")

# For years chinese_calendar does not know yet (the State Council publishes each year's
# arrangement in November), fall back to the statutory single days opening_hours knows.
_PH = opening_hours.OpeningHours("PH", country="CN")

# No expansion yields more than this many starts (a daily class over a 60-day window is 60):
# a budget, so no window or rule can make one listing expand without end.
MAX_OCCURRENCES = 1000


@lru_cache(maxsize=4096)
def holiday_name(day: date) -> str | None:
    """The public holiday that falls on `day` (e.g. "National Day"), or None.

    Ordinary weekends are not holidays here: a Saturday class still runs on a Saturday.
    """
    try:
        _is_off, name = chinese_calendar.get_holiday_detail(day)
        return name
    except NotImplementedError:
        if _PH.is_open(datetime.combine(day, time(12))):
            return "public holiday"
        return None


def is_public_holiday(day: date) -> bool:
    """True on a statutory public holiday (including the extra days off around it)."""
    return holiday_name(day) is not None


def occurrences(
    schedule: Schedule,
    start: datetime,
    end: datetime,
    *,
    skip_holidays: bool = True,
    tz: ZoneInfo = TZ,
    limit: int = MAX_OCCURRENCES,
) -> list[datetime]:
    """The first `limit` start times of `schedule` in [start, end), as aware datetimes in `tz`.

    Skips `exdates`, and public holidays unless `skip_holidays` is False.
    """
    first = datetime.combine(schedule.start, schedule.start_time, tzinfo=tz)
    last = datetime.combine(schedule.until, time(23, 59, 59), tzinfo=tz) if schedule.until else None
    lo = max(start.astimezone(tz), first)
    hi = (
        end.astimezone(tz) if last is None else min(end.astimezone(tz), last + timedelta(seconds=1))
    )
    if lo >= hi:
        return []
    rule = _rule(schedule.rrule, first)
    out: list[datetime] = []
    for when in rule.xafter(lo, inc=True):
        if when >= hi or len(out) >= limit:
            break
        day = when.date()
        if day in schedule.exdates or (skip_holidays and is_public_holiday(day)):
            continue
        out.append(when)
    return out


@lru_cache(maxsize=1024)
def _rule(text: str, dtstart: datetime):
    return rrulestr(text, dtstart=dtstart, cache=True)


def next_occurrence(
    schedule: Schedule, after: datetime, *, skip_holidays: bool = True, horizon_days: int = 400
) -> datetime | None:
    """The first start at or after `after`, looking at most `horizon_days` ahead."""
    window = 30
    lo = after
    while lo < after + timedelta(days=horizon_days):
        hi = lo + timedelta(days=window)
        found = occurrences(schedule, lo, hi, skip_holidays=skip_holidays)
        if found:
            return found[0]
        lo = hi
    return None
