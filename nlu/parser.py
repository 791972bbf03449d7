"""The local parser: one message in, Rasa's `/model/parse` JSON out."""

from __future__ import annotations

from datetime import datetime

from .analysis import analyse
from .extractors import Match
from .model import Model
from .normalize import is_blank
from .timeparse import parse_times
from .timeparse.core import TZ
from .timeparse.offsets import find_offset

OUT_OF_SCOPE = "out_of_scope"
OUT_OF_SCOPE_THRESHOLD = 0.3
RANKING_SIZE = 5
GUIDE_INTENT = "start_guide"
GUIDE_MIN_CONFIDENCE = 0.5
STRIP = " ,.!?;:，。！？；：、~…"
OFFSET_EXTRACTOR = "OffsetExtractor"


class Parser:
    """Parses messages with a trained `Model` (see `nlu` for the output and the threshold rule)."""

    backend = "local"

    def __init__(self, model: Model, threshold: float | None = None) -> None:
        self.model = model
        self._threshold = threshold

    def threshold_for(self, lang: str) -> float:
        """The out-of-scope threshold in force: the given one, the fitted one, or the default."""
        if self._threshold is not None:
            return self._threshold
        clf = self.model.classifiers.get(lang)
        fitted = getattr(clf, "threshold", None)
        return OUT_OF_SCOPE_THRESHOLD if fitted is None else fitted

    @property
    def fingerprint(self) -> str:
        """The fingerprint of the model in use."""
        return self.model.fingerprint

    def warm_up(self) -> None:
        """Build the lazy parts (jieba) now rather than on the first message."""
        self.parse("你好")
        self.parse("hello")

    def parse(self, text: str, now: datetime | None = None) -> dict:
        """Rasa-shaped parse of `text`; relative times resolve against `now` (Asia/Shanghai)."""
        now = _aware(now)
        if is_blank(text):
            return {
                "text": text,
                "intent": {"name": OUT_OF_SCOPE, "confidence": 0.0},
                "entities": [],
                "intent_ranking": [],
                "lang": "zh",
            }
        m = self.model
        a = analyse(text, m.extractor, m.segmenter, now, parse_times, m.concepts)
        clf = m.classifiers.get(a.lang) or next(iter(m.classifiers.values()))
        ranking = [
            {"name": name, "confidence": round(p, 4)}
            for name, p in clf.rank(a.feats)[:RANKING_SIZE]
        ]
        top = ranking[0]
        if top["confidence"] >= self.threshold_for(a.lang):
            intent = dict(top)
        else:
            intent = {"name": OUT_OF_SCOPE, "confidence": round(1 - top["confidence"], 4)}
        matches = a.matches
        if top["name"] != GUIDE_INTENT and any(x.entity == "guide" for x in matches):
            matches = _guides_last(a, matches, m, now)
        elif top["name"] == GUIDE_INTENT and m.guides is not None:
            matches = matches + _guess_guide(a, m.guides)
        entities = []
        for match in _by_intent(matches, top["name"]):
            start, end = a.normalized.original_span(match.start, match.end)
            entities.append(
                {
                    "entity": match.entity,
                    "value": match.value,
                    "start": start,
                    "end": end,
                    "confidence": match.confidence,
                    "extractor": match.extractor,
                }
            )
        offset = find_offset(a.folded)
        if offset is not None:  # "提前两小时": when to remind, for subscribe and its follow-ups
            start, end = a.normalized.original_span(offset.start, offset.end)
            entities.append(
                {
                    "entity": "offset",
                    "value": offset.value,
                    "start": start,
                    "end": end,
                    "confidence": 1.0,
                    "extractor": OFFSET_EXTRACTOR,
                }
            )
            entities.sort(key=lambda e: e["start"])
        return {
            "text": text,
            "intent": intent,
            "entities": entities,
            "intent_ranking": ranking,
            "lang": a.lang,
        }


def _guess_guide(a, guides) -> list[Match]:
    """The guide a start_guide message describes when it names none ("教我跟女儿视频").

    The entity spans the whole message (less surrounding spaces and punctuation): the guide is
    what the message as a whole asks for. Only a confident guess (≥ GUIDE_MIN_CONFIDENCE) counts.
    """
    if any(x.entity == "guide" for x in a.matches):
        return []
    name, confidence = guides.rank(a.feats)[0]
    text = a.normalized.text
    start = len(text) - len(text.lstrip(STRIP))
    end = len(text.rstrip(STRIP))
    if confidence < GUIDE_MIN_CONFIDENCE or start >= end:
        return []
    return [Match("guide", name, start, end, round(confidence, 4), "GuideClassifier")]


def _guides_last(a, matches: list, model: Model, now: datetime) -> list:
    """Outside `start_guide`, a guide alias only counts where no other entity was named.

    "线上讲座有吗" asks for online lectures (mode=online), not for the guide "watch a lecture
    online" whose alias 线上讲座 is longer.
    """
    others = model.extractor.extract(
        a.normalized.text,
        a.folded,
        now,
        parse_times,
        model.segmenter.word_freq,
        frozenset({"guide"}),
        a.boundaries,
    )
    spans = [(x.start, x.end) for x in others]
    guides = [
        x
        for x in matches
        if x.entity == "guide"
        and not any(x.start < e and s < x.end and (s, e) != (x.start, x.end) for s, e in spans)
    ]
    return sorted(others + guides, key=lambda x: (x.start, x.end, x.entity))


def _by_intent(matches: list, intent: str) -> list:
    """One reading where names overlap, following the annotation conventions of the data.

    * 视频通话 names both a topic and a guide: when the user asks to be walked through something
      (`start_guide`) the guide wins, otherwise ("视频通话培训班") the topic or app does;
    * 望京 is both a street and a landmark: the street wins (centres are filed by street).
    """
    spans: dict[tuple[int, int], set[str]] = {}
    for m in matches:
        spans.setdefault((m.start, m.end), set()).add(m.entity)
    keep = []
    for m in matches:
        kinds = spans[(m.start, m.end)]
        ambiguous = "guide" in kinds and kinds & {"topic", "app"}
        if ambiguous and (m.entity == "guide") != (intent == GUIDE_INTENT):
            continue
        if m.entity == "landmark" and "street" in kinds:
            continue
        keep.append(m)
    return keep


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(TZ)
    if now.tzinfo is None:
        return now.replace(tzinfo=TZ)
    return now.astimezone(TZ)
