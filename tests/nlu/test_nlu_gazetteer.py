"""content.gazetteer: the name lists handed to the NLU."""

from __future__ import annotations

from content.districts import DISTRICTS
from content.gazetteer import build
from content.tags import APPS, KINDS


def test_every_district_with_aliases(gazetteer):
    assert set(gazetteer["district"]) == {d.name for d in DISTRICTS}
    aliases = gazetteer["district"]["朝阳区"]
    assert {"朝阳区", "朝阳", "Chaoyang", "chaoyang"} <= set(aliases)


def test_streets_with_and_without_suffix(gazetteer):
    assert {"望京街道", "望京"} <= set(gazetteer["street"]["望京街道"])


def test_vocabularies_and_english_aliases(gazetteer):
    assert set(APPS) <= set(gazetteer["app"])
    assert "wechat" in gazetteer["app"]["微信"]
    assert set(KINDS) == set(gazetteer["kind"])
    assert "老年大学" in gazetteer["kind"]["elder_university"]
    assert "calligraphy" in gazetteer["topic"]["书法"]
    assert set(gazetteer["mode"]) == {"online", "offline"}


def test_guides_by_id_with_titles_and_aliases(gazetteer):
    guide = gazetteer["guide"]["wechat_video_call"]
    assert "微信视频" in guide and "video call" in guide


def test_new_catalogue_rows_show_up(sample_dir):
    with (sample_dir / "landmarks.csv").open("a", encoding="utf-8") as fh:
        fh.write("乐龄测试塔,测试塔;Test Tower,朝阳区,39.95,116.45\n")
    gaz = build(sample_dir)
    assert gaz["landmark"]["乐龄测试塔"][:3] == ["乐龄测试塔", "测试塔", "Test Tower"]


def test_missing_files_are_skipped(tmp_path):
    gaz = build(tmp_path)
    assert gaz["street"] == {} and gaz["landmark"] == {} and gaz["guide"] == {}
    assert len(gaz["district"]) == 16
