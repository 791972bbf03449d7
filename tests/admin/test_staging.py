"""Staging an uploaded catalogue: only known names, zip-slip and zip bombs refused whole, a
stage only its uploader can name; and the download round-trips through the CLI's own checks."""

from __future__ import annotations

import io
import stat
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from bot.admin.catalogue_ops import catalogue_files, export_zip, preview
from bot.admin.staging import (
    MAX_ENTRIES,
    Staging,
    UploadError,
    catalogue_name,
    zip_name,
)
from content.load import import_dir
from content.schedule import TZ
from store.db import open_db

NOW = datetime(2026, 12, 4, 15, 0, tzinfo=TZ)
USER = "telegram:900"


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in entries.items():
            member = zipfile.ZipInfo(name, date_time=(2026, 12, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(member, body)
    return buf.getvalue()


def _sample_entries(sample_dir: Path, prefix: str = "") -> dict[str, bytes]:
    return {
        prefix + str(p.relative_to(sample_dir)): p.read_bytes()
        for p in sorted(sample_dir.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def area(tmp_path) -> Staging:
    return Staging(tmp_path / "uploads", b"test-secret")


def _stages(area: Staging) -> list[Path]:
    return [p for p in area.root.iterdir()] if area.root.exists() else []


def test_file_names_map_to_catalogue_names_and_others_are_skipped():
    assert catalogue_name("centers.csv") == "centers.csv"
    assert catalogue_name("data/guides/send_photo.yaml") == "guides/send_photo.yaml"
    assert catalogue_name("send_photo.yaml") == "guides/send_photo.yaml"  # chosen from guides/
    assert catalogue_name(r"C:\data\lectures.yaml") == "lectures.yaml"
    for other in ("README.md", "wechat_menu.yaml", "guides/step1.png", "data/x/foo.yaml", ""):
        assert catalogue_name(other) is None
    assert zip_name("guides/a.yaml") == "guides/a.yaml"
    assert zip_name("a.yaml") is None  # in a zip, a guide must be in guides/
    assert zip_name("x/guides/a.yaml") is None


def test_a_zipped_folder_is_staged_with_unknown_files_skipped(area, sample_dir):
    entries = _sample_entries(sample_dir, prefix="my-catalogue/")
    entries["my-catalogue/guides/step1.png"] = b"\x89PNG"
    entries["__MACOSX/my-catalogue/._centers.csv"] = b"junk"
    stage = area.from_zip(_zip(entries), USER)
    assert "centers.csv" in stage.files and "guides/send_photo.yaml" in stage.files
    assert {"README.md", "wechat_menu.yaml", "guides/step1.png"} <= set(stage.skipped)
    assert (stage.folder / "centers.csv").read_bytes() == (sample_dir / "centers.csv").read_bytes()
    assert not (stage.folder / "README.md").exists()
    assert area.open(stage.token, USER).files == stage.files


@pytest.mark.parametrize(
    "evil",
    ["../centers.csv", "guides/../../lectures.yaml", "/etc/centers.csv", "C:/x/centers.csv"],
)
def test_zip_slip_refuses_the_whole_zip(area, sample_dir, evil):
    entries = _sample_entries(sample_dir)
    entries[evil] = b"id,name\n"
    with pytest.raises(UploadError) as exc:
        area.from_zip(_zip(entries), USER)
    assert exc.value.key == "upload.zip_slip"
    assert _stages(area) == []  # nothing staged, nothing written anywhere
    assert not (area.root.parent / "centers.csv").exists()


def test_a_symlink_in_a_zip_is_refused(area, sample_dir):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body in _sample_entries(sample_dir).items():
            z.writestr(name, body)
        link = zipfile.ZipInfo("guides/evil.yaml")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(link, "/etc/passwd")
    with pytest.raises(UploadError) as exc:
        area.from_zip(buf.getvalue(), USER)
    assert exc.value.key == "upload.zip_slip"


def test_a_zip_bomb_stops_at_the_file_limit(area, sample_dir):
    entries = _sample_entries(sample_dir)
    entries["lectures.yaml"] = b"#" * (3 * 1024 * 1024)  # 3 MB of one byte: ~3 KB zipped
    data = _zip(entries)
    assert len(data) < 200 * 1024
    with pytest.raises(UploadError) as exc:
        area.from_zip(data, USER)
    assert exc.value.key == "upload.file_too_big" and exc.value.fields["name"] == "lectures.yaml"


def test_a_zip_that_lies_about_its_sizes_is_still_bounded(area, sample_dir):
    body = b"#" * (3 * 1024 * 1024)
    data = bytearray(_zip({"lectures.yaml": body, "centers.csv": b"x"}))
    # Claim 100 bytes unpacked in the central directory (offset 24 of each entry's header).
    at = data.rfind(b"PK\x01\x02", 0, data.rfind(b"lectures.yaml"))
    data[at + 24 : at + 28] = (100).to_bytes(4, "little")
    with pytest.raises(UploadError) as exc:
        area.from_zip(bytes(data), USER)
    assert exc.value.key in ("upload.bad_entry", "upload.file_too_big")


def test_too_many_entries_and_not_a_zip(area):
    many = {f"guides/g{i}.yaml": b"id: x\n" for i in range(MAX_ENTRIES + 1)}
    with pytest.raises(UploadError) as exc:
        area.from_zip(_zip(many), USER)
    assert exc.value.key == "upload.too_many"
    with pytest.raises(UploadError) as exc:
        area.from_zip(b"PK\x03\x04 not really", USER)
    assert exc.value.key == "upload.bad_zip"
    with pytest.raises(UploadError) as exc:
        area.from_zip(_zip({"README.md": b"hi"}), USER)
    assert exc.value.key == "upload.nothing_known"


def test_a_folders_files_are_staged_and_guides_go_to_guides(area, sample_dir):
    files = [(p.name, p.read_bytes()) for p in sample_dir.glob("*") if p.is_file()]
    files += [(p.name, p.read_bytes()) for p in (sample_dir / "guides").glob("*.yaml")]
    stage = area.from_files(files, USER)
    assert (stage.folder / "guides" / "send_photo.yaml").is_file()
    assert "wechat_menu.yaml" in stage.skipped and "README.md" in stage.skipped
    with pytest.raises(UploadError) as exc:
        area.from_files([("centers.csv", b"a"), ("x/centers.csv", b"b")], USER)
    assert exc.value.key == "upload.twice"


def test_only_the_uploader_can_name_a_stage(area, sample_dir):
    stage = area.from_zip(_zip(_sample_entries(sample_dir)), USER)
    assert area.open(stage.token, USER) is not None
    assert area.open(stage.token, "telegram:901") is None
    stage_id, mac = stage.token.split(".")
    assert area.open(f"{stage_id}.{mac[:-2]}AA", USER) is None
    assert area.open("../../etc.passwd", USER) is None
    other = Staging(area.root, b"another-secret")
    assert other.open(stage.token, USER) is None
    area.discard(stage)
    assert area.open(stage.token, USER) is None


def test_old_stages_are_cleaned_up(area, sample_dir):
    stage = area.from_zip(_zip(_sample_entries(sample_dir)), USER)
    assert area.cleanup(now=10**12) == 1
    assert area.open(stage.token, USER) is None


def test_the_download_round_trips_with_no_changes(tmp_path, sample_dir, area):
    db_path = tmp_path / "leling.db"
    db = open_db(db_path)
    assert import_dir(db, sample_dir, now=NOW).ok
    files = catalogue_files(db)
    assert {"centers.csv", "lectures.yaml", "lessons.yaml", "landmarks.csv", "faq.yaml"} <= set(
        files
    )
    stage = area.from_zip(export_zip(db), USER)
    db.conn.close()
    result = preview(db_path, stage.folder, NOW)
    assert result.result.ok and result.result.diff.summary() == "no changes"
    assert [p for p in result.result.problems if p.level == "error"] == []


def test_an_upload_without_guides_is_told_the_guides_are_missing(tmp_path, sample_dir, area):
    db_path = tmp_path / "leling.db"
    db = open_db(db_path)
    assert import_dir(db, sample_dir, now=NOW).ok
    db.conn.close()
    files = [(p.name, p.read_bytes()) for p in sample_dir.glob("*") if p.is_file()]
    stage = area.from_files(files, USER)
    problems = [str(p) for p in preview(db_path, stage.folder, NOW).result.problems]
    assert "guides/: folder is missing" in problems
