"""Assigning not-understood messages: reviewed examples, gated retraining, the old model kept
when the gates fail."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from nlu import review
from nlu.dataset import load_language
from nlu.model import load_or_train
from store import audit, not_understood

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 20, 10, 0, tzinfo=TZ)
ROOT = Path(__file__).resolve().parents[2]
TEACH = ["附近哪儿能学跳广场舞呀", "附近哪里能学跳广场舞"]


@pytest.fixture
def data(tmp_path) -> Path:
    """A writable copy of the training data."""
    dest = tmp_path / "nlu-data"
    shutil.copytree(ROOT / "nlu" / "data", dest)
    return dest


@pytest.fixture
def model_dir(tmp_path, trained) -> Path:
    """A model folder holding the session's model (trained on the same data)."""
    dest = tmp_path / "models"
    dest.mkdir()
    shutil.copy2(trained[1], dest / trained[1].name)
    return dest


def _queue(db) -> str:
    for text in TEACH:
        not_understood.record(db, text, "zh", "out_of_scope", 0.31, at=NOW)
    not_understood.record(db, "帮我买菜 13812345678", "zh", "out_of_scope", 0.4, at=NOW)
    (group,) = [g for g in not_understood.groups(db) if g["count"] == 2]
    return group["key"]


def test_assign_appends_reviewed_examples_and_leaves_the_queue(db, data):
    key = _queue(db)
    done = not_understood.assign(db, key, "find_center", "telegram:42", data, now=NOW)
    assert (done["intent"], done["count"], done["added"]) == ("find_center", 2, 2)
    assert review.read(review.pending_path("zh", data)) == {"find_center": TEACH}
    # Pending examples are not training data yet (the service would train on them unchecked).
    assert not {ex.text for ex in load_language(data / "zh", "zh").examples} & set(TEACH)
    assert [g["count"] for g in not_understood.groups(db)] == [1]
    assert not_understood.count(db, assigned=True) == 2
    entry = audit.entries(db, "not_understood.assign")[-1]
    assert entry["actor"] == "telegram:42" and "广场舞" not in entry["detail"]
    # Out of scope: the rest goes to the out_of_scope data, masked.
    rest = not_understood.groups(db)[0]["key"]
    assert not_understood.assign(db, rest, None, "telegram:42", data)["intent"] == "out_of_scope"
    assert review.read(review.pending_path("zh", data))["out_of_scope"] == ["帮我买菜 〔电话〕"]


def test_assign_refuses_unknown_intents_and_groups(db, data):
    key = _queue(db)
    with pytest.raises(ValueError, match="unknown intent"):
        not_understood.assign(db, key, "order_pizza", "cli", data)
    with pytest.raises(KeyError):
        not_understood.assign(db, "g000000000000", "find_center", "cli", data)
    assert not review.pending_path("zh", data).exists()


@pytest.mark.slow  # full model trainings
def test_a_failed_gate_keeps_the_old_model_and_the_data(db, data, model_dir, gazetteer):
    old, old_path, retrained = load_or_train(gazetteer, data, model_dir)
    assert not retrained  # the session's model: same data, same fingerprint
    not_understood.assign(db, _queue(db), "find_center", "cli", data)
    assert load_or_train(gazetteer, data, model_dir)[1] == old_path  # pending: no retraining

    outcome = review.train_gated(gazetteer, data, model_dir, gates={"zh": 1.01})
    assert not outcome.passed and outcome.model_path is None
    assert "zh: macro-F1" in outcome.reasons[0]
    assert review.read(review.pending_path("zh", data)) == {"find_center": TEACH}
    assert not (data / "zh" / review.ACCEPTED).exists()
    assert sorted(p.name for p in model_dir.glob("model-*.pkl")) == [old_path.name]
    model, path, retrained = load_or_train(gazetteer, data, model_dir)
    assert (path, retrained, model.fingerprint) == (old_path, False, old.fingerprint)


@pytest.mark.slow  # full model trainings
def test_passing_the_gates_takes_the_examples_in(db, data, model_dir, gazetteer, run_leling):
    old, _, _ = load_or_train(gazetteer, data, model_dir)
    key = _queue(db)
    assigned = run_leling("nlu", "assign", key, "find_center", "--data", str(data))
    assert assigned.returncode == 2  # the group lives in this test's database, not LELING_DB
    not_understood.assign(db, key, "find_center", "cli", data)

    out = run_leling(
        "nlu",
        "train",
        "--data",
        str(data),
        "--model-dir",
        str(model_dir),
        LELING_DB=str(db_path(db)),
    )
    assert out.returncode == 0, out.stderr.decode()
    assert b"2 reviewed example(s) added" in out.stdout and b"gate 0.95" in out.stdout
    assert not review.pending_path("zh", data).exists()
    assert review.read(data / "zh" / review.ACCEPTED) == {"find_center": TEACH}
    texts = {ex.text: ex.intent for ex in load_language(data / "zh", "zh").examples}
    assert all(texts[t] == "find_center" for t in TEACH)
    # The model the service loads for this data now is the checked one, trained with them.
    model, _, retrained = load_or_train(gazetteer, data, model_dir)
    assert not retrained and model.fingerprint != old.fingerprint
    assert model.info["examples"]["zh"] == old.info["examples"]["zh"] + 2


def db_path(db) -> str:
    """The file behind a database connection."""
    return db.execute("PRAGMA database_list").fetchone()[2]
