"""Reviewed training data (from the operators' not-understood queue) and gated training.

An operator's decision ("this group means find_center", "this is out of scope") is appended to
`<data>/reviewed_<lang>.yml`, a pending file training does not read. `train_gated` trains a
candidate on the training data plus the pending examples (in a copy of the data folder), scores
it on the held-out set, and only when every language passes its gate (nlu.evaluation
MACRO_F1_GATES, and no known failure starts passing unnoticed) moves the examples into
`<data>/<lang>/reviewed.yml` — ordinary training data from then on — and stores the model. When a
gate fails nothing changes: the pending file stays, the training data and the stored model stay
as they were, so the service keeps using the old model.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .dataset import dedup_key, load_language
from .lang import LANGS

ACCEPTED = "reviewed.yml"


def data_root(data_dir: Path | None) -> Path:
    """The training data folder (default nlu/data)."""
    from .model import DATA_DIR

    return Path(data_dir or DATA_DIR)


def pending_path(lang: str, data_dir: Path | None = None) -> Path:
    """The file of reviewed examples waiting for the next gated training."""
    return data_root(data_dir) / f"reviewed_{lang}.yml"


def check_intent(intent: str) -> None:
    """ValueError unless the NLU is trained on `intent` (nlu/intents.yml, not internal)."""
    from . import intents

    known = intents.nlu_intents()
    if intent not in known:
        raise ValueError(f"unknown intent {intent!r}; one of: {', '.join(sorted(known))}")


def read(path: Path) -> dict[str, list[str]]:
    """Intent → examples of a Rasa YAML file (empty when the file does not exist)."""
    if not path.is_file():
        return {}
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: dict[str, list[str]] = {}
    for item in doc.get("nlu") or []:
        if isinstance(item, dict) and "intent" in item:
            block = item.get("examples") or ""
            lines = block.splitlines() if isinstance(block, str) else []
            examples = [ln.strip()[1:].strip() for ln in lines if ln.strip().startswith("-")]
            out.setdefault(str(item["intent"]), []).extend(examples)
    return out


def render(examples: dict[str, list[str]]) -> str:
    """Rasa YAML (version 3.1) of intent → examples, intents sorted."""
    lines = ['version: "3.1"', "nlu:"]
    for intent in sorted(examples):
        if not examples[intent]:
            continue
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text in examples[intent]]
    return "\n".join(lines) + "\n"


def _clean(text: str) -> str:
    # One line, and no Rasa entity annotation syntax ("[..](..)") by accident.
    text = " ".join(text.split())
    return text.replace("[", "【").replace("]", "】").replace("{", "（").replace("}", "）")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def add_examples(
    lang: str, intent: str, texts: list[str], data_dir: Path | None = None
) -> tuple[Path, int]:
    """Append `texts` as pending examples of `intent`; ones already in the training data or
    pending (ignoring case, spaces and punctuation) are skipped. Returns (file, how many added)."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    root = data_root(data_dir)
    path = pending_path(lang, root)
    pending = read(path)
    seen = {dedup_key(ex.text) for ex in load_language(root / lang, lang).examples}
    seen |= {dedup_key(t) for ts in pending.values() for t in ts}
    added = 0
    for text in texts:
        text = _clean(text)
        key = dedup_key(text)
        if not key or key in seen:
            continue
        seen.add(key)
        pending.setdefault(intent, []).append(text)
        added += 1
    if added:
        _write(path, render(pending))
    return path, added


def pending_examples(data_dir: Path | None = None) -> dict[str, dict[str, list[str]]]:
    """lang → intent → examples waiting for the next gated training."""
    root = data_root(data_dir)
    out = {}
    for lang in LANGS:
        found = read(pending_path(lang, root))
        if any(found.values()):
            out[lang] = found
    return out


@dataclass
class GatedTraining:
    """What `train_gated` did: whether the candidate passed, the scores, where the model is."""

    passed: bool
    promoted: int = 0  # examples moved from pending into the training data
    scores: dict[str, float] = field(default_factory=dict)  # lang → macro-F1
    gates: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    model_path: Path | None = None
    examples: dict[str, int] = field(default_factory=dict)


def _merged(root: Path, pending: dict[str, dict[str, list[str]]]) -> dict[str, str]:
    """lang → the new text of `<lang>/reviewed.yml` (accepted plus pending)."""
    out = {}
    for lang, new in pending.items():
        accepted = read(root / lang / ACCEPTED)
        for intent, texts in new.items():
            have = {dedup_key(t) for t in accepted.get(intent, [])}
            accepted.setdefault(intent, []).extend(t for t in texts if dedup_key(t) not in have)
        out[lang] = render(accepted)
    return out


def train_gated(
    gazetteer: dict,
    data_dir: Path | None = None,
    model_dir: Path | None = None,
    test_dir: Path | None = None,
    gates: dict[str, float] | None = None,
) -> GatedTraining:
    """Train with the pending reviewed examples; keep the result only if the held-out gates pass
    (see the module docstring). `gates` overrides MACRO_F1_GATES per language (tests)."""
    from .evaluation import evaluate
    from .model import default_model_dir, fingerprint, save, train_model
    from .parser import Parser

    root = data_root(data_dir)
    pending = pending_examples(root)
    merged = _merged(root, pending)
    with tempfile.TemporaryDirectory(prefix="leling-nlu-") as tmp:
        staged = Path(tmp) / "data"
        shutil.copytree(root, staged, ignore=shutil.ignore_patterns("reviewed_*.yml", ".*"))
        for lang, text in merged.items():
            (staged / lang).mkdir(exist_ok=True)
            (staged / lang / ACCEPTED).write_text(text, encoding="utf-8")
        model = train_model(staged, gazetteer)
        results = evaluate(Parser(model), test_dir)
    outcome = GatedTraining(passed=bool(results), examples=dict(model.info.get("examples", {})))
    if not results:
        outcome.reasons.append("no held-out data found: the new model cannot be checked")
    for lang, result in results.items():
        if gates and lang in gates:
            result.gate = gates[lang]
        outcome.scores[lang] = round(result.macro_f1, 4)
        outcome.gates[lang] = result.gate
        if not result.passed:
            outcome.passed = False
            why = f"{lang}: macro-F1 {result.macro_f1:.3f} below the gate {result.gate:.2f}"
            if result.fixed:
                why = f"{lang}: {len(result.fixed)} known failure(s) now pass (update the ledger)"
            outcome.reasons.append(why)
    if not outcome.passed:
        return outcome
    for lang, text in merged.items():
        _write(root / lang / ACCEPTED, text)
        pending_path(lang, root).unlink(missing_ok=True)
        outcome.promoted += sum(len(v) for v in pending[lang].values())
    if model.fingerprint != fingerprint(root, gazetteer):  # e.g. a data file changed meanwhile
        model = train_model(root, gazetteer)
    outcome.model_path = save(model, Path(model_dir or default_model_dir()))
    return outcome
