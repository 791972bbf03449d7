"""Evaluation on the held-out set (`tests/nlu/<lang>/`), with the known-failures ledger.

The ledger `tests/nlu/<lang>/_test_failures.yaml` is a YAML list of mappings
`{text: str, expected_intent: str, note: str (optional)}`. A listed example that still fails is
left out of the scores; a listed example that now passes is reported in `fixed`, and the gate
fails until it is removed from the ledger (as in home-assistant/intents), so the ledger only
ever shrinks honestly.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .dataset import LEDGER_NAME, Example, load_language, load_ledger
from .lang import LANGS
from .model import PACKAGE_DIR
from .timeparse.core import TZ

TEST_DIR = PACKAGE_DIR.parent / "tests" / "nlu"
MACRO_F1_GATES = {"zh": 0.95, "en": 0.93}
# A senior in trouble: answered before anything else, so their precision (false alarms on
# ordinary questions) and recall (a scam call taken for small talk) are reported on their own.
SAFETY_INTENTS = ("scam_alert", "emergency", "health_question")
EVAL_NOW = datetime(2025, 3, 12, 10, 0, tzinfo=TZ)


@dataclass
class LangResult:
    """Scores of one language's held-out set."""

    lang: str
    total: int = 0
    intent_report: dict = field(default_factory=dict)
    entity_report: dict = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    gold: list[str] = field(default_factory=list)
    predicted: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    entity_errors: list[dict] = field(default_factory=list)
    excluded: list[dict] = field(default_factory=list)
    fixed: list[dict] = field(default_factory=list)
    gate: float = 0.0

    @property
    def macro_f1(self) -> float:
        """Macro-averaged F1 over the intents (ledger failures excluded)."""
        return float(self.intent_report.get("macro avg", {}).get("f1-score", 0.0))

    def safety(self) -> dict[str, dict[str, float]]:
        """Precision, recall and support of each safety intent on this held-out set."""
        out = {}
        for name in SAFETY_INTENTS:
            row = self.intent_report.get(name)
            if isinstance(row, dict):
                out[name] = {k: row[k] for k in ("precision", "recall", "support")}
        return out

    @property
    def passed(self) -> bool:
        """Macro-F1 reaches the gate and no ledger entry has started passing."""
        return self.total > 0 and self.macro_f1 >= self.gate and not self.fixed


def _entity_key(ent: dict) -> tuple:
    value = ent["value"]
    return (ent["entity"], None if ent["entity"] == "time" else str(value))


def _score_entities(gold: list[dict], predicted: list[dict], counts: dict) -> list[tuple]:
    """Count true/false positives per entity type; a hit needs type, value and overlap."""
    unmatched = list(predicted)
    misses = []
    for g in gold:
        hit = next(
            (
                p
                for p in unmatched
                if _entity_key(p) == _entity_key(g)
                and p["start"] < g["end"]
                and g["start"] < p["end"]
            ),
            None,
        )
        if hit is not None:
            unmatched.remove(hit)
            counts[g["entity"]]["tp"] += 1
        else:
            counts[g["entity"]]["fn"] += 1
            misses.append(("missed", g))
    for p in unmatched:
        counts[p["entity"]]["fp"] += 1
        misses.append(("spurious", p))
    return misses


def _entity_report(counts: dict) -> dict:
    report = {}
    for entity in sorted(counts):
        c = counts[entity]
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        report[entity] = {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1-score": round(f, 4),
            "support": c["tp"] + c["fn"],
        }
    scored = [v for v in report.values() if v["support"]]
    if scored:
        report["macro avg"] = {
            k: round(sum(v[k] for v in scored) / len(scored), 4)
            for k in ("precision", "recall", "f1-score")
        }
    return report


def _gold_entities(ex: Example, parser) -> list[dict]:
    gold = []
    for ann in ex.entities:
        value = ann.value
        if value is None and ann.entity != "time":
            resolved = parser.model.extractor.resolve(ann.entity, ann.text)
            value = resolved[0] if resolved else ann.text
        gold.append({"entity": ann.entity, "value": value, "start": ann.start, "end": ann.end})
    return gold


def evaluate_language(
    parser,
    lang: str,
    test_dir: Path | None = None,
    use_ledger: bool = True,
    now: datetime = EVAL_NOW,
) -> LangResult:
    """Parse every held-out example of `lang` and score intents and entities."""
    folder = Path(test_dir or TEST_DIR) / lang
    data = load_language(folder, lang)
    ledger = load_ledger(folder / LEDGER_NAME) if use_ledger else []
    listed = {(e["text"].strip(), e["expected_intent"]): e for e in ledger}
    result = LangResult(lang, gate=MACRO_F1_GATES.get(lang, 0.0))
    counts: dict = {}
    for ex in data.examples:
        parsed = parser.parse(ex.text, now)
        name = parsed["intent"]["name"]
        entry = listed.get((ex.text, ex.intent))
        if entry is not None:
            (result.fixed if name == ex.intent else result.excluded).append(
                {**entry, "predicted": name}
            )
            if name != ex.intent:
                continue
        result.gold.append(ex.intent)
        result.predicted.append(name)
        if name != ex.intent:
            result.errors.append(
                {
                    "text": ex.text,
                    "lang": lang,
                    "intent": ex.intent,
                    "intent_prediction": parsed["intent"],
                    "intent_ranking": parsed["intent_ranking"][:3],
                }
            )
        for entity in {
            *(a.entity for a in ex.entities),
            *(e["entity"] for e in parsed["entities"]),
        }:
            counts.setdefault(entity, Counter())
        for kind, ent in _score_entities(_gold_entities(ex, parser), parsed["entities"], counts):
            result.entity_errors.append(
                {
                    "text": ex.text,
                    "lang": lang,
                    "error": kind,
                    "entity": ent["entity"],
                    "value": ent["value"],
                    "span": ex.text[ent["start"] : ent["end"]],
                }
            )
    result.total = len(result.gold)
    result.labels = sorted(set(result.gold) | set(result.predicted))
    if result.gold:
        from sklearn.metrics import classification_report

        result.intent_report = classification_report(
            result.gold, result.predicted, labels=result.labels, output_dict=True, zero_division=0
        )
        _add_confusions(result)
    result.entity_report = _entity_report(counts)
    return result


def _add_confusions(result: LangResult) -> None:
    pairs = Counter((g, p) for g, p in zip(result.gold, result.predicted, strict=True) if g != p)
    for (gold, pred), n in pairs.items():
        result.intent_report[gold].setdefault("confused_with", {})[pred] = n


def evaluate(
    parser,
    test_dir: Path | None = None,
    langs: tuple[str, ...] = LANGS,
    use_ledger: bool = True,
    now: datetime = EVAL_NOW,
) -> dict[str, LangResult]:
    """Held-out results for each language that has a test folder."""
    root = Path(test_dir or TEST_DIR)
    return {
        lang: evaluate_language(parser, lang, root, use_ledger, now)
        for lang in langs
        if (root / lang).is_dir()
    }
