"""Pinyin-level matching: names that sound right but are written wrong.

Speech recognition and pinyin keyboards produce homophones: 维信 for 微信, 朝杨区 for 朝阳区,
支付包 for 支付宝, and near-homophones such as 海定 for 海淀. Every Chinese alias is stored as
a sequence of toneless syllables, folded for the usual accent merges (zh/z, ch/c, sh/s, l/n,
-ang/-an, -eng/-en, -ing/-in), in a trie. A window of the message matches when

* its first syllable is a homophone of the alias's first syllable,
* every later syllable is a homophone (cost 0) or a near one: same initial, final starting
  with the same letter (cost 0.5),
* the total cost is at most 0.5 (aliases of 2–3 syllables) or 1.0 (longer),
* at least one character is written exactly as in the alias, and
* the window is not itself an ordinary word (jieba's dictionary): 弟弟 is not 滴滴.

pypinyin is used only while training: the readings of every common character are stored in the
model, so a parsing process does not load pypinyin's phrase dictionary (about 55 MB).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from ..lang import is_cjk
from .base import Match

EXTRACTOR = "PinyinEntityExtractor"
END = "\0"
INITIALS = (
    "zh",
    "ch",
    "sh",
    "b",
    "p",
    "m",
    "f",
    "d",
    "t",
    "n",
    "l",
    "g",
    "k",
    "h",
    "j",
    "q",
    "x",
    "r",
    "z",
    "c",
    "s",
    "y",
    "w",
)
FOLD_INITIAL = {"zh": "z", "ch": "c", "sh": "s", "l": "n"}
# Toned vowels → plain letters (ü → v, as pypinyin's NORMAL style writes it).
TONELESS = str.maketrans(
    {
        **dict.fromkeys("āáǎà", "a"),
        **dict.fromkeys("ēéěèêếề", "e"),
        **dict.fromkeys("īíǐì", "i"),
        **dict.fromkeys("ōóǒò", "o"),
        **dict.fromkeys("ūúǔù", "u"),
        **dict.fromkeys("ǖǘǚǜü", "v"),
        **dict.fromkeys("ńňǹ", "n"),
        **dict.fromkeys("ḿ", "m"),
        "\u0300": None,
        "\u0304": None,
        "\u030c": None,
    }
)
FOLD_FINAL = {"ang": "an", "eng": "en", "ing": "in", "iang": "ian", "uang": "uan"}


@functools.cache  # a few hundred syllables; asked thousands of times per sentence
def split_syllable(syllable: str) -> tuple[str, str]:
    """('zh', 'ang') for 'zhang'; ('', 'an') for 'an'."""
    for ini in INITIALS:
        if syllable.startswith(ini) and len(syllable) > len(ini):
            return ini, syllable[len(ini) :]
    return "", syllable


def fold(syllable: str) -> str:
    """Merge the sounds that speakers and recognisers commonly confuse."""
    ini, fin = split_syllable(syllable)
    return FOLD_INITIAL.get(ini, ini) + FOLD_FINAL.get(fin, fin)


def near(a: str, b: str) -> bool:
    """Two folded syllables with the same initial and finals that start alike (ding ~ dian)."""
    ia, fa = split_syllable(a)
    ib, fb = split_syllable(b)
    return ia == ib and ia != "" and fa[:1] == fb[:1]


class PinyinMatcher:
    """A trie of folded syllable sequences of the Chinese aliases, plus character readings."""

    def __init__(self) -> None:
        self.trie: dict = {}
        self._readings: dict[str, frozenset[str]] = {}

    def add(self, alias: str, entity: str, value: str) -> None:
        """Register a Chinese alias (two to twelve Chinese characters; others are ignored)."""
        if not 2 <= len(alias) <= 12 or not all(is_cjk(ch) for ch in alias):
            return
        from pypinyin import lazy_pinyin  # training only

        node = self.trie
        for syllable in lazy_pinyin(alias):
            node = node.setdefault(fold(syllable), {})
        entry = (alias, entity, value)
        if entry not in node.setdefault(END, []):
            node[END].append(entry)

    def freeze(self) -> None:
        """Store the folded readings of every character in U+4E00..U+9FFF (training only)."""
        from pypinyin.pinyin_dict import pinyin_dict

        shared: dict[frozenset[str], frozenset[str]] = {}
        table = {}
        for code, readings in pinyin_dict.items():
            if 0x4E00 <= code <= 0x9FFF:
                folded = frozenset(fold(r.translate(TONELESS)) for r in readings.split(","))
                table[chr(code)] = shared.setdefault(folded, folded)
        self._readings = table

    def readings(self, ch: str) -> frozenset[str]:
        """All folded toneless readings of one character (empty when unknown)."""
        return self._readings.get(ch, frozenset())

    def find(
        self,
        text: str,
        free: Callable[[int, int], bool],
        word_freq: Callable[[str], int],
        boundaries: set[int] | None = None,
    ) -> list[Match]:
        """Homophone matches in `text` over spans for which `free(start, end)` holds.

        With `boundaries` (word boundaries from segmentation), a two-character match must be a
        word of its own: 调成关怀版 does not contain 城关.
        """

        def aligned(start: int, end: int) -> bool:
            return (
                boundaries is None or end - start > 2 or (start in boundaries and end in boundaries)
            )

        def usable(start: int, end: int) -> bool:
            return aligned(start, end) and free(start, end)

        found: list[Match] = []
        for start, ch in enumerate(text):
            if not is_cjk(ch):
                continue
            for syllable in self.readings(ch):
                child = self.trie.get(syllable)
                if child is not None:
                    self._walk(text, start, start + 1, child, 0.0, usable, word_freq, found)
        return found

    def _walk(self, text, start, i, node, cost, free, word_freq, found) -> None:
        for alias, entity, value in node.get(END, ()):
            self._accept(text, start, i, alias, entity, value, cost, free, word_freq, found)
        if i >= len(text) or not is_cjk(text[i]):
            return
        readings = self.readings(text[i])
        for syllable, child in node.items():
            if syllable == END:
                continue
            if syllable in readings:
                self._walk(text, start, i + 1, child, cost, free, word_freq, found)
            elif cost + 0.5 <= 1.0 and any(near(syllable, r) for r in readings):
                self._walk(text, start, i + 1, child, cost + 0.5, free, word_freq, found)

    @staticmethod
    def _accept(text, start, end, alias, entity, value, cost, free, word_freq, found) -> None:
        window = text[start:end]
        if window == alias or not free(start, end):
            return
        if cost > (0.5 if len(alias) <= 3 else 1.0):
            return
        if not any(a == b for a, b in zip(window, alias, strict=True)):
            return
        freq = word_freq(window)
        if freq and (cost > 0 or freq >= 50):
            return
        found.append(Match(entity, value, start, end, round(0.9 - cost * 0.2, 2), EXTRACTOR))
