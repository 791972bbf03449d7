"""The operator's `leling content …` commands, run as real processes (every dated command
takes `--now`, so the results do not depend on today's date)."""

import json
from datetime import datetime
from pathlib import Path

import pytest

from content.schedule import TZ

ROOT = Path(__file__).resolve().parents[2]
WHEN = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)
NOW = ("--now", WHEN.isoformat())
pytestmark = pytest.mark.slow  # real processes


@pytest.fixture
def leling(tmp_path, run_leling):
    """leling(*args, ok=True) → the finished process (text out) over tmp_path/cli.db."""

    def run(*args, ok=True):
        proc = run_leling(*args, LELING_DB=str(tmp_path / "cli.db"))
        proc.stdout, proc.stderr = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
        if ok is not None:
            assert (proc.returncode == 0) == ok, proc.stderr + proc.stdout
        return proc

    return run


def test_validate_ok_and_broken(leling, sample_dir):
    out = leling("content", "validate", str(sample_dir)).stdout
    assert out.startswith("OK: 57 centers")
    (sample_dir / "lessons.yaml").write_text("- id: x\n  title: {zh: 课}\n", encoding="utf-8")
    proc = leling("content", "validate", str(sample_dir), ok=False)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert "lessons.yaml item 1 (line 1) [id x]: field 'center': is required but missing" in lines
    assert "lessons.yaml item 1 (line 1) [id x]: field 'schedule': is required but missing" in lines
    assert lines[-1].endswith("nothing was changed.")


def test_import_then_query_as_json(leling, sample_dir):
    assert "Imported: 57 centers" in leling("content", "import", str(sample_dir), *NOW).stdout
    rows = json.loads(
        leling(
            "content",
            "centers",
            "--landmark",
            "天坛",
            "--limit",
            "3",
            "--now",
            "2026-11-30T10:00",
            "--json",
        ).stdout
    )
    assert len(rows) == 3 and rows[0]["distance_m"] <= rows[1]["distance_m"]
    assert {"id", "name", "address", "phone", "hours_today", "open_now"} <= set(rows[0])
    lec = json.loads(
        leling(
            "content",
            "lectures",
            "--now",
            "2026-11-29T08:00",
            "--topic",
            "青春期",
            "--to",
            "2027-05-01T00:00",
            "--json",
        ).stdout
    )
    assert lec and all("青春期" in r["topics"] for r in lec)
    assert all(r["starts_at"].endswith("+08:00") for r in lec)
    les = json.loads(
        leling("content", "lessons", "--app", "微信", "--now", "2026-11-29T08:00", "--json").stdout
    )
    assert les and all(r["next_session"] for r in les)
    guide = json.loads(leling("content", "guide", "微信视频", "--json").stdout)  # timeless
    assert guide["id"] == "wechat_video_call"


def test_a_failed_import_exits_1_and_keeps_the_catalogue(leling, sample_dir):
    leling("content", "import", str(sample_dir), *NOW)
    (sample_dir / "centers.csv").write_text("id,name\n", encoding="utf-8")
    proc = leling("content", "import", str(sample_dir), *NOW, ok=False)
    assert "was not changed" in proc.stdout
    rows = json.loads(leling("content", "centers", "--district", "朝阳", *NOW, "--json").stdout)
    assert rows and all(r["district"] == "朝阳区" for r in rows)


def test_kind_messages_for_bad_arguments(leling):
    proc = leling("content", "centers", "--near", "north", *NOW, ok=False)
    assert "--near wants LAT,LON" in proc.stderr
    proc = leling("content", "centers", "--landmark", "不存在的地方xyz", *NOW, ok=False)
    assert "no landmark called" in proc.stderr


def test_import_that_cancels_a_lecture_notifies_its_subscriber_once(leling, sample_dir, tmp_path):
    import yaml

    from content.load import load_catalogue
    from scheduler.planning import plan_for_subscription
    from store import subscriptions
    from store.db import open_db

    leling("content", "import", str(sample_dir), *NOW)
    db = open_db(tmp_path / "cli.db")
    items = yaml.safe_load((sample_dir / "lectures.yaml").read_text(encoding="utf-8"))
    # A one-off lecture still ahead at NOW.
    lec = next(
        x
        for x in items
        if "starts_at" in x and x["status"] == "scheduled" and str(x["starts_at"]) > "2026-12-10"
    )
    sub, _ = subscriptions.add(db, "terminal:parent", "lecture", lec["id"])
    plan_for_subscription(db, load_catalogue(db), sub, WHEN)
    lec["status"] = "cancelled"
    (sample_dir / "lectures.yaml").write_text(
        yaml.safe_dump(items, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    out = leling("content", "import", str(sample_dir), *NOW).stdout
    assert "1 subscriber notice(s)" in out
    notices = list(
        db.execute(
            "SELECT user_id, event_id FROM reminders WHERE kind = 'notice' AND status = 'pending'"
        )
    )
    assert notices == [("terminal:parent", lec["id"])]
    # Importing the same folder again does not announce the cancellation twice.
    assert "notice" not in leling("content", "import", str(sample_dir), *NOW).stdout
