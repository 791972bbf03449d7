"""Time expressions in Chinese and English → ISO-8601 intervals in Asia/Shanghai.

Input is text that already went through ``nlu.normalize.normalize`` (lowercase, Arabic digits,
simplified characters; weekday words such as 周一/星期三 stay as characters).

    >>> from datetime import datetime
    >>> now = datetime.fromisoformat("2026-12-02T10:00:00+08:00")     # a Wednesday
    >>> [s.as_value() for s in parse_times("下周三晚上7点半", now)]
    [{'from': '2026-12-09T19:30:00+08:00', 'to': '2026-12-09T20:30:00+08:00'}]

How it works: every grain (day word, weekday, date, week, month, part of day, clock time,
relative offset) has its own regex and handler that turns a match into an ``_Atom``. The longest
atoms win, left to right; neighbouring atoms separated only by spaces, commas or 的 join into one
expression (明天 + 下午 + 3点), and ``X到Y`` / ``X to Y`` joins two expressions into one range.

Rules worth knowing (they are choices, not facts of the language):

* Intervals are half-open ``[from, to)``. A clock time is one hour, a day is 00:00 → next 00:00,
  a part of day is its range on that day.
* Parts of day: 凌晨 00–06, 早上/早晨/清晨 06–09, 上午 08–12, 中午 11–13, 下午 12–18, 傍晚 17–19,
  晚上/晚间/夜里/今晚 18–22, 白天 06–18; morning 06–12, afternoon 12–18, evening/night/tonight 18–22.
* A bare hour (no part of day, no am/pm): 1–6 → afternoon (13:00–18:00, when classes and lectures
  happen), 7–12 → as written (07:00–12:00), 0 and 13–24 → 24-hour clock. "09:30" (leading zero)
  is always 24-hour.
* 晚上 + 1–4点 is after midnight (the next day); 晚上12点 is the next day's 00:00.
* With no day given, a clock time or part of day that is already over today means tomorrow.
* 周六 / "saturday" / "on saturday": the next Saturday on or after today.
  这周六 / "this saturday": Saturday of the current Monday-first week (may be in the past);
  下周六 / "next saturday": Saturday of next week.
* 这周 / this week and 这个月 / this month run from *now* to the end of the period; 下周, 下个月,
  周末 (Sat 00:00 → Mon 00:00; on a Sunday: today 00:00 → Mon) cover the whole period.
* 10号 / "the 10th": this month, or the next month where that day is still ahead.
  12月10号 / "december 10": this year, or next year when already past. Impossible dates
  (2月30号) give nothing.
* 最近/近期/这几天/"these days": the next 7 days from now. 未来N天/N周内/"next N days": now → now+N.
  N天后/"in N days": that whole day; N小时后/N分钟后/"in N hours": a one-hour point.
* 月初 / 月中 / 月底 are days 1–10 / 11–20 / 21–end (上旬 / 中旬 / 下旬).
* Multi-day expressions absorb a following part of day or clock (周末下午 = the weekend).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = ["TZ", "TimeSpan", "first_interval", "parse_times"]

TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class TimeSpan:
    """One time expression: where it is in the text and the interval ``[from_, to)`` it means."""

    start: int
    end: int
    text: str
    from_: datetime
    to: datetime

    def as_value(self) -> dict[str, str]:
        """The entity value: ``{"from": ISO, "to": ISO}`` with the +08:00 offset."""
        return {"from": self.from_.isoformat(), "to": self.to.isoformat()}


def parse_times(text: str, now: datetime) -> list[TimeSpan]:
    """All time expressions in normalised ``text``, left to right, resolved against ``now``.

    ``now`` should be timezone-aware; a naive ``now`` is taken to be Beijing time.
    """
    ctx = _Ctx.at(now)
    atoms = _select(_candidates(text, ctx))
    groups = _group(text, atoms)
    spans: list[TimeSpan] = []
    i = 0
    while i < len(groups):
        group = groups[i]
        interval = _resolve(group, ctx)
        if interval is None:
            i += 1
            continue
        start, end = group[0].start, group[-1].end
        if i + 1 < len(groups):
            joined = _join_range(text, group, groups[i + 1], interval, ctx)
            if joined is not None:
                interval, end = joined
                i += 1
        spans.append(TimeSpan(start, end, text[start:end], *interval))
        i += 1
    return spans


def first_interval(text: str, now: datetime) -> dict[str, str] | None:
    """The value of the first time expression in ``text``, or None when there is none."""
    spans = parse_times(text, now)
    return spans[0].as_value() if spans else None


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


# --- word tables ------------------------------------------------------------------------------

_ZH_DAYS = {
    "大前天": -3, "前天": -2, "昨天": -1, "昨儿": -1, "昨日": -1,
    "今天": 0, "今儿": 0, "今日": 0, "明天": 1, "明儿": 1, "明日": 1, "后天": 2, "大后天": 3,
}  # fmt: skip
_ZH_PARTS = {
    "凌晨": _Part(0, 6, AM), "清晨": _Part(6, 9, AM), "早上": _Part(6, 9, AM),
    "早晨": _Part(6, 9, AM), "上午": _Part(8, 12, AM), "中午": _Part(11, 13, NOON),
    "下午": _Part(12, 18, PM), "傍晚": _Part(17, 19, PM), "晚上": _Part(18, 22, NIGHT),
    "晚间": _Part(18, 22, NIGHT), "夜里": _Part(18, 22, NIGHT), "夜间": _Part(18, 22, NIGHT),
    "白天": _Part(6, 18, ANY),
}  # fmt: skip
_ZH_DAY_PARTS = {  # one word for a day and a part of it
    "今早": (0, "早上"), "今晚": (0, "晚上"), "今夜": (0, "晚上"),
    "明早": (1, "早上"), "明晚": (1, "晚上"), "昨晚": (-1, "晚上"), "昨夜": (-1, "晚上"),
}  # fmt: skip
_ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
                "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}  # fmt: skip
# Which week a prefix means; None = the next such day on or after today.
_ZH_WEEK_PREFIX = {"": None, "这": 0, "这个": 0, "本": 0, "下": 1, "下个": 1,
                   "下下": 2, "下下个": 2, "上": -1, "上个": -1}  # fmt: skip
_ZH_MONTH_PREFIX = {"这个": 0, "这": 0, "本": 0, "下个": 1, "下": 1, "上个": -1, "上": -1}
_ZH_YEARS = {"去年": -1, "今年": 0, "明年": 1}
_ZH_UNITS = {"天": "day", "日": "day", "周": "week", "星期": "week", "礼拜": "week",
             "月": "month", "小时": "hour", "钟头": "hour", "分钟": "minute"}  # fmt: skip

_EN_PARTS = {
    "morning": _Part(6, 12, AM), "afternoon": _Part(12, 18, PM),
    "evening": _Part(18, 22, NIGHT), "night": _Part(18, 22, NIGHT),
}  # fmt: skip
_EN_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3,
    "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
_EN_WEEK_PREFIX = {"": None, "on": None, "coming": None, "this coming": None,
                   "this": 0, "next": 1, "last": -1}  # fmt: skip
_EN_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_EN_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_EN_UNITS = {"min": "minute", "mins": "minute", "minute": "minute", "minutes": "minute",
             "hr": "hour", "hrs": "hour", "hour": "hour", "hours": "hour", "day": "day",
             "days": "day", "week": "week", "weeks": "week", "month": "month",
             "months": "month"}  # fmt: skip


def _alt(words: Iterable[str]) -> str:
    """Regex alternation, longest first so 大后天 is tried before 后天."""
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


_MONTH = _alt(_EN_MONTHS)
_WD_FULL = _alt(w for w in _EN_WEEKDAYS if w.endswith("day"))
_WD_ANY = _alt(_EN_WEEKDAYS)
_EN_N = rf"\d{{1,4}}|{_alt(_EN_NUMBERS)}"
_ORD = r"(?:st|nd|rd|th)"
_NOT_NUMBER_BEFORE = r"(?<![\d.:/-])"


# --- grains: one handler per kind of expression -----------------------------------------------

Handler = Callable[[re.Match[str], _Ctx], _Atom | None]
_GRAINS: list[tuple[re.Pattern[str], Handler]] = []


def _grain(pattern: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _GRAINS.append((re.compile(pattern), handler))
        return handler

    return register


def _atom(m: re.Match[str], **slots: object) -> _Atom:
    return _Atom(m.start(), m.end(), **slots)  # type: ignore[arg-type]


def _dead(m: re.Match[str]) -> _Atom:
    """An atom that holds its text but means nothing (2月30号): shorter matches may not use it."""
    return _Atom(m.start(), m.end())


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


@_grain(rf"(?:{_alt(_ZH_DAYS)})(?:个)?(?!头条)")
def _zh_day(m: re.Match[str], ctx: _Ctx) -> _Atom:
    word = m.group().removesuffix("个")
    return _atom(m, day=ctx.today + timedelta(days=_ZH_DAYS[word]))


@_grain(_alt(_ZH_DAY_PARTS))
def _zh_day_part(m: re.Match[str], ctx: _Ctx) -> _Atom:
    offset, part = _ZH_DAY_PARTS[m.group()]
    return _atom(m, day=ctx.today + timedelta(days=offset), part=_ZH_PARTS[part])


@_grain(rf"(?:{_alt(_ZH_PARTS)})(?!好)")  # 早上好 and 晚上好 are greetings
def _zh_part(m: re.Match[str], ctx: _Ctx) -> _Atom:
    return _atom(m, part=_ZH_PARTS[m.group()])


@_grain(
    rf"(?<![\d一二三四五六七八九十两每])(?P<pre>{_alt(_ZH_WEEK_PREFIX)})(?:周|星期|礼拜)"
    r"(?P<wd>[一二三四五六日天]|[1-7](?!\d))(?![次遍回])"
)
def _zh_weekday(m: re.Match[str], ctx: _Ctx) -> _Atom:
    week = _ZH_WEEK_PREFIX[m["pre"]]
    wd = _ZH_WEEKDAYS[m["wd"]]
    return _atom(m, day=_weekday(ctx, wd, week), weekly=week is None, weekday=wd)


@_grain(r"(?<![\d一二三四五六七八九十两])每(?:周|星期|礼拜)[一二三四五六日天1-7](?![次遍回\d])")
def _zh_every_weekday(m: re.Match[str], ctx: _Ctx) -> _Atom:
    # 每周三: the next one is what a listing or reminder needs.
    wd = _ZH_WEEKDAYS[m.group()[-1]]
    return _atom(m, day=_weekday(ctx, wd, None), weekly=True, weekday=wd)


@_grain(rf"(?P<pre>{_alt(k for k in _ZH_WEEK_PREFIX if k)})(?:周|星期|礼拜)(?!末)")
def _zh_week(m: re.Match[str], ctx: _Ctx) -> _Atom:
    return _atom(m, span=_week(ctx, _ZH_WEEK_PREFIX[m["pre"]] or 0))


@_grain(rf"(?P<pre>{_alt(k for k in _ZH_WEEK_PREFIX if k)})?(?:周末|礼拜六日|星期六日)")
def _zh_weekend(m: re.Match[str], ctx: _Ctx) -> _Atom:
    return _atom(m, span=_weekend(ctx, _ZH_WEEK_PREFIX[m["pre"] or ""] or 0))


@_grain(
    rf"(?P<pre>{_alt(_ZH_MONTH_PREFIX)})?月(?P<edge>初|底)"
    rf"|(?P<pre2>{_alt(_ZH_MONTH_PREFIX)})月(?:份)?(?P<edge2>中|上旬|中旬|下旬)?"
)
def _zh_month(m: re.Match[str], ctx: _Ctx) -> _Atom:
    months = _ZH_MONTH_PREFIX.get(m["pre"] or m["pre2"] or "", 0)
    return _atom(m, span=_month(ctx, months, m["edge"] or m["edge2"] or ""))


@_grain(rf"(?:{_alt(_ZH_YEARS)})(?!\d{{1,2}}月)")
def _zh_year(m: re.Match[str], ctx: _Ctx) -> _Atom:
    return _atom(m, span=_year(ctx, _ZH_YEARS[m.group()]))


@_grain(r"(?<!\d)(?P<y>\d{4})年(?!\d{1,2}月)")
def _zh_whole_year(m: re.Match[str], ctx: _Ctx) -> _Atom:
    first = _safe_date(int(m["y"]), 1, 1)
    if first is None:
        return _dead(m)
    return _atom(m, span=_days(first, date(first.year + 1, 1, 1)))


@_grain(
    rf"(?:(?P<y>(?<!\d)\d{{4}})年|(?P<yrel>{_alt(_ZH_YEARS)}))?"
    r"(?<!\d)(?P<mo>\d{1,2})月(?:(?P<d>\d{1,2})[号日](?![线楼院门口室])|份)?"
)
def _zh_date(m: re.Match[str], ctx: _Ctx) -> _Atom:
    year = int(m["y"]) if m["y"] else None
    if m["yrel"]:
        year = ctx.today.year + _ZH_YEARS[m["yrel"]]
    month = int(m["mo"])
    if m["d"] is None:
        whole = _whole_month(ctx, month, year)
        return _atom(m, span=whole) if whole else _dead(m)
    found = _month_day(ctx, month, int(m["d"]), year)
    return _atom(m, day=found) if found else _dead(m)


@_grain(rf"(?P<pre>{_alt(_ZH_MONTH_PREFIX)})月(?P<d>\d{{1,2}})[号日](?![线楼院门口室])")
def _zh_relative_month_day(m: re.Match[str], ctx: _Ctx) -> _Atom:
    first = _add_months(ctx.today.replace(day=1), _ZH_MONTH_PREFIX[m["pre"]])
    found = _safe_date(first.year, first.month, int(m["d"]))
    return _atom(m, day=found) if found else _dead(m)


@_grain(r"(?<![\d月])(?P<d>\d{1,2})[号日](?![线楼院门口室])")
def _zh_day_of_month(m: re.Match[str], ctx: _Ctx) -> _Atom:
    found = _day_of_month(ctx, int(m["d"]))
    return _atom(m, day=found) if found else _dead(m)


@_grain(
    r"(?<![\d第.:])(?P<h>\d{1,2})(?:点|时)钟?"
    r"(?:(?P<half>半)|(?P<q>[1-3])刻钟?|(?P<m>[0-5]\d)(?!\d)分?|(?P<m1>\d)分(?!钟)|整|多)?"
)
def _zh_clock(m: re.Match[str], ctx: _Ctx) -> _Atom:
    minute = 30 if m["half"] else 15 * int(m["q"]) if m["q"] else int(m["m"] or m["m1"] or 0)
    return _clock_atom(m, int(m["h"]), minute, "bare")


@_grain(
    r"(?<!\d)(?P<n>\d{1,4}|半)(?:(?P<half>个半)|个)?(?P<u>天|日|周|星期|礼拜|小时|钟头|分钟|(?<=个)月)"
    r"(?P<dir>以后|之后|后|以前|之前|前)"
)
def _zh_offset(m: re.Match[str], ctx: _Ctx) -> _Atom | None:
    unit = _ZH_UNITS[m["u"]]
    sign = -1 if "前" in m["dir"] else 1
    if m["n"] == "半" or m["half"]:
        if unit != "hour" or (m["n"] != "半" and int(m["n"]) > _MAX_COUNT):
            return None
        minutes = 30 + (0 if m["n"] == "半" else 60 * int(m["n"]))
        return _atom(m, point=ctx.now + sign * timedelta(minutes=minutes))
    return _offset_atom(m, ctx, sign * int(m["n"]), unit)


@_grain(r"过(?P<n>\d{1,4})(?:个)?(?P<u>天|周|星期|礼拜|(?<=个)月)(?!后|以后|之后)")
def _zh_after(m: re.Match[str], ctx: _Ctx) -> _Atom:
    return _offset_atom(m, ctx, int(m["n"]), _ZH_UNITS[m["u"]])


@_grain(
    r"(?:未来|接下来|今后|往后|最近)的?(?P<n>\d{1,4})(?:个)?(?P<u>天|周|星期|礼拜|月|小时)"
    r"(?:以内|之内|内|里)?"
    r"|(?<!\d)(?P<n2>\d{1,4})(?:个)?(?P<u2>天|日|周|星期|礼拜|(?<=个)月|小时)(?:以内|之内|内)"
)
def _zh_window(m: re.Match[str], ctx: _Ctx) -> _Atom | None:
    window = _window(ctx, int(m["n"] or m["n2"]), _ZH_UNITS[m["u"] or m["u2"]])
    return _atom(m, span=window) if window else None


_NEAREST = {"的", "点", "处"}


@_grain(r"最近|近期|这几天|近几天|这些天|这段时间|这阵子")
def _zh_recent(m: re.Match[str], ctx: _Ctx) -> _Atom | None:
    text = m.string
    # 离我最近的老年大学: 最近 is "nearest", not "recently".
    if m.group() == "最近" and (
        "离" in text[max(0, m.start() - 8) : m.start()] or text[m.end() : m.end() + 1] in _NEAREST
    ):
        return None
    return _atom(m, span=(ctx.now, ctx.now + timedelta(days=7)))


# Shared: ISO dates and 24-hour clocks -------------------------------------------------------


@_grain(r"(?<!\d)(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d:])")
def _iso_date(m: re.Match[str], ctx: _Ctx) -> _Atom:
    found = _safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return _atom(m, day=found) if found else _dead(m)


@_grain(r"(?:\bat\s+|@\s*)?(?<![\d:.])(?P<h>\d{1,2}):(?P<m>\d{2})(?![\d:])(?!\s*[ap]\.?m\b)")
def _colon_clock(m: re.Match[str], ctx: _Ctx) -> _Atom | None:
    hour = m["h"]
    mode = "24h" if hour.startswith("0") or int(hour) == 0 else "bare"
    return _clock_atom(m, int(hour), int(m["m"]), mode)


# English ---------------------------------------------------------------------------------------


@_grain(
    r"\b(?P<w>today|tomorrow|tmrw?|yesterday|(?:the\s+)?day\s+after\s+tomorrow"
    r"|(?:the\s+)?day\s+before\s+yesterday)\b"
)
def _en_day(m: re.Match[str], ctx: _Ctx) -> _Atom:
    word = m["w"]
    offset = (
        2 if "after" in word else -2 if "before" in word else
        -1 if word == "yesterday" else 0 if word == "today" else 1
    )  # fmt: skip
    return _atom(m, day=ctx.today + timedelta(days=offset))


@_grain(r"\b(?:tonight|this\s+(?P<p>morning|afternoon|evening)|last\s+night)\b")
def _en_day_part(m: re.Match[str], ctx: _Ctx) -> _Atom:
    text = m.group()
    offset = -1 if text.startswith("last") else 0
    return _atom(m, day=ctx.today + timedelta(days=offset), part=_EN_PARTS[m["p"] or "evening"])


@_grain(
    r"\b(?P<pre>in\s+the\s+|at\s+(?=night))?(?<!good\s)(?P<p>morning|afternoon|evening|night)\b"
)
def _en_part(m: re.Match[str], ctx: _Ctx) -> _Atom:
    return _atom(m, part=_EN_PARTS[m["p"]], standalone=bool(m["pre"]))


@_grain(
    rf"\b(?:(?:on\s+)?(?P<pre>this\s+coming|coming|this|next|last)\s+|on\s+)(?P<d>{_WD_ANY})\b"
    rf"|\b(?P<bare>{_WD_FULL})\b"
)
def _en_weekday(m: re.Match[str], ctx: _Ctx) -> _Atom:
    pre = re.sub(r"\s+", " ", m["pre"] or "")
    weekday = _EN_WEEKDAYS[m["d"] or m["bare"]]
    week = _EN_WEEK_PREFIX[pre]
    return _atom(m, day=_weekday(ctx, weekday, week), weekly=week is None, weekday=weekday)


@_grain(r"\b(?P<pre>this|next|last)\s+week\b")
def _en_week(m: re.Match[str], ctx: _Ctx) -> _Atom:
    return _atom(m, span=_week(ctx, _EN_WEEK_PREFIX[m["pre"]] or 0))


@_grain(r"\b(?:(?:on|at|over|for)\s+)?(?:(?P<pre>this|next|last)\s+|the\s+)?weekend\b")
def _en_weekend(m: re.Match[str], ctx: _Ctx) -> _Atom:
    return _atom(m, span=_weekend(ctx, _EN_WEEK_PREFIX[m["pre"] or ""] or 0))


@_grain(r"\b(?P<pre>this|next|last)\s+(?P<u>month|year)\b")
def _en_month_year(m: re.Match[str], ctx: _Ctx) -> _Atom:
    k = _EN_WEEK_PREFIX[m["pre"]] or 0
    return _atom(m, span=_month(ctx, k) if m["u"] == "month" else _year(ctx, k))


@_grain(
    rf"\b(?:in|during)\s+(?P<mo>{_MONTH})\b(?!\.?\s*(?:the\s+)?\d{{1,2}}\b(?!\d))\.?(?:,?\s+(?P<y>\d{{4}})\b)?"
)
def _en_whole_month(m: re.Match[str], ctx: _Ctx) -> _Atom:
    whole = _whole_month(ctx, _EN_MONTHS[m["mo"]], int(m["y"]) if m["y"] else None)
    return _atom(m, span=whole) if whole else _dead(m)


@_grain(
    rf"\b(?:on\s+)?(?P<mo>{_MONTH})\b\.?\s*(?:the\s+)?(?P<d>\d{{1,2}}){_ORD}?\b"
    rf"(?!:|\s*[ap]\.?m\b)(?:,?\s+(?P<y>\d{{4}})\b)?"
    rf"|\b(?:on\s+)?(?:the\s+)?(?P<d2>\d{{1,2}}){_ORD}?\s+(?:of\s+)?(?P<mo2>{_MONTH})\b\.?"
    rf"(?:,?\s+(?P<y2>\d{{4}})\b)?"
)
def _en_date(m: re.Match[str], ctx: _Ctx) -> _Atom:
    month = _EN_MONTHS[m["mo"] or m["mo2"]]
    year = m["y"] or m["y2"]
    found = _month_day(ctx, month, int(m["d"] or m["d2"]), int(year) if year else None)
    return _atom(m, day=found) if found else _dead(m)


# "the 3rd" alone is often a floor or a step: a date only after "on" or at the end of a clause.
@_grain(
    rf"\bon\s+the\s+(?P<d>\d{{1,2}}){_ORD}\b|\bthe\s+(?P<d2>\d{{1,2}}){_ORD}(?=\s*(?:$|[,.!?;]))"
)
def _en_day_of_month(m: re.Match[str], ctx: _Ctx) -> _Atom:
    found = _day_of_month(ctx, int(m["d"] or m["d2"]))
    return _atom(m, day=found) if found else _dead(m)


@_grain(r"(?:\bat\s+|@\s*)?(?<![\d:.])\b(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ap>a|p)\.?m\b\.?")
def _en_ampm(m: re.Match[str], ctx: _Ctx) -> _Atom | None:
    hour = int(m["h"])
    if not 1 <= hour <= 12:
        return None
    return _clock_atom(m, hour, int(m["m"] or 0), "am" if m["ap"] == "a" else "pm")


@_grain(
    r"\bat\s+(?P<h>\d{1,2})(?:\s*o'?clock\b)?(?![\d:])"
    rf"(?=\s*(?:$|[,.!?;)]|in\b|on\b|this\b|next\b|tomorrow|today|tonight|{_WD_ANY}))"
    r"|\b(?P<h2>\d{1,2})\s*o'?clock\b"
)
def _en_bare_hour(m: re.Match[str], ctx: _Ctx) -> _Atom | None:
    return _clock_atom(m, int(m["h"] or m["h2"]), 0, "bare")


@_grain(r"\b(?:at\s+)?(?P<w>noon|midday|midnight)\b")
def _en_noon(m: re.Match[str], ctx: _Ctx) -> _Atom:
    return _clock_atom(m, 24 if m["w"] == "midnight" else 12, 0, "24h")


@_grain(rf"\bin\s+(?P<n>{_EN_N})\s+(?P<u>{_alt(_EN_UNITS)})\b|\bin\s+half\s+an?\s+hour\b")
def _en_in(m: re.Match[str], ctx: _Ctx) -> _Atom | None:
    if m["n"] is None:
        return _atom(m, point=ctx.now + timedelta(minutes=30))
    return _offset_atom(m, ctx, _en_number(m["n"]), _EN_UNITS[m["u"]])


@_grain(rf"\b(?P<n>{_EN_N})\s+(?P<u>days?|weeks?|months?)\s+ago\b")
def _en_ago(m: re.Match[str], ctx: _Ctx) -> _Atom:
    return _offset_atom(m, ctx, -_en_number(m["n"]), _EN_UNITS[m["u"]])


@_grain(
    r"\b(?:within|(?:in|over|for|during)\s+the\s+next|the\s+next|next)\s+"
    rf"(?P<n>{_EN_N})\s+(?P<u>days?|weeks?|months?|hours?)\b"
)
def _en_window(m: re.Match[str], ctx: _Ctx) -> _Atom | None:
    window = _window(ctx, _en_number(m["n"]), _EN_UNITS[m["u"]])
    return _atom(m, span=window) if window else None


@_grain(
    r"\b(?:these\s+days|(?:in\s+|over\s+)?(?:the\s+)?(?:next|coming)\s+few\s+days"
    r"|(?:in\s+|over\s+)?the\s+coming\s+days)\b"
)
def _en_recent(m: re.Match[str], ctx: _Ctx) -> _Atom:
    return _atom(m, span=(ctx.now, ctx.now + timedelta(days=7)))


def _en_number(word: str) -> int:
    return int(word) if word.isdigit() else _EN_NUMBERS[word]


def _clock_atom(m: re.Match[str], hour: int, minute: int, mode: str) -> _Atom | None:
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        return _dead(m)
    if hour > 12 and mode == "bare":
        mode = "24h"
    return _atom(m, clock=_Clock(hour, minute, mode))


# --- selection, grouping, resolution ----------------------------------------------------------


def _candidates(text: str, ctx: _Ctx) -> list[_Atom]:
    found = []
    for pattern, handler in _GRAINS:
        # Overlapping search: in 晚上周三 the regex for 上周三 must not hide 周三.
        m = pattern.search(text)
        while m is not None:
            if m.end() > m.start():
                atom = handler(m, ctx)
                if atom is not None:
                    found.append(atom)
            m = pattern.search(text, m.start() + 1)
    return found


def _select(candidates: list[_Atom]) -> list[_Atom]:
    """Leftmost first, longest at each start, never overlapping."""
    chosen: list[_Atom] = []
    last_end = 0
    for atom in sorted(candidates, key=lambda a: (a.start, a.start - a.end)):
        if atom.start >= last_end:
            chosen.append(atom)
            last_end = atom.end
    return chosen


_GLUE = re.compile(r"[\s,()]*的?[\s,()]*")
_RANGE_GLUE = re.compile(r"\s*(?:到|至|-|~|—|–|to|until|till)\s*")


def _group(text: str, atoms: list[_Atom]) -> list[list[_Atom]]:
    """Join neighbours that fill different slots: 明天 + 下午 + 3点, 3pm + on friday."""
    groups: list[list[_Atom]] = []
    filled: set[str] = set()
    for atom in atoms:
        if not atom.slots:  # a dead atom breaks any expression around it
            groups.append([atom])
            filled = {"day", "part", "clock", "point"}
            continue
        glued = bool(groups) and _GLUE.fullmatch(text, groups[-1][-1].end, atom.start)
        if glued and not (atom.slots & filled) and "point" not in atom.slots | filled:
            groups[-1].append(atom)
            filled |= atom.slots
        elif glued and atom.slots == {"day"} and any(_same_day(a, atom) for a in groups[-1]):
            groups[-1].append(atom)  # 12月10号星期四, 今天周三: one day said twice
        else:
            groups.append([atom])
            filled = set(atom.slots)
    return [g for g in groups if any(a.standalone for a in g) and any(a.slots for a in g)]


def _same_day(a: _Atom, b: _Atom) -> bool:
    """Two day atoms name one day: equal dates, or a weekday word that fits the other's date."""
    if a.day is None or b.day is None:
        return False
    if a.day == b.day:
        return True
    if a.weekday is not None and b.weekday is None:
        a, b = b, a
    return a.weekday is None and b.weekday == a.day.weekday()


def _merge(group: list[_Atom]) -> _Atom:
    # A date beats a weekday word said with it: in 星期四12月10号 the day is the 10th.
    days = [a for a in group if a.day is not None]
    dated = [a for a in days if a.weekday is None] or days
    merged = replace(group[0], day=dated[0].day if dated else None)
    for atom in group[1:]:
        merged = replace(
            merged,
            end=atom.end,
            span=merged.span or atom.span,
            part=merged.part or atom.part,
            clock=merged.clock or atom.clock,
            point=merged.point or atom.point,
            weekly=merged.weekly and atom.day is None,
        )
    return merged


def _resolve(
    group: list[_Atom], ctx: _Ctx, base: date | None = None
) -> tuple[datetime, datetime] | None:
    """The interval a group means; ``base`` is the day to use when the group names none."""
    e = _merge(group)
    hour = timedelta(hours=1)
    if e.point is not None:
        return e.point, e.point + hour
    if e.span is not None:
        return e.span
    day = e.day or base or ctx.today
    roll = e.day is None and base is None  # no day said: a time already over means tomorrow
    if e.clock is not None:
        start = _at(day, *_hour_minute(e.clock, e.part))
        if roll and start + hour <= ctx.now:
            start += timedelta(days=1)
        return start, start + hour
    if e.part is not None:
        start, end = _at(day, e.part.start), _at(day, e.part.end)
        if roll and end <= ctx.now:
            start, end = start + timedelta(days=1), end + timedelta(days=1)
        return start, end
    if e.day is not None:
        return _at(day), _at(day + timedelta(days=1))
    return None


def _hour_minute(clock: _Clock, part: _Part | None) -> tuple[int, int]:
    """The 24-hour time a spoken hour means, given am/pm or the part of day around it."""
    h, mode = clock.hour, clock.mode
    if mode == "24h":
        pass
    elif mode == "am":
        h = 0 if h == 12 else h
    elif mode == "pm":
        h = h if h == 12 else h + 12
    elif part is not None and part.mode != ANY:
        if part.mode == AM:
            h = 0 if (h == 12 and part.start == 0) else h
        elif part.mode == NOON:
            h = h + 12 if 1 <= h <= 5 else h
        elif part.mode == PM:
            h = h + 12 if h < 12 else h
        elif part.mode == NIGHT:
            # 晚上7点 is 19:00; 晚上1点 and 晚上12点 are after midnight.
            h = 24 if h in (0, 12) else h + 24 if h <= 4 else h + 12 if h < 12 else h
    elif 1 <= h <= 6:
        h += 12  # a bare 3点 is 15:00: classes and lectures are not held at 3 in the morning
    return h, clock.minute


def _join_range(
    text: str,
    first: list[_Atom],
    second: list[_Atom],
    interval: tuple[datetime, datetime],
    ctx: _Ctx,
) -> tuple[tuple[datetime, datetime], int] | None:
    """下午3点到5点, 周一到周五, 9am to 11am: one interval from the start of the first to the second."""
    if not _RANGE_GLUE.fullmatch(text, first[-1].end, second[0].start):
        return None
    a, b = _merge(first), _merge(second)
    if a.point is not None or b.point is not None or (a.span is None) != (b.span is None):
        return None
    if b.clock is not None and b.part is None and b.day is None and a.part is not None:
        second = [*second, _Atom(b.end, b.end, part=a.part, standalone=False)]
    end_interval = _resolve(second, ctx, base=interval[0].date() if b.day is None else None)
    if end_interval is None:
        return None
    end = end_interval[0] if b.clock is not None else end_interval[1]
    if end <= interval[0] and b.weekly:
        end += timedelta(days=7)  # 周五到周一: the Monday after
    if end <= interval[0]:
        return None
    return (interval[0], end), b.end
