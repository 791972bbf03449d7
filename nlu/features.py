"""Segmentation (jieba with the gazetteer as user dictionary) and the sparse features.

Features of one message, all strings (a TF-IDF vectoriser turns them into a vector):

* `c:` character 1–3-grams of the case-folded text with punctuation and emoji squeezed to
  one space and digits mapped to 0 (so 3点 and 5点 look alike),
* `w:` jieba words and `b:` word bigrams with sentence boundaries (`<s>`, `</s>`),
* `e:` one feature per entity type found ("e:district"), so the classifier learns "a place
  was named" rather than which place,
* `len:` the message length bucket (short replies are mostly dialogue moves: 好, 下一步).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from .lang import is_cjk
from .quickimport import import_without_pkg_resources

jieba = import_without_pkg_resources("jieba")

NON_WORD = re.compile(r"[\W_]+")
DIGIT = re.compile(r"\d")
USER_WORD_FREQ = 5000
KEEP_FREQ = 20

jieba.setLogLevel(logging.WARNING)


class Segmenter:
    """A private jieba tokenizer (the global one is left alone) over a trimmed dictionary.

    At training time jieba's dictionary is cut down to the words with frequency ≥
    `KEEP_FREQ` plus our user words (the gazetteer names), and that prefix dictionary is pickled
    with the model. Loading it is faster than jieba's own start-up and takes about a fifth of
    the memory; word features only count for words in the classifier's vocabulary anyway.
    """

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        base = jieba.Tokenizer()
        base.initialize()
        words = {w: f for w, f in base.FREQ.items() if f >= KEEP_FREQ}
        self.user_words = frozenset(w for w in user_words if len(w) >= 2 and all(map(is_cjk, w)))
        for word in self.user_words:
            words[word] = max(words.get(word, 0), USER_WORD_FREQ)
        prefixes = dict(words)
        for word in words:
            for i in range(1, len(word)):
                prefixes.setdefault(word[:i], 0)
        self.prefix_dict = prefixes
        self.total = base.total
        self._tokenizer: jieba.Tokenizer | None = None

    def __getstate__(self) -> dict:
        return {"user_words": self.user_words, "prefix_dict": self.prefix_dict, "total": self.total}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._tokenizer = None

    @property
    def tokenizer(self) -> jieba.Tokenizer:
        """The jieba tokenizer over our prefix dictionary (built once per process)."""
        if self._tokenizer is None:
            tk = jieba.Tokenizer()
            tk.FREQ = self.prefix_dict
            tk.total = self.total
            tk.initialized = True
            self._tokenizer = tk
        return self._tokenizer

    def cut(self, text: str) -> list[str]:
        """Words of `text` without whitespace or punctuation tokens."""
        return [w for w in self.tokenizer.cut(text) if not NON_WORD.fullmatch(w)]

    def boundaries(self, text: str) -> set[int]:
        """Offsets where a word starts or ends in `text`."""
        edges = set()
        for _, start, end in self.tokenizer.tokenize(text):
            edges.add(start)
            edges.add(end)
        return edges

    def word_freq(self, word: str) -> int:
        """jieba's dictionary frequency of `word` (0 when it is not an ordinary word)."""
        if word in self.user_words:
            return 0
        return self.prefix_dict.get(word) or 0


def squeeze(text: str) -> str:
    """Punctuation, emoji and runs of spaces → one space; digits → 0."""
    return DIGIT.sub("0", NON_WORD.sub(" ", text)).strip()


def features(folded: str, words: list[str], entity_types: Iterable[str]) -> list[str]:
    """The feature strings of one case-folded message (see the module docstring)."""
    chars = squeeze(folded)
    feats = []
    for n in (1, 2, 3):
        for i in range(len(chars) - n + 1):
            gram = chars[i : i + n]
            if gram.strip():
                feats.append("c:" + gram)
    tokens = [DIGIT.sub("0", w) for w in words]
    feats.extend("w:" + t for t in tokens)
    padded = ["<s>", *tokens, "</s>"]
    feats.extend(f"b:{a}|{b}" for a, b in zip(padded, padded[1:], strict=False))
    feats.extend(sorted({"e:" + t for t in entity_types}))
    feats.append("len:" + _length_bucket(len(chars.replace(" ", ""))))
    return feats


def _length_bucket(n: int) -> str:
    """Message length in characters: 1…6 exactly, then ≤10 and longer."""
    return str(n) if n <= 6 else ("10" if n <= 10 else "long")


def identity(doc: list[str]) -> list[str]:
    """Analyzer for scikit-learn vectorisers fed with ready-made feature lists (picklable)."""
    return doc
