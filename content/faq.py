"""Questions about Leling itself ("收钱吗", "谁办的", "安全吗"), answered from `faq.yaml`.

The file is part of the catalogue folder, so an operator changes the answers like any other
content: `leling content validate` checks it and `leling content import` loads it. Each entry
has an id, the words that point to it in both languages, the answer in both languages and
optionally one button (a payload from `ACTIONS`):

    - id: cost
      keywords: {zh: [收钱, 免费], en: [free, cost]}
      answer: {zh: "乐龄伴学是免费的……", en: "Leling is free……"}
      action: /find_center
"""

from __future__ import annotations

import json
import unicodedata

from pydantic import Field, field_validator

from content.schema import ID_PATTERN, Aliases, Text, _Model

FILE = "faq.yaml"
# The entry answered when a question about Leling names none of the keywords.
DEFAULT_ID = "what"
# The buttons an entry may offer: payloads the conversation understands without arguments.
ACTIONS = ("/find_center", "/list_lectures", "/list_lessons", "/start_guide", "/mydata", "/help")


class FaqEntry(_Model):
    """One question about Leling and its answer."""

    id: str = Field(pattern=ID_PATTERN)
    keywords: Aliases
    answer: Text
    action: str | None = None

    @field_validator("keywords")
    @classmethod
    def _both_languages(cls, v: Aliases) -> Aliases:
        if not v.zh or not v.en:
            raise ValueError("keywords: give at least one word in zh and one in en")
        return v

    @field_validator("action")
    @classmethod
    def _known_action(cls, v: str | None) -> str | None:
        if v is not None and v not in ACTIONS:
            raise ValueError(f"action: {v!r} is not one of {', '.join(ACTIONS)}")
        return v


def check(entries: list[FaqEntry]) -> list[str]:
    """Problems across entries: repeated ids, and no `what` entry to fall back on."""
    out = []
    seen: set[str] = set()
    for e in entries:
        if e.id in seen:
            out.append(f"id {e.id!r} appears twice")
        seen.add(e.id)
    if entries and DEFAULT_ID not in seen:
        out.append(f"no entry with id {DEFAULT_ID!r} (the answer when no keyword matches)")
    return out


def dumps(entries: list[FaqEntry]) -> str:
    """The entries as JSON, for the catalogue's metadata in the store."""
    return json.dumps([e.model_dump(mode="json") for e in entries], ensure_ascii=False)


def loads(text: str | None) -> list[FaqEntry]:
    """Entries from `dumps`; an empty list for a catalogue imported without faq.yaml."""
    if not text:
        return []
    return [FaqEntry.model_validate(e) for e in json.loads(text)]


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def matching(entries: list[FaqEntry], text: str, lang: str) -> list[FaqEntry]:
    """The entries whose keywords the question uses, most keywords first (at most two)."""
    q = _normal(text)
    scored = []
    for i, e in enumerate(entries):
        words = [*e.keywords.zh, *e.keywords.en]
        hits = sum(1 for w in words if w and _normal(w) in q)
        if hits:
            scored.append((-hits, i, e))
    return [e for _, _, e in sorted(scored)][:2]


def answer(entries: list[FaqEntry], text: str, lang: str) -> list[FaqEntry]:
    """The entries that answer `text`: the matching ones, else the `what` entry."""
    found = matching(entries, text, lang)
    if found:
        return found
    return [e for e in entries if e.id == DEFAULT_ID][:1]
