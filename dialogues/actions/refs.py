"""Resolving "第二个", "2号", "the second one" inside a sentence against the last list shown."""

from __future__ import annotations

import re

from dialogues.context import Turn
from dialogues.understand import ZH_NUMBERS

_ZH = re.compile(
    r"第\s*([0-9]{1,2}|[一二两三四五六七八九十])\s*(个|家|场|节|门|项|条|号)?"
    r"|([0-9]{1,2})\s*号"
)
_EN = re.compile(
    r"\b(first|second|third|fourth|fifth|last)\b|\b(?:number|no\.?|#)\s*([0-9]{1,2})\b",
    re.IGNORECASE,
)
_EN_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}


def ordinal_in(text: str) -> int | None:
    """The position a sentence points at: 2 for "第二个的电话" / "remind me of the second one"."""
    m = _ZH.search(text)
    if m:
        word = m.group(1) or m.group(3)
        return int(word) if word.isdigit() else ZH_NUMBERS.get(word)
    m = _EN.search(text)
    if m:
        return _EN_ORD[m.group(1).lower()] if m.group(1) else int(m.group(2))
    return None


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


def listed(t: Turn, kind: str):
    """The catalogue object the text points at by position in the last list, or None."""
    ident = listed_id(t, kind)
    table = {"center": t.cat.centers, "lecture": t.cat.lectures, "lesson": t.cat.lessons}
    return table.get(kind, {}).get(ident) if ident else None
