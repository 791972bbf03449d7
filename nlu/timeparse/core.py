"""Building blocks for the grains: atoms, the context, calendar arithmetic, the grain registry.

Also home to the grains both languages share (ISO dates, 24-hour ``HH:MM`` clocks). Each language
module keeps its own registry list; ``nlu.timeparse`` concatenates them in a fixed order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")

# --- the pieces an expression is made of ------------------------------------------------------

AM, NOON, PM, NIGHT, ANY = "am", "noon", "pm", "night", "any"  # how a part shifts a bare hour


@dataclass(frozen=True)
class _Part:
    start: int  # hours from the day's 00:00
    end: int
    mode: str


@dataclass(frozen=True)
class _Clock:
    hour: int
    minute: int
    mode: str  # "bare" | "am" | "pm" | "24h"


@dataclass(frozen=True)
class _Atom:
    start: int
    end: int
    day: date | None = None
    span: tuple[datetime, datetime] | None = None  # several days, weeks, months
    part: _Part | None = None
    clock: _Clock | None = None
    point: datetime | None = None  # "in 2 hours"
    standalone: bool = True  # "morning" alone is a greeting, not a time
    weekly: bool = False  # a bare weekday (周五): in 周一到周五 it may mean the week after
    weekday: int | None = None  # set by weekday words, so 12月10号星期四 can be checked

    @property
    def slots(self) -> set[str]:
        slots = set()
        if self.day is not None or self.span is not None:
            slots.add("day")
        if self.part is not None:
            slots.add("part")
        if self.clock is not None:
            slots.add("clock")
        if self.point is not None:
            slots.add("point")
        return slots


@dataclass(frozen=True)
class _Ctx:
    now: datetime
    today: date

    @classmethod
    def at(cls, now: datetime) -> _Ctx:
        now = now.replace(tzinfo=TZ) if now.tzinfo is None else now.astimezone(TZ)
        now = now.replace(microsecond=0)
        return cls(now, now.date())

    @property
    def monday(self) -> date:
        return self.today - timedelta(days=self.today.weekday())


def _at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """Midnight-safe: hour 24 (or 25 for 晚上1点) rolls into the next day."""
    extra, hour = divmod(hour, 24)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ) + timedelta(days=extra)


def _days(first: date, last_exclusive: date) -> tuple[datetime, datetime]:
    return _at(first), _at(last_exclusive)


def _add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's last day (1月31号 + 1 → 2月28号)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(day.day, _month_length(year, month)))


def _month_length(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


# Bounds that keep arithmetic away from datetime's limits (year 1..9999) on hostile input.
_YEARS = range(1900, 2201)
_MAX_COUNT = 1000  # 未来N天 / in N days


def _safe_date(year: int, month: int, day: int) -> date | None:
    if year not in _YEARS:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _alt(words: Iterable[str]) -> str:
    """Regex alternation, longest first so 大后天 is tried before 后天."""
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


# --- grains: one handler per kind of expression -----------------------------------------------

Handler = Callable[[re.Match[str], _Ctx], _Atom | None]
Grain = tuple[re.Pattern[str], Handler]


def _registrar(grains: list[Grain]) -> Callable[[str], Callable[[Handler], Handler]]:
    """A ``@_grain(pattern)`` decorator that appends each handler to ``grains`` in source order."""

    def _grain(pattern: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            grains.append((re.compile(pattern), handler))
            return handler

        return register

    return _grain


def _atom(m: re.Match[str], **slots: object) -> _Atom:
    return _Atom(m.start(), m.end(), **slots)  # type: ignore[arg-type]


def _dead(m: re.Match[str]) -> _Atom:
    """An atom that holds its text but means nothing (2月30号): shorter matches may not use it."""
    return _Atom(m.start(), m.end())


def _day_atom(m: re.Match[str], day: date | None) -> _Atom:
    """A day, or a dead atom when the words name no real one (2月30号, February 30th)."""
    return _atom(m, day=day) if day else _dead(m)


def _span_atom(m: re.Match[str], span: tuple[datetime, datetime] | None) -> _Atom:
    """A span, or a dead atom when the words name no real one."""
    return _atom(m, span=span) if span else _dead(m)


def _weekday_atom(m: re.Match[str], ctx: _Ctx, weekday: int, week: int | None) -> _Atom:
    """A weekday in a named week (0 this, 1 next, -1 last); None: the coming one, which also
    reads as "every" that weekday (周三 / on Wednesday)."""
    return _atom(m, day=_weekday(ctx, weekday, week), weekly=week is None, weekday=weekday)


def _weekday(ctx: _Ctx, weekday: int, week: int | None) -> date:
    if week is None:
        return ctx.today + timedelta(days=(weekday - ctx.today.weekday()) % 7)
    return ctx.monday + timedelta(days=7 * week + weekday)


def _week(ctx: _Ctx, week: int) -> tuple[datetime, datetime]:
    monday = ctx.monday + timedelta(days=7 * week)
    start = ctx.now if week == 0 else _at(monday)
    return start, _at(monday + timedelta(days=7))


def _weekend(ctx: _Ctx, week: int) -> tuple[datetime, datetime]:
    monday = ctx.monday + timedelta(days=7 * week)
    saturday = monday + timedelta(days=5)
    if week == 0 and ctx.today.weekday() == 6:
        saturday = ctx.today  # on Sunday, "this weekend" is what is left of it
    return _days(saturday, monday + timedelta(days=7))


def _week_handlers(prefixes: dict[str, int | None]) -> tuple[Handler, Handler]:
    """The handlers of "this/next/last week" and "… weekend", one rule for every language:
    `prefixes` maps the language's words (the match's group `pre`) to a week; none is this week."""

    def which(m: re.Match[str]) -> int:
        return prefixes[m["pre"] or ""] or 0

    def week(m: re.Match[str], ctx: _Ctx) -> _Atom:
        return _atom(m, span=_week(ctx, which(m)))

    def weekend(m: re.Match[str], ctx: _Ctx) -> _Atom:
        return _atom(m, span=_weekend(ctx, which(m)))

    return week, weekend


def _month(ctx: _Ctx, months: int, edge: str = "") -> tuple[datetime, datetime]:
    first = _add_months(ctx.today.replace(day=1), months)
    following = _add_months(first, 1)
    if edge in ("初", "上旬"):
        return _days(first, first.replace(day=11))
    if edge in ("中", "中旬"):
        return _days(first.replace(day=11), first.replace(day=21))
    if edge in ("底", "下旬"):
        return _days(first.replace(day=21), following)
    return (ctx.now if months == 0 else _at(first)), _at(following)


def _year(ctx: _Ctx, years: int) -> tuple[datetime, datetime]:
    first = date(ctx.today.year + years, 1, 1)
    start = ctx.now if years == 0 else _at(first)
    return start, _at(date(first.year + 1, 1, 1))


def _month_day(ctx: _Ctx, month: int, day: int, year: int | None) -> date | None:
    """12月10号: this year's, or next year's once this year's is past."""
    if year is not None:
        return _safe_date(year, month, day)
    for y in (ctx.today.year, ctx.today.year + 1):
        found = _safe_date(y, month, day)
        if found is not None and found >= ctx.today:
            return found
    return None


def _day_of_month(ctx: _Ctx, day: int) -> date | None:
    """10号: this month's, or the next month's where that day is still ahead (31号 skips)."""
    first = ctx.today.replace(day=1)
    for k in range(3):
        month = _add_months(first, k)
        found = _safe_date(month.year, month.month, day)
        if found is not None and found >= ctx.today:
            return found
    return None


def _whole_month(ctx: _Ctx, month: int, year: int | None) -> tuple[datetime, datetime] | None:
    if not 1 <= month <= 12 or (year is not None and year not in _YEARS):
        return None
    if year is None:
        year = ctx.today.year + (month < ctx.today.month)
    first = date(year, month, 1)
    return _days(first, _add_months(first, 1))


def _shift(ctx: _Ctx, n: int, unit: str) -> date | datetime:
    """``now`` moved by n units: a date for day-sized units, a datetime for hours and minutes."""
    if unit == "minute":
        return ctx.now + timedelta(minutes=n)
    if unit == "hour":
        return ctx.now + timedelta(hours=n)
    if unit == "month":
        return _add_months(ctx.today, n)
    return ctx.today + timedelta(days=n * (7 if unit == "week" else 1))


def _window(ctx: _Ctx, n: int, unit: str) -> tuple[datetime, datetime] | None:
    if not 0 < n <= _MAX_COUNT:
        return None
    if unit == "month":
        later = _add_months(ctx.today, n)
        end = ctx.now.replace(year=later.year, month=later.month, day=later.day)
    elif unit == "hour":
        end = ctx.now + timedelta(hours=n)
    elif unit == "minute":
        end = ctx.now + timedelta(minutes=n)
    else:
        end = ctx.now + timedelta(days=n * (7 if unit == "week" else 1))
    return ctx.now, end


def _offset_atom(m: re.Match[str], ctx: _Ctx, n: int, unit: str) -> _Atom:
    if abs(n) > _MAX_COUNT:
        return _dead(m)
    moved = _shift(ctx, n, unit)
    if isinstance(moved, datetime):
        return _atom(m, point=moved)
    return _atom(m, day=moved)


# Chinese ---------------------------------------------------------------------------------------


def _clock_atom(m: re.Match[str], hour: int, minute: int, mode: str) -> _Atom | None:
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        return _dead(m)
    if hour > 12 and mode == "bare":
        mode = "24h"
    return _atom(m, clock=_Clock(hour, minute, mode))


# --- shared: ISO dates and 24-hour clocks -----------------------------------------------------

SHARED_GRAINS: list[Grain] = []
_grain = _registrar(SHARED_GRAINS)


@_grain(r"(?<!\d)(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d:])")
def _iso_date(m: re.Match[str], ctx: _Ctx) -> _Atom:
    found = _safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return _atom(m, day=found) if found else _dead(m)


@_grain(r"(?:\bat\s+|@\s*)?(?<![\d:.])(?P<h>\d{1,2}):(?P<m>\d{2})(?![\d:])(?!\s*[ap]\.?m\b)")
def _colon_clock(m: re.Match[str], ctx: _Ctx) -> _Atom | None:
    hour = m["h"]
    mode = "24h" if hour.startswith("0") or int(hour) == 0 else "bare"
    return _clock_atom(m, int(hour), int(m["m"]), mode)
