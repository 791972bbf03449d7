"""Reminder offsets: "提前两小时", "前一天晚上8点", "an hour before" → the `offset` entity.

The value is the scheduler's canonical offset string: ``"-120m"`` (N minutes before the start) or
``"-1d@20:00"`` (N days before, at a wall-clock time in Asia/Shanghai; ``"-0d@08:00"`` is the same
day). "A day before" without a time means the evening before at 18:00 (when families plan the
next day). Numerals are the normaliser's (``nlu.normalize``: 两 → 2), clock times are the time
parser's own grains (中午1点 = 13:00, a bare 5点 = 17:00), so offsets and times never disagree.

Like the other grains it reads normalised, case-folded text. An offset is only looked for when
the message has a cue word (前, 当天, before, ahead …): "讲座2小时" is a duration, not an offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from ..lang import has_cjk
from .core import TZ
from .en import EN_NUMBERS

MAX_MINUTES = 7 * 24 * 60  # a reminder more than a week ahead is not a reminder
MAX_DAYS = 7
EVENING_BEFORE = time(18)

CUE = re.compile(r"前|当天|当日|before|early|ahead|advance|same day|on the day")

_ZH_UNIT = re.compile(r"(\d+(?:\.\d+)?|半|俩)\s*(个)?\s*(半)?\s*(小时|钟头|分钟|分|天|日)")
_ZH_SAME_DAY = re.compile(r"当天|当日")
_ZH_DAY_BEFORE = re.compile(r"前1天|头1天|前一晚|前1晚|前天晚上|头天")
_ZH_LEAD = re.compile(r"(?:提前|提早|早|前)$")

# The time parser's English numbers, and the round minutes people say before an event.
_EN_NUMBERS = {
    **EN_NUMBERS, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45,
    "half": 0.5,
}  # fmt: skip
_EN_UNIT = re.compile(
    r"(\d+(?:\.\d+)?|[a-z-]+)\s+(?:and\s+a\s+half\s+)?(hours?|hrs?|minutes?|mins?|days?)"
)
_EN_SAME_DAY = re.compile(r"\bsame day\b|\bthat morning\b|\bon the day\b")
_EN_DAY_BEFORE = re.compile(r"\b(the )?day before\b|\bthe night before\b|\bthe evening before\b")
_EN_SEVERAL_DAYS = re.compile(r"\d+\s+days?|\b(two|three|four|five|six|seven)\s+days?")
_EN_HALF_HOUR = re.compile(r"\bhalf an hour\b")
_EN_AN_HOUR = re.compile(r"\ban hour\b")
_EN_AT = re.compile(r"\bat\s+")
_EN_BEFORE = re.compile(r"\s*(?:before|early|ahead|in advance)\b")

# Clock times are resolved on a day at midnight, so none of them is "already over".
_REF = datetime(2026, 1, 5, tzinfo=TZ)


@dataclass(frozen=True)
class OffsetMatch:
    """An offset found in a message: where (offsets into the text given) and its value."""

    start: int
    end: int
    value: str


def find_offset(text: str) -> OffsetMatch | None:
    """The reminder offset a normalised, case-folded message asks for, or None."""
    if not CUE.search(text):
        return None
    if has_cjk(text):
        return _zh(text)
    return _en(text)


def parse_offset(text: str) -> str | None:
    """The offset a phrase asks for (normalised here), or None: 提前两小时 → "-120m",
    前一天晚上8点 → "-1d@20:00", "the day before at 8 pm" → "-1d@20:00"."""
    from ..normalize import normalize  # the normaliser imports the time parser's package

    match = find_offset(normalize(text).text.lower())
    return match.value if match else None


# -- Mandarin -------------------------------------------------------------------------------


def _zh(text: str) -> OffsetMatch | None:
    m = _ZH_SAME_DAY.search(text)
    if m:
        found = _clock_after(text, m.end())
        if found is None:
            return None
        clock, shift, end = found
        return OffsetMatch(m.start(), end, _days(0 - shift, clock))
    m = _ZH_UNIT.search(text)
    if m:
        amount = _zh_amount(m.group(1))
        if m.group(3):  # 一个半小时
            amount += 0.5
        unit = m.group(4)
        start = _lead(text, m.start())
        if unit in ("天", "日"):
            found = _clock_after(text, m.end())
            clock, shift, end = found if found else (None, 0, m.end())
            value = _days_value(amount, clock, shift)
            return OffsetMatch(start, end, value) if value else None
        value = _minutes_value(amount * 60 if unit in ("小时", "钟头") else amount)
        return OffsetMatch(start, m.end(), value) if value else None
    m = _ZH_DAY_BEFORE.search(text)
    if m:
        found = _clock_after(text, m.end()) or _clock_after(text, m.start())
        clock, shift, end = found if found else (EVENING_BEFORE, 0, m.end())
        return OffsetMatch(m.start(), max(end, m.end()), _days(max(0, 1 - shift), clock))
    return None


def _zh_amount(word: str) -> float:
    return {"半": 0.5, "俩": 2.0}.get(word) or float(word)


def _lead(text: str, start: int) -> int:
    """Include 提前 / 提早 / 前 right before the amount in the entity."""
    m = _ZH_LEAD.search(text, 0, start)
    return m.start() if m else start


# -- English --------------------------------------------------------------------------------


def _en(text: str) -> OffsetMatch | None:
    m = _EN_SAME_DAY.search(text)
    if m:
        found = _en_clock(text)
        if found is None:
            return None
        clock, shift, end = found
        return OffsetMatch(min(m.start(), end), max(m.end(), end), _days(0 - shift, clock))
    m = _EN_DAY_BEFORE.search(text)
    if m and not _EN_SEVERAL_DAYS.search(text):
        found = _en_clock(text)
        clock, shift, end = found if found else (EVENING_BEFORE, 0, m.end())
        return OffsetMatch(m.start(), max(m.end(), end), _days(max(0, 1 - shift), clock))
    m = _EN_HALF_HOUR.search(text)
    if m:
        return OffsetMatch(m.start(), _before_end(text, m.end()), "-30m")
    m = _EN_UNIT.search(text)
    if m:
        word = m.group(1)
        try:
            amount = float(word)
        except ValueError:
            amount = _EN_NUMBERS.get(word)
        if amount is None:
            return None
        if "and a half" in m.group(0):
            amount += 0.5
        end = _before_end(text, m.end())
        if m.group(2).startswith("day"):
            found = _en_clock(text)
            clock, shift, clock_end = found if found else (None, 0, end)
            value = _days_value(amount, clock, shift)
            return OffsetMatch(m.start(), max(end, clock_end), value) if value else None
        minutes = amount * 60 if m.group(2).startswith("h") else amount
        value = _minutes_value(minutes)
        return OffsetMatch(m.start(), end, value) if value else None
    m = _EN_AN_HOUR.search(text)
    if m:
        return OffsetMatch(m.start(), _before_end(text, m.end()), "-60m")
    return None


def _before_end(text: str, end: int) -> int:
    m = _EN_BEFORE.match(text, end)
    return m.end() if m else end


def _en_clock(text: str) -> tuple[time, int, int] | None:
    m = _EN_AT.search(text)
    return _clock_after(text, m.start()) if m else None


# -- shared ---------------------------------------------------------------------------------


def _clock_after(text: str, pos: int) -> tuple[time, int, int] | None:
    """The first clock time at or after `pos`, by the time parser's rules: (time of day, days
    it lies after the day it names (晚上1点 is after midnight), end offset in `text`)."""
    from . import parse_times

    for span in parse_times(text[pos:], _REF):
        if span.to - span.from_ == timedelta(hours=1):  # a clock time, not a part of day
            shift = (span.from_.date() - _REF.date()).days
            return span.from_.time(), shift, pos + span.end
    return None


def _days(days: int, clock: time) -> str:
    return f"-{days}d@{clock.strftime('%H:%M')}"


def _days_value(amount: float, clock: time | None, shift: int = 0) -> str | None:
    days = int(amount) if amount >= 1 else 1
    if days > MAX_DAYS:
        return None
    return _days(max(0, days - shift), clock or EVENING_BEFORE)


def _minutes_value(minutes: float) -> str | None:
    minutes = round(minutes)
    return f"-{minutes}m" if 0 < minutes <= MAX_MINUTES else None
