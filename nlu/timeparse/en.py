"""English time expressions: word tables and grains (registered into ``EN_GRAINS``)."""

from __future__ import annotations

import re
from datetime import timedelta

from .core import (
    AM,
    NIGHT,
    PM,
    Grain,
    _alt,
    _Atom,
    _atom,
    _clock_atom,
    _Ctx,
    _day_of_month,
    _dead,
    _month,
    _month_day,
    _offset_atom,
    _Part,
    _registrar,
    _week,
    _weekday,
    _weekend,
    _whole_month,
    _window,
    _year,
)

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
EN_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_EN_UNITS = {"min": "minute", "mins": "minute", "minute": "minute", "minutes": "minute",
             "hr": "hour", "hrs": "hour", "hour": "hour", "hours": "hour", "day": "day",
             "days": "day", "week": "week", "weeks": "week", "month": "month",
             "months": "month"}  # fmt: skip

_MONTH = _alt(_EN_MONTHS)
_WD_FULL = _alt(w for w in _EN_WEEKDAYS if w.endswith("day"))
_WD_ANY = _alt(_EN_WEEKDAYS)
_EN_N = rf"\d{{1,4}}|{_alt(EN_NUMBERS)}"
_ORD = r"(?:st|nd|rd|th)"
_NOT_NUMBER_BEFORE = r"(?<![\d.:/-])"

EN_GRAINS: list[Grain] = []
_grain = _registrar(EN_GRAINS)


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
    return int(word) if word.isdigit() else EN_NUMBERS[word]
