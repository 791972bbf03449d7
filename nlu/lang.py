"""Language detection (zh/en) and the small text helpers shared by the NLU modules."""

from __future__ import annotations

import re

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN_WORD_RE = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")

LANGS = ("zh", "en")


def is_cjk(ch: str) -> bool:
    """True for a CJK unified ideograph."""
    return bool(CJK_RE.match(ch))


def has_cjk(text: str) -> bool:
    """True when `text` has at least one Chinese character."""
    return bool(CJK_RE.search(text))


def latin_words(text: str, min_letters: int = 1) -> list[str]:
    """The Latin-script words of `text` that have at least `min_letters` letters."""
    return [w for w in LATIN_WORD_RE.findall(text) if sum(c.isalpha() for c in w) >= min_letters]


def detect_language(text: str, default: str = "zh") -> str:
    """'zh' or 'en' by script: Chinese characters against Latin words.

    A message counts as Mandarin when it has at least as many Chinese characters as Latin
    words ("用WeChat视频" is zh, "how do I open 微信" is en). A message with neither
    (digits, emoji, blank) gets `default`.
    """
    cjk = len(CJK_RE.findall(text))
    words = len(LATIN_WORD_RE.findall(text))
    if not cjk and not words:
        return default
    return "zh" if cjk >= words else "en"


def fold_case(text: str) -> str:
    """Lower-case `text` without changing its length (so offsets stay valid)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
