"""Positions in a list: "2", "第二个", "2号", "the second one", "last" → 2 / -1.

The one ordinal reader: the dialogue engine uses `ordinal` for a whole message that picks from
the last list, and `ordinal_in` for a position inside a sentence ("第二个的电话", "remind me of
the second one"). Chinese numerals are read by the normaliser's numeral reader (`cn_int`).
"""

from __future__ import annotations

import re
import unicodedata

from .normalize import cn_int

MAX = 99
_PUNCT = "。.!！?？~～,，、 ;；:：\"'“”‘’"
_ZH_NUMERAL = "[一二两三四五六七八九十]{1,3}"

# The English words for a position; "last" is -1.
EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}
_EN_POSITION = "|".join(EN_ORDINALS)

_WHOLE_ZH = re.compile(rf"^第?([0-9]{{1,2}}|{_ZH_NUMERAL})(个|号|项|条|场|节|家|种|位|门)?$")
_WHOLE_EN = re.compile(
    r"^(?:number |no\.? ?|#|option )?([0-9]{1,2})$|"
    rf"^(?:the )?({_EN_POSITION})(?: one)?$"
)
_IN_ZH = re.compile(
    rf"第\s*([0-9]{{1,2}}|{_ZH_NUMERAL})\s*(个|家|场|节|门|项|条|号)?|([0-9]{{1,2}})\s*号"
)
_IN_EN = re.compile(rf"\b({_EN_POSITION})\b|\b(?:number|no\.?|#)\s*([0-9]{{1,2}})\b", re.IGNORECASE)


def _number(word: str) -> int | None:
    """Digits as written ("0" too: "there is no option 0"); Chinese numerals 一 … 九十九."""
    if word.isdigit():
        return int(word)
    value = cn_int(word)
    return value if value is not None and 0 < value <= MAX else None


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().strip(_PUNCT)


def ordinal(text: str) -> int | None:
    """The position a whole message names: 1 for "1", "第一个", "一号", "the first one";
    -1 for "last"; None when the message is anything else."""
    t = _plain(text)
    m = _WHOLE_ZH.match(t)
    if m:
        return _number(m.group(1))
    m = _WHOLE_EN.match(t)
    if m:
        word = m.group(1) or m.group(2)
        return int(word) if word.isdigit() else EN_ORDINALS[word]
    return None


def ordinal_in(text: str) -> int | None:
    """The position a sentence points at: 2 for "第二个的电话" / "remind me of the second one"."""
    t = unicodedata.normalize("NFKC", text)
    m = _IN_ZH.search(t)
    if m:
        return _number(m.group(1) or m.group(3))
    m = _IN_EN.search(t)
    if m:
        return EN_ORDINALS[m.group(1).lower()] if m.group(1) else int(m.group(2))
    return None
