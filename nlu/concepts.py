"""Concept features from `nlu/concepts.yml`: word classes, with negation scope.

"甭读了" never occurs in the training data, but 读 is a `voice` word and 甭 a negation, so the
message gets the feature `k:not_voice` — the same one "不要读出来" taught the classifier.
Every pair of concepts or entity types in one message is a feature too (`kk:switch_off+voice`,
`kk:@guide+howto`), so a linear model can learn that "turn off" plus "voice" means text while
either alone does not. English entries
also match their regular inflections (remind: reminds, reminded, reminding).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

import yaml

from .extractors.lookup import AliasTable
from .lang import is_cjk

CONCEPTS_FILE = Path(__file__).resolve().parent / "concepts.yml"
ZH_NEGATION = set("不别没甭勿莫")
EN_NEGATION = {
    "not",
    "no",
    "don't",
    "dont",
    "never",
    "stop",
    "without",
    "didn't",
    "doesn't",
    "can't",
    "cannot",
    "won't",
    "nothing",
    "rather",
}
EN_WORD = re.compile(r"[a-z']+")


class ConceptLexicon:
    """Concept → words, matched like entity aliases (Chinese anywhere, Latin as whole words)."""

    def __init__(self, concepts: dict[str, list[str]], fold: Callable[[str], str]) -> None:
        self.table = AliasTable()
        self.patterns: list[tuple[str, re.Pattern]] = []
        for concept, words in concepts.items():
            if not isinstance(concept, str):
                raise ValueError(f"concepts: quote the concept name {concept!r}")
            for word in words or ():
                if not isinstance(word, str):  # YAML reads a bare yes/no/off as a boolean
                    raise ValueError(f"concepts: {concept}: quote the entry {word!r}")
                if word.startswith("re:"):
                    self.patterns.append((concept, re.compile(word[3:])))
                else:
                    for form in _inflections(fold(word)):
                        self.table.add(form, "concept", concept)
        self.table.freeze()

    @classmethod
    def from_file(cls, fold: Callable[[str], str], path: Path = CONCEPTS_FILE) -> ConceptLexicon:
        """The lexicon of `path` (a YAML mapping of concept → list of words)."""
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")) or {}, fold)

    def concepts(self, folded: str, words: list[str] | None = None) -> list[str]:
        """Sorted concept names in the folded text, `not_<concept>` when negated.

        A one-character Chinese entry (好, 中, 听) counts only where jieba made it a word of its
        own: 中 is "OK" in 中! but not in 中心 or 中断.
        """
        starts = _word_starts(folded, words) if words is not None else None
        found = [
            (m.value, m.start)
            for m in self.table.find(folded)
            if starts is None
            or m.length > 1
            or not is_cjk(folded[m.start])
            or (m.start in starts and starts[m.start] == 1)
        ]
        found += [(c, m.start()) for c, p in self.patterns for m in p.finditer(folded)]
        return sorted({f"not_{c}" if _negated(folded, start) else c for c, start in found})

    def features(
        self, folded: str, entity_types: Iterable[str] = (), words: list[str] | None = None
    ) -> list[str]:
        """`k:<concept>` per concept, and `kk:<a>+<b>` per pair of concepts or entity types."""
        names = self.concepts(folded, words)
        both = sorted({*names, *(f"@{t}" for t in entity_types)})
        pairs = [f"kk:{a}+{b}" for i, a in enumerate(both) for b in both[i + 1 :]]
        return [f"k:{n}" for n in names] + pairs


def _word_starts(text: str, words: list[str]) -> dict[int, int]:
    """Start offset → length of each segmented word, found left to right in `text`."""
    starts, pos = {}, 0
    for word in words:
        at = text.find(word, pos)
        if at < 0:
            continue
        starts[at] = len(word)
        pos = at + len(word)
    return starts


def _inflections(word: str) -> list[str]:
    """A single Latin word with its regular inflections (remind → reminds, reminded, …)."""
    if not word.isascii() or not word.isalpha() or len(word) < 3:
        return [word]
    stem = word[:-1] if word.endswith("e") else word
    return [
        word,
        word + "s",
        word + "es",
        word + "d",
        word + "ed",
        stem + "ed",
        stem + "ing",
        word + "er",
    ]


def _negated(text: str, start: int) -> bool:
    """A negation shortly before `start`: 2 characters (Chinese) or 4 words (English)."""
    before = text[max(0, start - 3) : start]
    if any(ch in ZH_NEGATION for ch in before[-2:]):
        return True
    clause = re.split(r"[,.!?;，。！？；]", text[max(0, start - 40) : start])[-1]
    words = EN_WORD.findall(clause)
    return any(w in EN_NEGATION or w.endswith("n't") for w in words[-4:])
