"""What a button payload may carry: each entity's type, format and range.

Payloads come from outside (Telegram callback data, a typed `/intent{json}`, a deep link) and
so are checked before anything acts on them. A payload is accepted only when every entity is
known and its value fits: catalogue ids match the catalogue's id pattern, numbers are plain ASCII
digits within a small range, a time window is at most `MAX_WINDOW` long and starts within
`PAST`/`FUTURE` of now, names are short text. Anything else is rejected whole (the engine
answers kindly with the home menu), so no payload can make a turn do unbounded work.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from content.schema import ID_PATTERN
from content.timefmt import TZ

MAX_ENTITIES = 6
MAX_NAME = 40  # characters of a free-text name (a district, an app, a topic, a guide title)
MAX_WINDOW = timedelta(days=62)
PAST = timedelta(days=366)
FUTURE = timedelta(days=3 * 366)
MAX_ID_NUMBER = 2**53  # a subscription id: far below SQLite's 2**63

_ID = re.compile(ID_PATTERN)
_DIGITS = re.compile(r"^[0-9]{1,16}$")
_BAD_TEXT = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


class BadPayload(ValueError):
    """A payload entity of the wrong type, format or range (the message says which key)."""


def _aware(text: str) -> datetime | None:
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=TZ)


def window_ok(start: datetime, end: datetime | None, now: datetime) -> bool:
    """True when [start, end) is a window a listing may search: it starts within a year before
    and three years after `now`, and lasts at most `MAX_WINDOW`."""
    if not (now - PAST <= start <= now + FUTURE):
        return False
    return end is None or (start < end <= start + MAX_WINDOW)


def _time(value: str, now: datetime) -> bool:
    a, bar, b = value.partition("|")
    start = _aware(a)
    end = _aware(b) if bar else None
    if start is None or (bar and end is None):
        return False
    return window_ok(start, end, now)


def _number(lo: int, hi: int) -> Callable[[str, datetime], bool]:
    def check(value: str, _now: datetime) -> bool:
        return bool(_DIGITS.match(value)) and lo <= int(value) <= hi

    return check


def _one_of(*allowed: str) -> Callable[[str, datetime], bool]:
    return lambda value, _now: value in allowed


def _catalogue_id(value: str, _now: datetime) -> bool:
    return bool(_ID.match(value))


def _name(value: str, _now: datetime) -> bool:
    return 0 < len(value) <= MAX_NAME and not _BAD_TEXT.search(value)


# Every entity a payload may carry, with its check. Names the NLU extracts (district, topic, …)
# travel in "did you mean" buttons; ids and numbers come from Leling's own buttons.
ENTITIES: dict[str, Callable[[str, datetime], bool]] = {
    "lecture": _catalogue_id,
    "lesson": _catalogue_id,
    "center": _catalogue_id,
    "guide": _name,
    "subscription_id": _number(1, MAX_ID_NUMBER),
    "step": _number(1, 999),
    "ref": _number(1, 9999),
    "all": _one_of("1", "true"),
    "event": _one_of("lecture", "lesson"),
    "who": _one_of("family"),
    "number": _one_of("120", "119", "110", "96110"),  # tap-to-call (dialogues.actions.safety)
    "lang": _one_of("zh", "en"),
    "mode": _one_of("online", "offline"),
    "time": _time,
    "district": _name,
    "street": _name,
    "landmark": _name,
    "kind": _name,
    "app": _name,
    "topic": _name,
    "audience": _name,
}


def check(entities: dict[str, str], now: datetime) -> None:
    """Raise BadPayload unless every entity is known and its value fits its type and range."""
    if len(entities) > MAX_ENTITIES:
        raise BadPayload("too many entities")
    for key, value in entities.items():
        rule = ENTITIES.get(key)
        if rule is None:
            raise BadPayload("an unknown entity")
        if not isinstance(value, str) or not rule(value, now):
            raise BadPayload(f"bad value for {key!r}")


def valid(entities: dict[str, str], now: datetime) -> bool:
    """True when `check` would pass."""
    try:
        check(entities, now)
    except BadPayload:
        return False
    return True
