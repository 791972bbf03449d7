"""Leling's understanding: Rasa-format NLU for Mandarin and English.

The one import the rest of Leling needs:

    from nlu import load_parser
    parser = load_parser(gazetteer)          # from the loaded catalogue: bot.app.open_parser
    parser.parse("明天下午朝阳区有啥讲座", now)

`parse` returns the shape of Rasa's `POST /model/parse`, plus the detected language:

    {"text": ..., "intent": {"name": str, "confidence": float},
     "entities": [{"entity", "value", "start", "end", "confidence", "extractor"}, ...],
     "intent_ranking": [{"name", "confidence"}, ...],   # the classifier's top 5
     "lang": "zh" | "en"}

Offsets are against the original text. A `time` entity's value is `{"from": ISO, "to": ISO}`
(Asia/Shanghai, resolved against `now`); other values are canonical gazetteer values
(`朝阳区`, `微信`, a guide id, ...).

The out-of-scope rule: when the classifier's top intent has confidence ≥ the threshold,
`intent` is that intent and its confidence. Below the threshold, `intent` is
`{"name": "out_of_scope", "confidence": 1 - top confidence}` while `intent_ranking` still holds
the classifier's real top 5 (the dialogue engine asks back with the first two). The threshold
is fitted at training time (the value in 0.15–0.5 with the best cross-validated macro-F1,
`model.info["out_of_scope_threshold"]`); `OUT_OF_SCOPE_THRESHOLD` is the fallback when it
cannot be fitted, and `Parser(model, threshold=...)` overrides both. `out_of_scope` is also an
ordinary trained intent, and may win outright. A blank message parses as `out_of_scope` with
confidence 0.0 and an empty ranking.

`nlu` imports nothing else of Leling's: name lists come in as a gazetteer
(entity → canonical value → aliases). See docs/nlu.md for the data, training and report.
"""

from __future__ import annotations

import importlib
import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the heavy parts load on first use, so `nlu.intents` / `nlu.parse` stay light
    from .evaluation import LangResult
    from .model import Model
    from .parser import Parser
    from .remote import RasaHTTPParser

__all__ = [
    "DATA_DIR",
    "MACRO_F1_GATES",
    "OUT_OF_SCOPE",
    "OUT_OF_SCOPE_THRESHOLD",
    "TEST_DIR",
    "LangResult",
    "Model",
    "Parser",
    "RasaHTTPParser",
    "default_model_dir",
    "evaluate",
    "load_parser",
    "train",
]

_LAZY = {
    "MACRO_F1_GATES": "evaluation",
    "TEST_DIR": "evaluation",
    "LangResult": "evaluation",
    "DATA_DIR": "model",
    "Model": "model",
    "default_model_dir": "model",
    "OUT_OF_SCOPE": "parser",
    "OUT_OF_SCOPE_THRESHOLD": "parser",
    "Parser": "parser",
    "RasaHTTPParser": "remote",
}

log = logging.getLogger(__name__)


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'nlu' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)


def load_parser(
    gazetteer: dict,
    data_dir: Path | None = None,
    model_dir: Path | None = None,
    nlu_url: str | None = None,
) -> Parser | RasaHTTPParser:
    """The parser for this gazetteer and training data, retraining first when the model is stale.

    The stored model's name carries the fingerprint of (training data, gazetteer, NLU code); when
    no stored model matches, one is trained (a few seconds) and saved in `model_dir` (default
    `$LELING_NLU_MODEL_DIR` or the user cache dir). With `nlu_url`, messages go to that Rasa
    server and fall back to the local model whenever it cannot answer.
    """
    from .model import load_or_train
    from .parser import Parser
    from .remote import RasaHTTPParser

    model, path, retrained = load_or_train(gazetteer, data_dir, model_dir)
    log.info("NLU model %s (%s)", path, "trained now" if retrained else "loaded")
    parser = Parser(model)
    if nlu_url:
        return RasaHTTPParser(nlu_url, parser)
    return parser


def train(
    gazetteer: dict, data_dir: Path | None = None, model_dir: Path | None = None
) -> tuple[Model, Path]:
    """Train from `data_dir` (default `nlu/data`) unconditionally and save; (model, path)."""
    from .model import DATA_DIR, default_model_dir, save, train_model

    model = train_model(Path(data_dir or DATA_DIR), gazetteer)
    return model, save(model, Path(model_dir or default_model_dir()))


def evaluate(
    parser: Parser,
    test_dir: Path | None = None,
    use_ledger: bool = True,
    now: datetime | None = None,
) -> dict[str, LangResult]:
    """Score `parser` on the held-out set (default `tests/nlu`); one `LangResult` per language."""
    from .evaluation import evaluate as _evaluate

    if now is None:
        return _evaluate(parser, test_dir, use_ledger=use_ledger)
    return _evaluate(parser, test_dir, use_ledger=use_ledger, now=now)
