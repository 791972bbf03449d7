"""nlu/data/aliases.yml: the one place for what people call topics, apps, kinds, audiences and
modes — checked when loaded, and every alias reaches the NLU's gazetteer."""

from __future__ import annotations

import pytest

from content.gazetteer import ALIASES_FILE, build, load_aliases
from content.tags import SERVICES, TOPICS


def test_the_shipped_aliases_load_and_name_listed_values():
    aliases = load_aliases()
    assert "摄影" in aliases["topic"] and "视频通话" in aliases["topic"]
    assert aliases["service_topic"]["摄影"] == "拍照"
    assert all(k in SERVICES and v in TOPICS for k, v in aliases["service_topic"].items())
    assert "hospital booking" in aliases["topic"]["就医挂号"]
    assert "elder universities" in aliases["kind"]["elder_university"]


def test_every_alias_reaches_the_gazetteer(sample_dir):
    gaz = build(sample_dir)
    for entity in ("topic", "app", "kind", "audience", "mode"):
        for value, words in load_aliases()[entity].items():
            assert set(words) <= set(gaz[entity][value]), (entity, value)


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("topic:\n  不存在的课: [x]\n", "is not a listed topic"),
        ("topic:\n  拍照: [照相]\n  摄影: [照相]\n", "names both"),
        ("app:\n  微信: wechat\n", "must be a list of words"),
        ("topic:\n  拍照: ['']\n", "must be a list of words"),
        ("service_topic:\n  拍照: 摄影\n", "service_topic"),
        ("topics:\n  拍照: [x]\n", "unknown section"),
        ("- a\n- b\n", "must map"),
    ],
)
def test_a_bad_aliases_file_is_one_clear_error(tmp_path, text, complaint):
    path = tmp_path / "aliases.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=complaint) as err:
        load_aliases(path)
    assert "aliases.yml" in str(err.value)


def test_the_file_is_beside_the_training_data():
    assert ALIASES_FILE.parent.name == "data" and ALIASES_FILE.parent.parent.name == "nlu"
