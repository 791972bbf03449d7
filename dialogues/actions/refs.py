"""Resolving "第二个", "2号", "the second one" inside a sentence against the last list shown."""

from __future__ import annotations

from dialogues.context import Turn
from nlu.ordinals import ordinal_in


def listed_id(t: Turn, kind: str) -> str | None:
    """The id of the listed item of type `kind` the text points at by position, if any.

    Positions count across pages ("更多" shows 4–6), so "第5个" works after paging.
    """
    last = t.state.shown
    if last is None or last.type != kind:
        return None
    n = ordinal_in(t.text)
    if n is None:
        return None
    ids, offset = last.ids, last.offset
    index = len(ids) - 1 if n == -1 else n - 1 - offset if n > offset else n - 1
    return ids[index] if 0 <= index < len(ids) else None


def _table(t: Turn, kind: str) -> dict:
    return {"center": t.cat.centers, "lecture": t.cat.lectures, "lesson": t.cat.lessons}.get(
        kind, {}
    )


def listed(t: Turn, kind: str):
    """The catalogue object the text points at by position in the last list, or None."""
    ident = listed_id(t, kind)
    return _table(t, kind).get(ident) if ident else None


def meant(t: Turn, kind: str):
    """The catalogue object of type `kind` ("center", "lecture", "lesson") the message names
    (its entity) or points at by position in the last list, or None."""
    return _table(t, kind).get(str(t.entity(kind) or "")) or listed(t, kind)
