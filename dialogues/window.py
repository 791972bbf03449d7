"""Time windows for lecture and lesson searches: from the NLU's `time` entity, or the default."""

from __future__ import annotations

from datetime import datetime, timedelta

from content import timefmt
from dialogues.payload_rules import FUTURE, MAX_WINDOW, PAST
from nlu.parse import interval, iso

DEFAULT_DAYS = 14


def _words(text: str, now: datetime) -> tuple[datetime, datetime] | None:
    """A time phrase the NLU left unresolved ("周末", "明天"), resolved with its time parser."""
    try:
        from nlu.timeparse import parse_times
    except ImportError:
        return None
    try:
        spans = parse_times(text, now)
    except Exception:  # an odd phrase must not break the answer
        return None
    if not spans:
        return None
    return spans[0].from_, spans[0].to


def from_entity(value, now: datetime | None = None) -> tuple[datetime, datetime] | None:
    """(start, end) of a `time` entity: `{"from": ISO, "to": ISO}` or "ISO|ISO" (a payload).

    Bounded, so no phrase makes a listing expand years of sessions: a window lasts at most
    `MAX_WINDOW` (a longer one is cut), and one starting more than a year before or three years
    after `now` is None (the default window is used).
    """
    span = _from_entity(value, now)
    if span is None:
        return None
    start, end = span
    if now is not None and not (now - PAST <= start <= now + FUTURE):
        return None
    return start, min(end, start + MAX_WINDOW)


def _from_entity(value, now: datetime | None) -> tuple[datetime, datetime] | None:
    if isinstance(value, str) and now is not None and iso(value.partition("|")[0]) is None:
        return _words(value, now)
    start, end = interval(value)
    if start is None:
        return None
    if end is None or end <= start:
        end = start.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return start, end


def of_query(query: dict, now: datetime) -> tuple[datetime, datetime, bool]:
    """(start, end, is_default) for a stored query; never starts before `now`, and bounded
    like `from_entity` (a session saved before the bounds existed may hold any window)."""
    start, end = iso(query.get("from")), iso(query.get("to"))
    if start is None or end is None or start > now + FUTURE:
        return now, now + timedelta(days=DEFAULT_DAYS), True
    start = max(start, now)
    return start, min(end, start + MAX_WINDOW), False


def label(start: datetime, end: datetime, now: datetime, lang: str, default: bool) -> str:
    """最近两周 / 明天(周六) / 12月5日(周六)到12月6日(周日) (and the English)."""
    if default:
        return "in the next two weeks" if lang == "en" else "最近两周"
    last = end - timedelta(minutes=1)
    a = timefmt.day(start.astimezone(timefmt.TZ).date(), now.date(), lang)
    b = timefmt.day(last.astimezone(timefmt.TZ).date(), now.date(), lang)
    if a == b:
        return a
    return f"from {a} to {b}" if lang == "en" else f"{a}到{b}"
