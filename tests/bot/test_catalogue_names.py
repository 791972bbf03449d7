"""The NLU knows the catalogue in the database: after `leling content import DIR` its new
streets and landmarks are recognised (the model retrains once for the new names)."""

from __future__ import annotations

import json

import pytest

from bot.app import catalogue_gazetteer
from bot.cli import main
from content.load import import_dir, load_catalogue

NEW_CENTER = (
    "lc-test-1,乐龄测试学堂,Leling Test School,community_school,朝阳区,枣营测试街道,"
    "北京市朝阳区枣营测试街道1号,39.95,116.46,010-00000000,Mo-Fr 09:00-17:00,书法,yes,\n"
)
NEW_LANDMARK = "乐龄测试塔,测试塔;Test Tower,朝阳区,39.95,116.45\n"


@pytest.fixture
def new_names(sample_dir):
    """The sample catalogue plus a center on a new street and a new landmark."""
    with (sample_dir / "centers.csv").open("a", encoding="utf-8") as fh:
        fh.write(NEW_CENTER)
    with (sample_dir / "landmarks.csv").open("a", encoding="utf-8") as fh:
        fh.write(NEW_LANDMARK)
    return sample_dir


def test_the_gazetteer_comes_from_the_database_catalogue(db, new_names):
    assert import_dir(db, new_names).ok
    gaz = catalogue_gazetteer(load_catalogue(db))
    assert gaz["landmark"]["乐龄测试塔"][:3] == ["乐龄测试塔", "测试塔", "Test Tower"]
    assert gaz["street"]["枣营测试街道"] == ["枣营测试街道", "枣营测试"]


def _entities(capsys, text: str) -> dict:
    assert main(["nlu", "parse", text, "--now", "2026-12-04T15:00"]) == 0
    result = json.loads(capsys.readouterr().out)
    return {e["entity"]: e["value"] for e in result["entities"]}


@pytest.mark.slow  # trains a model for the new names
def test_names_imported_by_an_operator_are_recognised(new_names, capsys):
    assert _entities(capsys, "测试塔附近有学书法的地方吗").get("landmark") is None
    assert main(["content", "import", str(new_names)]) == 0
    capsys.readouterr()
    assert _entities(capsys, "测试塔附近有学书法的地方吗")["landmark"] == "乐龄测试塔"
    assert _entities(capsys, "枣营测试街道有什么课")["street"] == "枣营测试街道"
