"""A catalogue import can never do broad harm by accident (the audit's reproductions, issue #12).

Bad files are one line each naming the file (and row/line, field), never a traceback; an import
that would empty a file or remove/cancel too much is refused unless removals are allowed.
"""

from __future__ import annotations

import json
import os
from datetime import datetime

import pytest
import yaml

from bot.cli import main as leling
from content.files import MAX_DEPTH, MAX_TABLE_BYTES
from content.load import ensure_catalogue, import_dir, load_catalogue
from content.schedule import TZ
from content.validate import errors, read_catalogue_dir
from scheduler.planning import plan_for_subscription, replan_all
from store import reminders as outbox
from store import subscriptions, users
from store.catalogue import catalogue_meta

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=TZ)


def _errors(folder) -> list[str]:
    _, problems = read_catalogue_dir(folder)
    return [str(p) for p in errors(problems)]


def _one_error(folder, start: str) -> str:
    msgs = _errors(folder)
    assert len(msgs) == 1, msgs
    assert msgs[0].startswith(start), msgs
    return msgs[0]


# -- bad files: one clear line each --------------------------------------------------------------


def test_duplicate_yaml_keys_are_an_error_not_a_silent_rename(sample_dir):
    path = sample_dir / "lectures.yaml"
    text = path.read_text(encoding="utf-8")
    first = text.index("\n- id: ") + 1
    end = text.index("\n", first)
    # The same item gets a second `id:` (the audit's "silently renames ids").
    path.write_text(text[:end] + "\n  id: lec-renamed" + text[end:], encoding="utf-8")
    line = text[:end].count("\n") + 2
    msg = _one_error(sample_dir, f"lectures.yaml line {line}: is not valid YAML:")
    assert "key 'id' appears twice in one mapping" in msg


def test_a_nul_byte_in_a_csv_field_is_an_error(sample_dir):
    path = sample_dir / "centers.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",", ",\x00", 1)
    path.write_text("".join(lines), encoding="utf-8")
    assert _one_error(sample_dir, "centers.csv row 3: contains a NUL byte")


def test_an_rrule_finer_than_daily_is_refused(sample_dir):
    path = sample_dir / "lessons.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    items[0]["schedule"]["rrule"] = "FREQ=SECONDLY"
    items[1]["schedule"]["rrule"] = "FREQ=DAILY;BYHOUR=9,10,11"
    path.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False), encoding="utf-8")
    msgs = _errors(sample_dir)
    assert len(msgs) == 2
    assert "field 'schedule.rrule': FREQ=SECONDLY repeats more often than daily" in msgs[0]
    assert "field 'schedule.rrule': BYHOUR is not allowed" in msgs[1]


@pytest.mark.parametrize("field", ["starts_at", "until"])
def test_dates_years_away_are_refused(sample_dir, field):
    path = sample_dir / "lectures.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    if field == "starts_at":
        item = next(x for x in items if "starts_at" in x)
        item["starts_at"] = "9999-12-03T19:30:00+08:00"
    else:
        item = next(x for x in items if "schedule" in x)
        item["schedule"]["until"] = "9999-06-30"
    path.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False), encoding="utf-8")
    msg = _one_error(sample_dir, "lectures.yaml item")
    assert f"[id {item['id']}]" in msg and "9999-" in msg and "is the year a typo?" in msg


def test_a_csv_field_over_131072_characters_is_one_line(sample_dir):
    path = sample_dir / "landmarks.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + f'"{"长" * 140_000}",,东城区,39.9,116.4\n',
        encoding="utf-8",
    )
    msg = _one_error(sample_dir, "landmarks.csv row ")
    assert "cannot be read as CSV: field larger than field limit (131072)" in msg


def test_a_long_csv_field_is_named(sample_dir):
    path = sample_dir / "landmarks.csv"
    rows = len(path.read_text(encoding="utf-8").splitlines())
    path.write_text(
        path.read_text(encoding="utf-8") + f"{'长' * 5000},,东城区,39.9,116.4\n", encoding="utf-8"
    )
    assert _one_error(
        sample_dir, f"landmarks.csv row {rows + 1}: field 'name': is 5,000 characters long"
    )


def test_yaml_nested_a_thousand_deep_is_one_line(sample_dir):
    (sample_dir / "lessons.yaml").write_text("- " + "[" * 1000 + "]" * 1000 + "\n")
    assert _one_error(sample_dir, "lessons.yaml line 1: is not valid YAML:")
    (sample_dir / "lessons.yaml").write_text("- " + "[" * 40 + "]" * 40 + "\n")
    assert _one_error(
        sample_dir, f"lessons.yaml line 1: is not valid YAML: nested more than {MAX_DEPTH}"
    )


def test_yaml_anchors_are_refused(sample_dir):
    # Aliases would let a small file expand into a huge one ("billion laughs").
    (sample_dir / "lessons.yaml").write_text(
        "- &a {id: x}\n- *a\n- [*a, *a, *a]\n", encoding="utf-8"
    )
    assert _one_error(sample_dir, "lessons.yaml line 1: is not valid YAML: anchors and aliases")


def test_duplicate_keys_on_one_line_are_caught_too(sample_dir):
    (sample_dir / "lessons.yaml").write_text("- {id: x, id: y}\n", encoding="utf-8")
    assert _one_error(sample_dir, "lessons.yaml line 1: is not valid YAML: key 'id' appears twice")


def test_a_directory_in_place_of_a_file(sample_dir):
    (sample_dir / "centers.csv").unlink()
    (sample_dir / "centers.csv").mkdir()
    msgs = _errors(sample_dir)
    assert "centers.csv: is a folder; it must be a text file" in msgs
    # Lessons point at centers that could not be read: no flood of follow-up errors.
    assert len(msgs) == 1


def test_a_symlink_loop_in_place_of_a_file(sample_dir):
    (sample_dir / "lectures.yaml").unlink()
    os.symlink("lectures.yaml", sample_dir / "lectures.yaml")
    assert _one_error(sample_dir, "lectures.yaml: cannot be opened (")


def test_a_symlink_to_dev_zero_is_not_read(sample_dir):
    (sample_dir / "lessons.yaml").unlink()
    os.symlink("/dev/zero", sample_dir / "lessons.yaml")
    assert _one_error(
        sample_dir, "lessons.yaml: is a symlink to a place outside the catalogue folder"
    )


def test_symlinks_out_of_the_folder_are_refused_and_inside_ones_read(sample_dir, tmp_path):
    outside = tmp_path / "elsewhere.csv"
    outside.write_bytes((sample_dir / "landmarks.csv").read_bytes())
    (sample_dir / "landmarks.csv").unlink()
    os.symlink(outside, sample_dir / "landmarks.csv")
    assert _one_error(sample_dir, "landmarks.csv: is a symlink to a place outside")
    (sample_dir / "landmarks.csv").unlink()
    os.rename(outside, sample_dir / "landmarks-real.csv")
    os.symlink("landmarks-real.csv", sample_dir / "landmarks.csv")
    assert _errors(sample_dir) == []


def test_a_guide_that_is_a_fifo_or_a_folder_is_one_line(sample_dir):
    os.mkfifo(sample_dir / "guides" / "pipe.yaml")
    (sample_dir / "guides" / "folder.yaml").mkdir()
    msgs = _errors(sample_dir)
    assert "guides/folder.yaml: is a folder; it must be a text file" in msgs
    assert "guides/pipe.yaml: is not a regular file; it must be a text file" in msgs


def test_an_oversized_file_is_refused_without_reading_it_all(sample_dir):
    # The audit's 30 MB YAML took 40 s to parse; YAML files stop at 1 MB; centers.csv and
    # landmarks.csv at 64 MB (a national catalogue's 100,000 centers are ~16 MB, issue #16).
    path = sample_dir / "lectures.yaml"
    with path.open("a", encoding="utf-8") as f:
        f.write(("# " + "x" * 1000 + "\n") * (30 * 1024))
    assert _one_error(sample_dir, "lectures.yaml: is larger than 1024 KB")
    path.unlink()
    path = sample_dir / "centers.csv"
    with path.open("a", encoding="utf-8") as f:
        f.write(("x" * 1000 + "\n") * (MAX_TABLE_BYTES // 1000 + 10))
    assert "centers.csv: is larger than 65536 KB; split it or remove old entries" in _errors(
        sample_dir
    )


# -- imports that would remove too much ------------------------------------------------------------


@pytest.fixture
def imported(db, sample_dir):
    result = import_dir(db, sample_dir, now=NOW)
    assert result.ok
    return db


def _subscribe_everyone(db):
    """One subscriber per lecture, with reminders planned, as after a busy month."""
    cat = load_catalogue(db)
    for i, lec in enumerate(cat.lectures.values()):
        uid = f"telegram:{100 + i}"
        users.get_or_create(db, uid)
        sub, _ = subscriptions.add(db, uid, "lecture", lec.id)
        plan_for_subscription(db, cat, sub, NOW)


def test_an_empty_lectures_file_is_refused_and_queues_no_notice(imported, sample_dir):
    db = imported
    _subscribe_everyone(db)
    pending = outbox.count_pending(db)
    meta = catalogue_meta(db)
    (sample_dir / "lectures.yaml").write_text("", encoding="utf-8")
    result = import_dir(db, sample_dir, now=NOW)
    assert not result.ok
    assert result.refused[0] == "lectures.yaml would remove 28 of 28 lectures"
    line = result.refusal()
    assert "\n" not in line and line.startswith("refused: lectures.yaml would remove 28 of 28")
    assert "--allow-removals" in line and "lectures +0 ~0 -28" in line
    assert catalogue_meta(db) == meta and db["lectures"].count == 28
    replan_all(db, load_catalogue(db), NOW)
    kinds = {r[0] for r in db.execute("SELECT DISTINCT kind FROM reminders")}
    assert kinds == {"reminder"} and outbox.count_pending(db) == pending


def test_a_near_empty_file_is_refused_but_allowed_when_asked(imported, sample_dir):
    path = sample_dir / "landmarks.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:3]), encoding="utf-8")
    result = import_dir(imported, sample_dir, now=NOW)
    assert result.refused == ["landmarks.csv would remove 223 of 225 landmarks"]
    assert import_dir(imported, sample_dir, now=NOW, allow_removals=True).ok
    assert imported["landmarks"].count == 2


def test_cancelling_a_third_of_upcoming_events_is_refused(imported, sample_dir):
    path = sample_dir / "lessons.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in items[: len(items) * 2 // 3]:
        item["status"] = "cancelled"
    path.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = import_dir(imported, sample_dir, now=NOW)
    assert not result.ok and len(result.refused) == 1
    assert result.refused[0].endswith("upcoming events would be removed or cancelled")
    assert len(result.diff.cancelled) >= 15


def test_a_small_change_imports(imported, sample_dir):
    path = sample_dir / "lectures.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    removed = items.pop()
    items[0]["speaker"] = "新主讲人"
    path.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = import_dir(imported, sample_dir, now=NOW)
    assert result.ok
    assert result.diff.removed == {"lectures": [removed["id"]]}
    assert result.diff.changed == {"lectures": [items[0]["id"]]}
    assert result.diff.summary() == "lectures +0 ~1 -1"


def test_start_up_keeps_the_catalogue_when_the_folder_was_emptied(imported, sample_dir, caplog):
    meta = catalogue_meta(imported)
    imported.execute("UPDATE catalogue_meta SET value = ? WHERE key = 'source'", [str(sample_dir)])
    imported.conn.commit()
    (sample_dir / "centers.csv").write_text(
        (sample_dir / "centers.csv").read_text(encoding="utf-8").splitlines()[0] + "\n",
        encoding="utf-8",
    )
    (sample_dir / "lessons.yaml").write_text("[]\n", encoding="utf-8")
    (sample_dir / "lectures.yaml").write_text(
        "\n".join(
            line
            for line in (sample_dir / "lectures.yaml").read_text(encoding="utf-8").splitlines()
            if "center:" not in line
        ),
        encoding="utf-8",
    )
    cat = ensure_catalogue(imported, sample_dir, explicit=True)
    assert len(cat.centers) == 57
    assert catalogue_meta(imported)["digest"] == meta["digest"]


# -- the CLI: --dry-run and --allow-removals ---------------------------------------------------------


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LELING_DB", str(tmp_path / "cli.db"))
    monkeypatch.delenv("LELING_CONTENT", raising=False)

    def run(*args) -> tuple[int, str]:
        code = leling(list(args))
        return code, capsys.readouterr().out

    return run


def test_dry_run_prints_the_diff_and_the_notices_and_changes_nothing(cli, sample_dir, tmp_path):
    assert cli("content", "import", str(sample_dir), "--now", "2026-11-30T10:00")[0] == 0
    from store.db import open_db

    db = open_db(tmp_path / "cli.db")
    _subscribe_everyone(db)
    before = outbox.status_counts(db)
    path = sample_dir / "lectures.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    upcoming = [x for x in items if str(x.get("starts_at", "")) > "2026-12-01"]
    upcoming[0]["status"] = "cancelled"
    gone = upcoming[1]
    items.remove(gone)
    path.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False), encoding="utf-8")

    code, out = cli("content", "import", str(sample_dir), "--dry-run", "--now", "2026-11-30T10:00")
    assert code == 0, out
    assert f"changed lectures (1): {upcoming[0]['id']}" in out
    assert f"removed lectures (1): {gone['id']}" in out
    assert f"cancelled (1): {upcoming[0]['id']}" in out
    assert "Dry run: lectures +0 ~1 -1, 1 cancelled." in out
    assert "2 subscriber notice(s) about cancelled or moved events would go out." in out
    assert outbox.status_counts(db) == before and db["lectures"].count == 28

    (sample_dir / "lectures.yaml").write_text("[]\n", encoding="utf-8")
    code, out = cli("content", "import", str(sample_dir), "--dry-run", "--now", "2026-11-30T10:00")
    assert code == 1
    # Every subscriber with reminders planned would be told (3 sample lectures are cancelled;
    # one series has no session within the 14-day planning horizon, so nothing planned to undo).
    assert "24 subscriber notice(s)" in out and "The import would be refused" in out
    code, out = cli("content", "import", str(sample_dir), "--now", "2026-11-30T10:00")
    assert code == 1 and out.startswith("refused: lectures.yaml would remove 28 of 28 lectures")
    assert db["lectures"].count == 28
    code, out = cli(
        "content", "import", str(sample_dir), "--allow-removals", "--now", "2026-11-30T10:00"
    )
    assert code == 0 and "lectures +0 ~0 -28" in out and "24 subscriber notice(s)" in out
    db.conn.close()


def test_a_catalogue_stored_by_an_earlier_release_still_loads(imported):
    # The new range checks apply to files being imported, not to what is already stored.
    row = imported.execute("SELECT id, record FROM lessons LIMIT 1").fetchone()
    record = json.loads(row[1])
    record["schedule"]["rrule"] = "FREQ=WEEKLY;BYDAY=TU"
    record["schedule"]["until"] = "2099-06-30"
    imported.execute("UPDATE lessons SET record = ? WHERE id = ?", [json.dumps(record), row[0]])
    imported.conn.commit()
    assert load_catalogue(imported).lessons[row[0]].schedule.until.year == 2099
