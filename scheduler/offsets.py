"""Reminder offsets: when, relative to an event's start, a reminder falls due.

Two canonical forms, stored as strings in `subscriptions.offsets`:

- ``"-60m"``: N minutes before the start (``"-120m"`` = two hours before). ``"-2h"`` is accepted
  on input and normalised to ``"-120m"``.
- ``"-1d@18:00"``: N calendar days before the start, at a wall-clock time in Asia/Shanghai
  (``"-1d@18:00"`` = the day before at 18:00; ``"-0d@08:00"`` = the same day at 08:00).

`parse_offset` turns what a user says ("提前两小时", "提前一天", "2 hours before") into one of
these. "A day before" without a time means the day before at 18:00 — the evening before is when
families plan the next day, and it matches the default.
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


# -- words --------------------------------------------------------------------------------

_ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "半": 0.5,
}
_EN_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "half": 0.5,
}


def _zh_number(text: str) -> float | None:
    """ "两" → 2, "十五" → 15, "二十" → 20, "1.5" → 1.5, "一个半" is handled by the caller."""
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    if text == "半":
        return 0.5
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _ZH_DIGITS.get(tens) if tens else 1
        o = _ZH_DIGITS.get(ones) if ones else 0
        return None if t is None or o is None else t * 10 + o
    if len(text) == 1 and text in _ZH_DIGITS:
        return _ZH_DIGITS[text]
    return None


_ZH_AMOUNT = r"([0-9.]+|[零〇一二两俩三四五六七八九十半]+)"
_ZH_UNIT = re.compile(_ZH_AMOUNT + r"\s*(个)?\s*(半)?\s*(小时|钟头|分钟|分|天|日)")
_ZH_CLOCK = re.compile(
    r"(早上|早晨|上午|中午|下午|傍晚|晚上)?\s*" + _ZH_AMOUNT + r"\s*[点:：]\s*"
    r"(半|[0-9]{1,2}|[一二三四五]十[一二三四五六七八九]?|[一二三四五]十)?"
)
_EN_UNIT = re.compile(
    r"(\d+(?:\.\d+)?|[a-z-]+)\s+(?:and\s+a\s+half\s+)?"
    r"(hours?|hrs?|minutes?|mins?|days?)"
)
_EN_CLOCK = re.compile(r"\bat\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?")


def _zh_clock(text: str) -> time | None:
    m = _ZH_CLOCK.search(text)
    if not m:
        return None
    hour = _zh_number(m.group(2))
    if hour is None or hour != int(hour) or not 0 <= hour <= 24:
        return None
    hour = int(hour)
    minute_text = m.group(3) or ""
    minute = 30 if minute_text == "半" else int(_zh_number(minute_text) or 0) if minute_text else 0
    if m.group(1) in ("下午", "傍晚", "晚上") and hour < 12:
        hour += 12
    if m.group(1) == "中午" and hour < 11:
        hour += 12
    return time(hour % 24, min(minute, 59))


def _en_clock(text: str) -> time | None:
    m = _EN_CLOCK.search(text)
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if m.group(3) == "pm" and hour < 12:
        hour += 12
    if m.group(3) == "am" and hour == 12:
        hour = 0
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def _from_amount(amount: float, unit: str, clock: time | None) -> str | None:
    if unit in ("天", "日") or unit.startswith("day"):
        days = int(amount) if amount >= 1 else 1
        if days > MAX_DAYS:
            return None
        return f"-{days}d@{(clock or time(18)).strftime('%H:%M')}"
    minutes = (
        round(amount * 60) if unit in ("小时", "钟头") or unit.startswith("h") else round(amount)
    )
    if not 0 < minutes <= MAX_MINUTES:
        return None
    return f"-{minutes}m"


def parse_offset(text: str) -> str | None:
    """Turn a spoken offset into a canonical offset string, or None if it is not one.

    提前两小时 / 提前2个小时 → "-120m"; 提前半小时 / 提前30分钟 → "-30m"; 提前一个半小时 → "-90m";
    提前一天 / 前一天 → "-1d@18:00"; 前一天晚上8点 → "-1d@20:00"; 当天早上8点 → "-0d@08:00";
    "2 hours before" → "-120m"; "30 minutes before" → "-30m"; "a day before" → "-1d@18:00";
    "the day before at 8 pm" → "-1d@20:00"; already canonical ("-90m", "-1d@19:00") → itself.
    """
    raw = text.strip()
    try:
        return normalise(raw)
    except ValueError:
        pass
    low = raw.lower()
    if re.search(r"[\u4e00-\u9fff]", raw):
        if re.search(r"当天|当日", raw):
            clock = _zh_clock(raw)
            return f"-0d@{clock.strftime('%H:%M')}" if clock else None
        m = _ZH_UNIT.search(raw)
        if m:
            amount = _zh_number(m.group(1))
            if amount is None:
                return None
            if m.group(3):  # 一个半小时
                amount += 0.5
            unit = m.group(4)
            clock = _zh_clock(raw[m.end() :]) if unit in ("天", "日") else None
            return _from_amount(amount, unit, clock)
        if re.search(r"前一天|头一天|前一晚|前天晚上|头天", raw):
            return f"-1d@{(_zh_clock(raw) or time(18)).strftime('%H:%M')}"
        return None
    if re.search(r"\bsame day\b|\bthat morning\b|\bon the day\b", low):
        clock = _en_clock(low)
        return f"-0d@{clock.strftime('%H:%M')}" if clock else None
    if re.search(
        r"\b(the )?day before\b|\bthe night before\b|\bthe evening before\b", low
    ) and not re.search(r"\d+\s+days?|\b(two|three|four|five|six|seven)\s+days?", low):
        return f"-1d@{(_en_clock(low) or time(18)).strftime('%H:%M')}"
    if re.search(r"\bhalf an hour\b", low):
        return "-30m"
    m = _EN_UNIT.search(low)
    if m:
        word = m.group(1)
        try:
            amount = float(word)
        except ValueError:
            amount = _EN_NUMBERS.get(word)
        if amount is None:
            return None
        if "and a half" in low[m.start() : m.end()]:
            amount += 0.5
        unit = m.group(2)
        return _from_amount(amount, unit, _en_clock(low) if unit.startswith("day") else None)
    if re.search(r"\ban hour\b", low):
        return "-60m"
    return None
