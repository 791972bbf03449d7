"""`leling nlu parse|train|test` through the real argument parser."""

from __future__ import annotations

import json

import pytest
from nlukit import NOW

from bot.cli import main


@pytest.fixture
def model_env(trained):
    """The session's model is trained (tests/conftest.py points the CLI at its folder)."""


def test_parse_text(model_env, capsys):
    assert main(["nlu", "parse", "教我用微信视频"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["intent"]["name"] == "start_guide"


def test_parse_file_one_json_per_line(model_env, tmp_path, capsys):
    messages = tmp_path / "messages.txt"
    messages.write_text("明天下午有讲座吗\n\nthis weekend lectures in chaoyang\n", encoding="utf-8")
    assert main(["nlu", "parse", "--file", str(messages), "--now", NOW.isoformat()]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert "明天" in first["text"]  # printed with ensure_ascii=False
    time = next(e for e in first["entities"] if e["entity"] == "time")
    assert time["value"]["from"].startswith("2025-03-13")


def test_parse_needs_text_or_file(model_env):
    assert main(["nlu", "parse"]) == 2


def test_test_writes_a_rasa_style_report(model_env, tmp_path, capsys):
    code = main(["nlu", "test", "--out", str(tmp_path / "report")])
    out = capsys.readouterr().out
    assert code in (0, 1) and "macro-F1" in out
    report = json.loads((tmp_path / "report" / "intent_report.json").read_text(encoding="utf-8"))
    for lang in ("zh", "en"):
        assert {"macro avg", "weighted avg", "accuracy", "gate"} <= set(report[lang])
        assert {"precision", "recall", "f1-score", "support"} <= set(report[lang]["greet"])
        assert code == (0 if all(report[x]["gate"]["passed"] for x in report) else 1)
    entities = json.loads((tmp_path / "report" / "entity_report.json").read_text(encoding="utf-8"))
    assert "f1-score" in entities["zh"]["district"]
    assert (tmp_path / "report" / "intent_confusion_matrix.png").stat().st_size > 1000
    assert isinstance(json.loads((tmp_path / "report" / "intent_errors.json").read_text()), list)


@pytest.mark.slow  # a full training
def test_train(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("LELING_NLU_MODEL_DIR", str(tmp_path))
    assert main(["nlu", "train"]) == 0
    assert "model:" in capsys.readouterr().out
    assert main(["nlu", "train", "--if-stale"]) == 0  # what `make install` runs
    assert "model is current" in capsys.readouterr().out
    assert list(tmp_path.glob("model-*.pkl"))
