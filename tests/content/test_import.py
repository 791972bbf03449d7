"""`leling content import`: all or nothing, on a real SQLite file."""

import csv
import sqlite3

import pytest

from content import load as content_load
from content.load import CatalogueError, ensure_catalogue, import_dir, load_catalogue
from store import audit
from store.catalogue import catalogue_meta


def _counts(db):
    return {t: db[t].count for t in ("centers", "lectures", "lessons", "guides", "landmarks")}


def test_import_loads_every_table(db, sample_dir):
    result = import_dir(db, sample_dir)
    assert result.ok
    assert result.counts == _counts(db)
    assert result.counts["guides"] == 12
    cat = load_catalogue(db)
    assert cat.guide("wechat_video_call").steps
    assert catalogue_meta(db)["digest"] == result.digest
    assert audit.entries(db, "content.import")[-1]["actor"] == "operator"


def test_a_failing_catalogue_changes_nothing(db, sample_dir, tmp_path):
    assert import_dir(db, sample_dir).ok
    before = _counts(db)
    meta = catalogue_meta(db)
    # Remove a center (would shrink the table) and break another row.
    path = sample_dir / "centers.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows = rows[:-1]
    rows[0]["lat"] = "0"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    result = import_dir(db, sample_dir)
    assert not result.ok and result.problems
    assert _counts(db) == before
    assert catalogue_meta(db) == meta


def test_a_crash_in_the_middle_of_writing_rolls_back(db, sample_dir, monkeypatch):
    assert import_dir(db, sample_dir).ok
    (sample_dir / "centers.csv").write_text(
        (sample_dir / "centers.csv")
        .read_text(encoding="utf-8")
        .replace("北京老年开放大学", "X", 1),
        encoding="utf-8",
    )
    before = _counts(db)
    real = content_load.CatalogueData.records

    def exploding(self):
        recs = real(self)
        # A duplicate primary key in the last table, after every other table was rewritten.
        recs["landmarks"] = recs["landmarks"] + recs["landmarks"][:1]
        return recs

    monkeypatch.setattr(content_load.CatalogueData, "records", exploding)
    with pytest.raises(sqlite3.IntegrityError):
        import_dir(db, sample_dir)
    assert _counts(db) == before
    assert not any(c.name.startswith("X") for c in load_catalogue(db).centers.values())


def test_import_replaces_rather_than_merges(db, sample_dir):
    assert import_dir(db, sample_dir).ok
    (sample_dir / "guides" / "send_photo.yaml").unlink()
    for g in sample_dir.glob("guides/*.yaml"):  # nothing may point at the removed guide
        g.write_text(
            g.read_text(encoding="utf-8").replace("send_photo", "voice_input"), encoding="utf-8"
        )
    result = import_dir(db, sample_dir)
    assert result.ok, [str(p) for p in result.problems]
    assert db["guides"].count == 11
    assert load_catalogue(db).guide("send_photo") is None


def test_start_up_imports_an_empty_database_once(db, sample_dir, monkeypatch):
    calls = []
    real = content_load.import_dir
    monkeypatch.setattr(
        content_load, "import_dir", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    ensure_catalogue(db, sample_dir, explicit=False)
    ensure_catalogue(db, sample_dir, explicit=False)
    assert calls == [1]


def test_start_up_reimports_when_the_folder_changed(db, sample_dir):
    ensure_catalogue(db, sample_dir, explicit=False)
    path = sample_dir / "centers.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("北京老年开放大学", "北京老年开放大学(新)", 1),
        encoding="utf-8",
    )
    cat = ensure_catalogue(db, sample_dir, explicit=False)
    assert any("(新)" in c.name for c in cat.centers.values())


def test_start_up_keeps_an_operator_import_unless_told(db, sample_dir, tmp_path):
    import shutil

    other = tmp_path / "district"
    shutil.copytree(sample_dir, other)
    (other / "guides" / "online_lecture.yaml").unlink()
    for g in other.glob("guides/*.yaml"):
        g.write_text(
            g.read_text(encoding="utf-8").replace("online_lecture", "voice_input"), encoding="utf-8"
        )
    assert import_dir(db, other).ok
    assert len(ensure_catalogue(db, sample_dir, explicit=False).guides) == 11
    assert len(ensure_catalogue(db, sample_dir, explicit=True).guides) == 12


def test_start_up_with_a_broken_folder_keeps_the_old_catalogue(db, sample_dir):
    ensure_catalogue(db, sample_dir, explicit=True)
    (sample_dir / "lectures.yaml").write_text("- id: [", encoding="utf-8")
    cat = ensure_catalogue(db, sample_dir, explicit=True)
    assert len(cat.lectures) >= 24


def test_start_up_with_a_broken_folder_and_nothing_to_fall_back_on(db, sample_dir):
    (sample_dir / "lectures.yaml").write_text("- id: [", encoding="utf-8")
    with pytest.raises(CatalogueError, match="lectures.yaml"):
        ensure_catalogue(db, sample_dir, explicit=True)


def test_start_up_with_unchanged_files_does_not_validate_the_folder_again(
    db, sample_dir, monkeypatch
):
    """Start-up compares a hash of the folder's files with the one of the last import and only
    reads and validates the folder (seconds for a national catalogue) when they differ."""
    ensure_catalogue(db, sample_dir, explicit=False)
    reads = []
    real = content_load.read_catalogue_dir
    monkeypatch.setattr(
        content_load, "read_catalogue_dir", lambda *a, **k: reads.append(1) or real(*a, **k)
    )
    cat = ensure_catalogue(db, sample_dir, explicit=False)
    assert reads == [] and cat.centers
    (sample_dir / "NOTES.txt").write_text("not part of the catalogue", encoding="utf-8")
    ensure_catalogue(db, sample_dir, explicit=False)  # read once: same digest, nothing imported
    assert reads == [1]
    ensure_catalogue(db, sample_dir, explicit=False)  # and remembered
    assert reads == [1]
