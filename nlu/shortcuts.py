"""Whole-message shortcuts ("更多", "回首页", "都不是", "继续上次的", "说中文", 👍): the word lists in
`nlu/data/shortcuts.yml`, beside the training data. The dialogue engine resolves them against
the conversation before the NLU (dialogues/understand.py)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

SHORTCUTS_FILE = Path(__file__).resolve().parent / "data" / "shortcuts.yml"
PUNCT = "。.!！?？~～,，、 ;；:：\"'“”‘’"


def plain(text: str) -> str:
    """The form shortcuts are compared in: NFKC (full-width → ASCII), lower case, outer
    punctuation and spaces off."""
    return unicodedata.normalize("NFKC", text).lower().strip(PUNCT)


@dataclass(frozen=True)
class Shortcuts:
    """The word lists, each in `plain` form."""

    more: frozenset[str]
    home: frozenset[str]
    none: frozenset[str]
    resume: frozenset[str]
    language: dict[str, str]  # phrase → "zh" / "en"
    emoji: dict[str, str]  # symbol → intent, in the file's order (as typed, not `plain`)


def load(path: Path | None = None) -> Shortcuts:
    """Read the word lists (a missing list is empty)."""
    doc = yaml.safe_load(Path(path or SHORTCUTS_FILE).read_text(encoding="utf-8")) or {}

    def words(name: str) -> frozenset[str]:
        return frozenset(plain(str(w)) for w in doc.get(name) or [])

    language = {
        plain(str(w)): lang for lang, ws in (doc.get("language") or {}).items() for w in ws or []
    }
    emoji = {str(s): intent for intent, ss in (doc.get("emoji") or {}).items() for s in ss or []}
    return Shortcuts(words("more"), words("home"), words("none"), words("resume"), language, emoji)


@cache
def shortcuts() -> Shortcuts:
    """The shipped word lists (read once per process)."""
    return load()
