"""One message, analysed: normalised, language, entities, words and classifier features.

Training and parsing both go through `analyse`, so the classifier sees exactly the same
features at both times.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .concepts import ConceptLexicon
from .extractors import EntityExtractor, Match
from .features import Segmenter, features
from .lang import detect_language, fold_case
from .normalize import Normalized, normalize

# Concept features are counted twice (TF 1 + ln 2): chosen by 5-fold cross-validation on the
# training data, as were the SVM's C and the length feature.
CONCEPT_WEIGHT = 2


# Sentence-final particles that vary by speaker but not by meaning: 弄好啦 = 弄好了, 在么 = 在吗.
PARTICLES = {"啦": "了", "喽": "了", "咯": "了", "么": "吗", "呀": "啊", "哇": "啊", "呐": "啊"}
PARTICLE_RE = re.compile(f"(?<![什怎那这多要])[{''.join(PARTICLES)}](?=$|[^\u4e00-\u9fff])")


# Beijing 儿化 words with a plain form of the same length: 明儿见 = 明天见, 在哪儿 = 在哪里.
ERHUA = {
    "明儿": "明天",
    "今儿": "今天",
    "昨儿": "昨天",
    "哪儿": "哪里",
    "这儿": "这里",
    "那儿": "那里",
}
ERHUA_RE = re.compile("|".join(ERHUA))


def fold_particles(text: str) -> str:
    """Plain forms of clause-final particles and 儿化 words (same length, offsets unchanged)."""
    text = ERHUA_RE.sub(lambda m: ERHUA[m.group()], text)
    return PARTICLE_RE.sub(lambda m: PARTICLES[m.group()], text)


def fold_text(text: str) -> str:
    """Normalise and case-fold a name or message (how aliases are keyed)."""
    return fold_case(normalize(text).text)


@dataclass
class Analysis:
    """Everything the parser derives from one message before classification."""

    normalized: Normalized
    folded: str
    lang: str
    matches: list[Match]
    feats: list[str]
    boundaries: set[int]


def analyse(
    text: str,
    extractor: EntityExtractor,
    segmenter: Segmenter,
    now: datetime | None,
    parse_times: Callable | None,
    concepts: ConceptLexicon | None = None,
) -> Analysis:
    """Normalise, detect the language, extract entities and build the feature list."""
    normalized = normalize(text)
    folded = fold_case(normalized.text)
    lang = detect_language(normalized.text)
    boundaries = segmenter.boundaries(folded)
    matches = extractor.extract(
        normalized.text, folded, now, parse_times, segmenter.word_freq, boundaries=boundaries
    )
    plain = fold_particles(folded)
    words = segmenter.cut(plain)
    types = sorted({m.entity for m in matches})
    feats = features(plain, words, types)
    if concepts is not None:
        feats.extend(concepts.features(plain, types, words) * CONCEPT_WEIGHT)
    return Analysis(normalized, folded, lang, matches, feats, boundaries)
