"""The parse JSON, the out-of-scope rule, determinism, stale-model retraining, the Rasa backend."""

from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np
import pytest
from nlukit import DATA, HELD_OUT, NOW, cases

from nlu import OUT_OF_SCOPE, OUT_OF_SCOPE_THRESHOLD, Parser, RasaHTTPParser, load_parser
from nlu.dataset import load_language
from nlu.model import load_or_train, model_path, train_model

SMALL_INTENTS = ("greet", "goodbye", "find_center", "list_lectures")


@pytest.fixture
def small_data(tmp_path):
    """A copy of four intents of the real data (trains in well under a second)."""
    for lang in ("zh", "en"):
        (tmp_path / "data" / lang).mkdir(parents=True)
        for name in (*SMALL_INTENTS, "_entities"):
            src = DATA / lang / f"{name}.yml"
            if src.exists():
                shutil.copy(src, tmp_path / "data" / lang / src.name)
    return tmp_path / "data"


def test_parse_has_the_rasa_shape(parse):
    result = parse("明天下午朝阳区有讲座吗")
    assert set(result) == {"text", "intent", "entities", "intent_ranking", "lang"}
    assert result["text"] == "明天下午朝阳区有讲座吗"
    assert result["lang"] == "zh"
    assert set(result["intent"]) == {"name", "confidence"}
    assert 0.0 <= result["intent"]["confidence"] <= 1.0
    ranking = result["intent_ranking"]
    assert 1 <= len(ranking) <= 5
    confidences = [r["confidence"] for r in ranking]
    assert confidences == sorted(confidences, reverse=True)
    for entity in result["entities"]:
        assert set(entity) == {"entity", "value", "start", "end", "confidence", "extractor"}
        assert 0 <= entity["start"] < entity["end"] <= len(result["text"])
    json.dumps(result, ensure_ascii=False)  # serialisable as is


@pytest.mark.parametrize(("text", "lang"), cases("parse_language"))
def test_language_detection(parse, text, lang):
    assert parse(text)["lang"] == lang


@pytest.mark.parametrize(("text", "intent"), cases("obvious_intents"))
def test_obvious_intents(parse, text, intent):
    assert parse(text)["intent"]["name"] == intent


def test_low_confidence_becomes_out_of_scope_but_keeps_the_ranking(trained):
    strict = Parser(trained[0], threshold=1.01)
    result = strict.parse("离我最近的老年大学在哪儿", NOW)
    assert result["intent"]["name"] == OUT_OF_SCOPE
    assert result["intent_ranking"][0]["name"] == "find_center"
    top = result["intent_ranking"][0]["confidence"]
    assert result["intent"]["confidence"] == pytest.approx(1 - top, abs=1e-4)
    assert 0 < OUT_OF_SCOPE_THRESHOLD < 1


def test_blank_message(parse):
    result = parse("  \u200b ")
    assert result["intent"] == {"name": OUT_OF_SCOPE, "confidence": 0.0}
    assert result["entities"] == [] and result["intent_ranking"] == []


@pytest.mark.slow  # a second full training
def test_training_is_deterministic(gazetteer, trained, parser):
    again = Parser(train_model(DATA, gazetteer))
    first = trained[0].classifiers
    for lang, clf in again.model.classifiers.items():
        assert np.array_equal(clf.coef, first[lang].coef)
        assert clf.temperature == first[lang].temperature
    texts = [
        ex.text for lang in ("zh", "en") for ex in load_language(HELD_OUT / lang, lang).examples
    ]
    assert [again.parse(t, NOW) for t in texts[::7]] == [parser.parse(t, NOW) for t in texts[::7]]


@pytest.mark.slow  # extra model trainings
def test_stale_model_is_retrained(gazetteer, small_data, tmp_path):
    models = tmp_path / "models"
    model, path, retrained = load_or_train(gazetteer, small_data, models)
    assert retrained and path.is_file()
    _, same_path, retrained = load_or_train(gazetteer, small_data, models)
    assert not retrained and same_path == path

    greet = small_data / "zh" / "greet.yml"
    greet.write_text(greet.read_text(encoding="utf-8") + "    - 老哥好呀\n", encoding="utf-8")
    model2, path2, retrained = load_or_train(gazetteer, small_data, models)
    assert retrained and path2 != path and path.exists()  # the other model is kept
    assert model2.fingerprint != model.fingerprint

    changed = {**gazetteer, "landmark": {**gazetteer["landmark"], "乐龄测试塔": ["乐龄测试塔"]}}
    model3, _, retrained = load_or_train(changed, small_data, models)
    assert retrained
    found = Parser(model3).parse("乐龄测试塔附近有老年大学吗", NOW)["entities"]
    assert {"entity": "landmark", "value": "乐龄测试塔"}.items() <= found[0].items()


@pytest.mark.slow  # extra model trainings
def test_corrupt_model_file_is_replaced(gazetteer, small_data, tmp_path):
    model, path, _ = load_or_train(gazetteer, small_data, tmp_path)
    path.write_bytes(b"not a pickle")
    again, path2, retrained = load_or_train(gazetteer, small_data, tmp_path)
    assert retrained and path2 == model_path(tmp_path, model.fingerprint)


def test_model_dir_from_the_environment(gazetteer, small_data, tmp_path, monkeypatch):
    monkeypatch.setenv("LELING_NLU_MODEL_DIR", str(tmp_path / "env-models"))
    parser = load_parser(gazetteer, small_data)
    assert list((tmp_path / "env-models").glob("model-*.pkl"))
    assert parser.parse("你好", NOW)["intent"]["name"] == "greet"


class _FakeRasa(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        reply = {
            "text": body["text"],
            "intent": {"name": "greet", "confidence": 0.42},
            "entities": [],
            "intent_ranking": [{"name": "greet", "confidence": 0.42}],
        }
        data = json.dumps(reply).encode()
        self.send_response(200 if self.path == "/model/parse" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_rasa_backend_and_its_fallback(parser):
    server = HTTPServer(("127.0.0.1", 0), _FakeRasa)
    thread = threading.Thread(target=lambda: server.serve_forever(poll_interval=0.05), daemon=True)
    thread.start()
    try:
        remote = RasaHTTPParser(f"http://127.0.0.1:{server.server_port}", parser)
        result = remote.parse("随便说点啥", NOW)
        assert remote.backend == "rasa"
        assert result["intent"] == {"name": "greet", "confidence": 0.42}
        assert result["lang"] == "zh"
    finally:
        server.shutdown()
        server.server_close()
    down = RasaHTTPParser("http://127.0.0.1:9", parser, timeout=0.5)
    result = down.parse("下一步", NOW)
    assert down.backend == "local"
    assert result == parser.parse("下一步", NOW)


def test_model_folder_keeps_other_fingerprints(small_data, tmp_path):
    """Two checkouts sharing one cache folder do not delete each other's model."""
    from dataclasses import replace

    from nlu import model as nlu_model

    trained, _, _ = nlu_model.load_or_train({}, small_data, tmp_path)
    paths = []
    for i in range(nlu_model.KEEP_MODELS + 2):
        paths.append(nlu_model.save(replace(trained, fingerprint=f"{i:016x}" + "0" * 48), tmp_path))
    kept = sorted(tmp_path.glob("model-*.pkl"))
    assert len(kept) == nlu_model.KEEP_MODELS
    assert paths[-1] in kept and paths[-2] in kept
    assert paths[0] not in kept
