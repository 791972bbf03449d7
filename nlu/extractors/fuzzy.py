"""Typo-tolerant matching (RapidFuzz) for the longer names.

Short names are left to the exact and pinyin matchers: one wrong character in a two-character
name is a different word. Chinese aliases of four or more characters tolerate one edit (two
from eight characters); Latin aliases of six or more letters tolerate one edit (two from nine
letters) and must start with the right letter ("chaoyng" → Chaoyang, "wechet" → WeChat, but
"heading" is not "reading").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from itertools import chain

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from ..lang import is_cjk
from .base import Match

EXTRACTOR = "FuzzyEntityExtractor"
LATIN_TOKEN = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")


def _budget(length: int, long_from: int) -> int:
    return 2 if length >= long_from else 1


class FuzzyMatcher:
    """Aliases indexed by character (Chinese) and by first letter and length (Latin)."""

    def __init__(self) -> None:
        self.zh: list[tuple[str, str, str]] = []
        self.zh_need: list[int] = []  # distinct characters a window must share with alias i
        self.zh_chars: dict[str, list[int]] = defaultdict(list)
        self.latin: dict[tuple[str, int], list[tuple[str, str, str]]] = defaultdict(list)

    def add(self, alias: str, entity: str, value: str) -> None:
        """Register a folded alias; too-short ones are ignored."""
        if any(is_cjk(ch) for ch in alias):
            if len(alias) >= 4:
                idx = len(self.zh)
                self.zh.append((alias, entity, value))
                self.zh_need.append(len(set(alias)) - _budget(len(alias), 8))
                for ch in set(alias):
                    self.zh_chars[ch].append(idx)
        elif len(alias) >= 6 and alias[0].isalpha():
            self.latin[(alias[0], len(alias))].append((alias, entity, value))

    def freeze(self) -> None:
        """Turn the default dicts into plain dicts (smaller pickles, no accidental inserts)."""
        self.zh_chars = dict(self.zh_chars)
        self.latin = dict(self.latin)

    def find(self, text: str, free: Callable[[int, int], bool]) -> list[Match]:
        """Near matches in `text` over spans for which `free(start, end)` holds."""
        return self._find_zh(text, free) + self._find_latin(text, free)

    def _find_zh(self, text: str, free) -> list[Match]:
        # Counted in C: common characters (老, 区, 学) are in hundreds of aliases.
        hits = Counter(chain.from_iterable(self.zh_chars.get(ch, ()) for ch in set(text)))
        need = self.zh_need
        found = []
        for idx, count in hits.items():
            if count < need[idx]:
                continue
            alias, entity, value = self.zh[idx]
            if alias in text:  # written exactly: the exact matcher's, and every window overlaps it
                continue
            budget = _budget(len(alias), 8)
            cutoff = 100.0 * (1 - budget / len(alias)) - 5
            al = fuzz.partial_ratio_alignment(alias, text, score_cutoff=cutoff)
            if al is None:
                continue
            for start, end in _windows(al.dest_start, al.dest_end, len(text)):
                window = text[start:end]
                dist = Levenshtein.distance(alias, window, score_cutoff=budget)
                anchored = window[0] == alias[0] or window[-1] == alias[-1]
                if 1 <= dist <= budget and anchored:
                    if free(start, end):
                        score = 1 - dist / len(alias)
                        found.append(Match(entity, value, start, end, round(score, 2), EXTRACTOR))
                    break
        return found

    def _find_latin(self, text: str, free) -> list[Match]:
        if not self.latin:
            return []
        tokens = [(m.start(), m.end()) for m in LATIN_TOKEN.finditer(text)]
        found = []
        for i in range(len(tokens)):
            for j in range(i, min(i + 3, len(tokens))):
                start, end = tokens[i][0], tokens[j][1]
                window = text[start:end]
                if len(window) < 5:
                    continue
                best = None
                for length in range(len(window) - 2, len(window) + 3):
                    for alias, entity, value in self.latin.get((window[0], length), ()):
                        budget = _budget(len(alias), 9)
                        dist = Levenshtein.distance(alias, window, score_cutoff=budget)
                        if 1 <= dist <= budget and (best is None or dist < best[0]):
                            best = (dist, alias, entity, value)
                if best and free(start, end):
                    dist, alias, entity, value = best
                    score = round(1 - dist / len(alias), 2)
                    found.append(Match(entity, value, start, end, score, EXTRACTOR))
        return found


def _windows(start: int, end: int, n: int):
    """The aligned window first, then the windows one character longer or shorter."""
    yield start, end
    for ds, de in ((0, 1), (-1, 0), (0, -1), (1, 0), (-1, 1)):
        s, e = start + ds, end + de
        if 0 <= s < e <= n:
            yield s, e
