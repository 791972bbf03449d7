"""`leling content validate`: every kind of mistake is named by file, row/item, id and field."""

import csv

import pytest
import yaml
from catalogkit import rewrite_csv

from content.validate import errors, read_catalogue_dir


def _edit_yaml(path, index, **changes):
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    items[index].update(changes)
    path.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return items[index]


def _messages(folder):
    _, problems = read_catalogue_dir(folder)
    return [str(p) for p in errors(problems)]


def test_shipped_catalogue_has_no_errors_and_no_warnings(sample_dir):
    data, problems = read_catalogue_dir(sample_dir)
    assert [str(p) for p in problems] == []
    assert len(data.centers) >= 48 and len(data.guides) == 12


@pytest.mark.parametrize(
    "field,value,expect",
    [
        ("lat", "139.9", "field 'lat': 139.9 is outside Beijing"),
        ("lon", "abc", "field 'lon': 'abc' is not a number"),
        ("district", "朝阳", "field 'district': unknown district '朝阳'"),
        ("hours", "Mo-Fx 08:00-17:00", "field 'hours': 'Mo-Fx 08:00-17:00' is not OSM"),
        ("accessible", "maybe", "field 'accessible': 'maybe' must be yes or no"),
        ("kind", "university", "field 'kind': 'university' is not one of"),
        ("id", "Bad Id!", "field 'id': String should match pattern"),
        ("address", "", "field 'address':"),
    ],
)
def test_center_field_errors_name_file_row_id_and_field(sample_dir, field, value, expect):
    row = rewrite_csv(sample_dir / "centers.csv", 4, **{field: value})
    msgs = _messages(sample_dir)
    assert len(msgs) >= 1
    hit = [m for m in msgs if expect in m]
    assert hit, msgs
    assert hit[0].startswith("centers.csv row 6 [id ")
    if field != "id":
        assert f"[id {row['id']}]" in hit[0]


def test_all_errors_are_reported_not_just_the_first(sample_dir):
    rewrite_csv(sample_dir / "centers.csv", 0, lat="0")
    rewrite_csv(sample_dir / "centers.csv", 1, hours="whenever")
    _edit_yaml(sample_dir / "lessons.yaml", 2, center="nowhere")
    _edit_yaml(sample_dir / "lectures.yaml", 0, online_url="ftp://x")
    msgs = _messages(sample_dir)
    assert len(msgs) == 4
    assert {m.split(" ")[0] for m in msgs} == {"centers.csv", "lessons.yaml", "lectures.yaml"}


def test_duplicate_ids_point_at_both_rows(sample_dir):
    first = rewrite_csv(sample_dir / "centers.csv", 0)
    lost = rewrite_csv(sample_dir / "centers.csv", 3)
    rewrite_csv(sample_dir / "centers.csv", 3, id=first["id"])
    msgs = _messages(sample_dir)
    assert msgs[0].startswith(f"centers.csv row 5 [id {first['id']}]: field 'id':")
    assert "used twice (first at row/line 2)" in msgs[0]
    # The row that was renamed is gone, so what pointed at it is reported too.
    assert all(f"center '{lost['id']}' is not in centers.csv" in m for m in msgs[1:])


def test_missing_and_unknown_columns(sample_dir):
    path = sample_dir / "centers.csv"
    text = path.read_text(encoding="utf-8").replace("phone,", "telephone,", 1)
    path.write_text(text, encoding="utf-8")
    [msg] = _messages(sample_dir)
    # One line, not one per lecture/lesson that refers to a center.
    assert msg == (
        "centers.csv row 1: header: missing column(s) phone; unknown column(s) telephone"
    )


def test_a_row_with_an_unquoted_comma(sample_dir):
    path = sample_dir / "centers.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append(
        "x-1,名,n,leling_center,朝阳区,望京街道,地址,39.99,116.47,010-1,"
        "Mo-Fr 08:00-11:00,13:00-17:00,书法,yes,"
    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [msg] = _messages(sample_dir)
    assert msg.startswith(f"centers.csv row {len(lines)} [id x-1]: has 15 fields, expected 14")


def test_undecodable_utf16_and_missing_files_are_one_line_each(sample_dir):
    (sample_dir / "landmarks.csv").write_bytes(b"name,aliases\n\xff\xff\xff")
    (sample_dir / "centers.csv").write_bytes("id,name\n".encode("utf-16"))
    (sample_dir / "lessons.yaml").unlink()
    msgs = _messages(sample_dir)
    assert (
        "landmarks.csv: is neither UTF-8 nor GBK/GB18030 (bad byte at offset 13); "
        "save it as 'CSV UTF-8'" in msgs
    )
    assert "centers.csv: is UTF-16 (Excel's 'Unicode text'); save it as 'CSV UTF-8' instead" in msgs
    assert "lessons.yaml: file is missing" in msgs


def test_yaml_item_errors_carry_item_number_line_and_id(sample_dir):
    item = _edit_yaml(sample_dir / "lectures.yaml", 1, status="moved", duration_minutes=0)
    msgs = _messages(sample_dir)
    assert len(msgs) == 2
    assert all(
        m.startswith("lectures.yaml item 2 (line ") and f"[id {item['id']}]" in m for m in msgs
    )
    assert any("field 'duration_minutes':" in m for m in msgs)
    assert any("field 'status': 'moved' is not one of" in m for m in msgs)


def test_lecture_rules(sample_dir):
    path = sample_dir / "lectures.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    one_off = next(i for i, x in enumerate(items) if "starts_at" in x)
    series = next(i for i, x in enumerate(items) if "schedule" in x)
    items[one_off]["starts_at"] = "2026-12-12T14:00:00"  # no UTC offset
    items[series]["starts_at"] = "2026-12-12T14:00:00+08:00"  # both starts_at and schedule
    path.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
    msgs = _messages(sample_dir)
    assert any("field 'starts_at': needs a UTC offset" in m for m in msgs)
    assert any("field 'starts_at': give exactly one of starts_at" in m for m in msgs)


def test_schedule_rules(sample_dir):
    path = sample_dir / "lessons.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    items[0]["schedule"]["rrule"] = "FREQ=SOMETIMES"
    items[1]["schedule"]["time"] = "9:30am"
    items[2]["schedule"]["until"] = "2020-01-01"
    path.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
    msgs = _messages(sample_dir)
    assert any(
        "item 1 " in m and "field 'schedule.rrule': 'FREQ=SOMETIMES' is not a valid RRULE" in m
        for m in msgs
    )
    assert any(
        "item 2 " in m and "field 'schedule.time': '9:30am' must be HH:MM" in m for m in msgs
    )
    assert any(
        "item 3 " in m and "field 'schedule.until': 2020-01-01 is before start" in m for m in msgs
    )


def test_cross_references(sample_dir):
    centers = list(csv.DictReader((sample_dir / "centers.csv").open(encoding="utf-8")))
    other = next(c for c in centers if c["district"] != "朝阳区")
    les = _edit_yaml(sample_dir / "lessons.yaml", 0, center="no-such-center")
    lec = _edit_yaml(sample_dir / "lectures.yaml", 5, center=other["id"], district="朝阳区")
    msgs = _messages(sample_dir)
    assert any(
        f"[id {les['id']}]: field 'center': center 'no-such-center' is not in centers.csv" in m
        for m in msgs
    )
    assert any(
        f"[id {lec['id']}]: field 'district': district 朝阳区 differs from its "
        f"center's ({other['district']})" in m
        for m in msgs
    )


def test_unknown_field_is_named(sample_dir):
    _edit_yaml(sample_dir / "lessons.yaml", 0, levle="入门")
    [msg] = _messages(sample_dir)
    assert "field 'levle': is not a known field (check the spelling)" in msg


def test_invalid_yaml_names_the_line(sample_dir):
    path = sample_dir / "lessons.yaml"
    text = path.read_text(encoding="utf-8").splitlines()
    text[3] = text[3] + " : : ["
    path.write_text("\n".join(text), encoding="utf-8")
    [msg] = _messages(sample_dir)
    assert msg.startswith("lessons.yaml line ") and "is not valid YAML" in msg


def test_guide_rules(sample_dir):
    g = sample_dir / "guides" / "send_photo.yaml"
    data = yaml.safe_load(g.read_text(encoding="utf-8"))
    data["related"] = ["no_such_guide"]
    data["aliases"]["zh"].append("微信视频")  # belongs to wechat_video_call
    (sample_dir / "guides" / "copy_of_photo.yaml").write_text(
        yaml.safe_dump({**data, "aliases": {}, "related": []}, allow_unicode=True), encoding="utf-8"
    )
    g.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    msgs = _messages(sample_dir)
    assert (
        "guides/copy_of_photo.yaml [id send_photo]: field 'id': id 'send_photo' must "
        "match the file name 'copy_of_photo'" in msgs
    )
    assert any("guides/send_photo.yaml" in m and "related guide 'no_such_guide'" in m for m in msgs)
    assert any("alias '微信视频' is also used by guide" in m for m in msgs)


def test_guide_without_steps(sample_dir):
    g = sample_dir / "guides" / "send_photo.yaml"
    data = yaml.safe_load(g.read_text(encoding="utf-8"))
    data["steps"] = []
    g.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    [msg] = _messages(sample_dir)
    assert msg.startswith("guides/send_photo.yaml [id send_photo]: field 'steps':")


def test_landmark_alias_clash(sample_dir):
    path = sample_dir / "landmarks.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rewrite_csv(path, 1, aliases=rows[1]["aliases"] + ";" + rows[0]["name"])
    [msg] = _messages(sample_dir)
    assert (
        f"landmarks.csv row 3 [id {rows[1]['name']}]: field 'aliases': alias "
        f"'{rows[0]['name']}' also names" in msg
    )


def test_center_outside_its_district_is_a_warning_only(sample_dir):
    centers = list(csv.DictReader((sample_dir / "centers.csv").open(encoding="utf-8")))
    i = next(i for i, c in enumerate(centers) if c["district"] == "延庆区")
    rewrite_csv(sample_dir / "centers.csv", i, lat="39.90", lon="116.40")  # Tiananmen
    _, problems = read_catalogue_dir(sample_dir)
    assert errors(problems) == []
    [warn] = problems
    assert str(warn).startswith("warning: centers.csv row") and "outside 延庆区" in str(warn)


def test_not_a_folder(tmp_path):
    [msg] = _messages(tmp_path / "nope")
    assert msg.endswith("nope: is not a folder")
