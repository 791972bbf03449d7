"""An operator's catalogue imports (issue #10 item 7): tags as people write them, Excel's CSV."""

from __future__ import annotations

from catalogkit import rewrite_csv

from content.catalogue import Catalogue
from content.load import import_dir, load_catalogue
from content.tags import AUDIENCES, SERVICES, SYNONYMS, TOPICS, canonical
from content.validate import errors, read_catalogue_dir


def _set_center(folder, index: int, **changes) -> dict:
    return rewrite_csv(folder / "centers.csv", index, **changes)


def test_every_synonym_points_at_a_listed_tag():
    listed = {**SERVICES, **TOPICS, **AUDIENCES}
    for variant, targets in SYNONYMS.items():
        assert variant not in listed, variant
        assert targets and all(t in listed for t in targets), variant


def test_the_issues_examples_map_to_listed_tags():
    assert canonical("太极拳", SERVICES) == "太极"
    assert canonical("国画", SERVICES) == "绘画"
    assert canonical("挂号", TOPICS) == "就医挂号"
    assert canonical("打车", TOPICS) == "出行打车"
    assert canonical("幼儿园", AUDIENCES) == "3-6岁"
    assert canonical("心理", SERVICES) == "心理咨询"
    assert canonical("心理", TOPICS) == "心理健康"
    assert canonical("跳伞", SERVICES) == "跳伞"


def test_unknown_tags_warn_import_and_stay_searchable(db, sample_dir):
    row = _set_center(sample_dir, 4, services="太极拳;国画;跳伞;书法;太极")
    data, problems = read_catalogue_dir(sample_dir)
    assert errors(problems) == []
    assert [str(p) for p in problems] == [
        f"warning: centers.csv row 6 [id {row['id']}]: field 'services': '跳伞' is not a listed "
        "service: imported as written; add it to synonyms.csv (variant,tag) to map it to a "
        "listed one"
    ]
    center = next(c for c in data.centers if c.id == row["id"])
    assert center.services == ["太极", "绘画", "跳伞", "书法"]
    assert import_dir(db, sample_dir).ok
    cat: Catalogue = load_catalogue(db)
    hits = cat.nearest_centers(39.9, 116.4, 5, service="跳伞")
    assert [h.center.id for h in hits] == [row["id"]]


def test_unknown_topics_and_audiences_are_warnings_too(sample_dir):
    path = sample_dir / "lectures.yaml"
    text = path.read_text(encoding="utf-8")
    first = text.index("  topics: [")
    end = text.index("]", first)
    path.write_text(
        text[: first + len("  topics: [")] + "烹饪, 亲子" + text[end:], encoding="utf-8"
    )
    data, problems = read_catalogue_dir(sample_dir)
    assert errors(problems) == []
    assert len(problems) == 1 and "'烹饪' is not a listed topic" in str(problems[0])
    assert any(lec.topics == ["烹饪", "亲子沟通"] for lec in data.lectures)


def test_a_folder_may_extend_the_synonyms(sample_dir):
    (sample_dir / "synonyms.csv").write_text(
        "variant,tag\n跳伞,舞蹈\n滑翔,不存在的标签\n", encoding="utf-8"
    )
    row = _set_center(sample_dir, 4, services="跳伞")
    data, problems = read_catalogue_dir(sample_dir)
    assert [str(p) for p in problems] == [
        "warning: synonyms.csv row 3: field 'tag': '不存在的标签' is not a listed tag; "
        "this row is ignored"
    ]
    assert next(c for c in data.centers if c.id == row["id"]).services == ["舞蹈"]
    # The folder's synonyms are part of what an import compares (the digest).
    before = data.digest
    (sample_dir / "synonyms.csv").write_text("variant,tag\n跳伞,手工\n", encoding="utf-8")
    assert read_catalogue_dir(sample_dir)[0].digest != before


def test_hard_errors_stay_for_what_would_break_the_service(sample_dir):
    _set_center(sample_dir, 4, lat="139.9", hours="whenever", services="跳伞")
    msgs = [str(p) for p in errors(read_catalogue_dir(sample_dir)[1])]
    assert len(msgs) == 2
    assert any("field 'lat'" in m for m in msgs) and any("field 'hours'" in m for m in msgs)


def test_excel_csv_in_utf8_with_bom_and_in_gbk_is_read(sample_dir):
    path = sample_dir / "centers.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    data, problems = read_catalogue_dir(sample_dir)
    assert problems == [] and len(data.centers) == 57
    path.write_bytes(text.encode("gbk"))
    data, problems = read_catalogue_dir(sample_dir)
    assert [str(p) for p in problems] == [
        "warning: centers.csv: was read as GBK/GB18030 (Excel's default on Chinese Windows); "
        "saving it as 'CSV UTF-8' is safer"
    ]
    assert len(data.centers) == 57 and data.centers[0].name == "北京老年开放大学"
