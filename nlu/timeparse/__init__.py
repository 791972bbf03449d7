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

The grains live in ``zh.py`` and ``en.py``; ``core.py`` holds the atom types, calendar
arithmetic, the grain registry and the grains both languages share (ISO dates, ``HH:MM``).
This module selects, groups and resolves atoms.

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
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from .core import (
    AM,
    ANY,
    NIGHT,
    NOON,
    PM,
    SHARED_GRAINS,
    TZ,
    Grain,
    _at,
    _Atom,
    _Clock,
    _Ctx,
    _Part,
)
from .en import EN_GRAINS
from .zh import ZH_GRAINS

__all__ = ["TZ", "TimeSpan", "first_interval", "parse_times"]

# Registration order matters: at equal start and length the earlier grain's atom wins.
_GRAINS: list[Grain] = [*ZH_GRAINS, *SHARED_GRAINS, *EN_GRAINS]


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
