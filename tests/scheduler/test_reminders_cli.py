"""`leling reminders list|run`, run as real processes against a prepared database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from content.load import import_dir
from store import subscriptions, users
from store.db import open_db

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # real processes
LECTURE = "lec-chaoyang-short-video-1203"  # 2026-12-03 19:30, online


@pytest.fixture
def leling(tmp_path, run_leling):
    db_file = tmp_path / "cli.db"
    db = open_db(db_file)
    assert import_dir(db, ROOT / "content" / "data").ok
    users.get_or_create(db, "terminal:alice")
    subscriptions.add(db, "terminal:alice", "lecture", LECTURE)
    users.get_or_create(db, "terminal:bob", lang="en")
    subscriptions.add(db, "terminal:bob", "lecture", LECTURE, offsets=["-120m"])
    db.conn.close()

    def run(*args):
        proc = run_leling("reminders", *args, LELING_DB=str(db_file))
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.decode("utf-8")

    return run


def test_run_plans_and_sends_what_is_due_once(leling):
    assert "nothing due" in leling("run", "--now", "2026-12-01T10:00")
    listed = json.loads(leling("list", "--json"))
    assert [(r["user_id"], r["due_at"], r["status"]) for r in listed] == [
        ("terminal:alice", "2026-12-02T18:00:00+08:00", "pending"),
        ("terminal:bob", "2026-12-03T17:30:00+08:00", "pending"),
        ("terminal:alice", "2026-12-03T18:30:00+08:00", "pending"),
    ]
    assert listed[0]["event"]["title"] == "孩子沉迷短视频，家长怎么管"

    preview = leling("run", "--now", "2026-12-02T18:00", "--dry-run")
    assert (
        "(dry run) → terminal:alice: 提醒您：「孩子沉迷短视频，家长怎么管」明天(周四)晚上7:30开始。"
        in preview
    )
    out = json.loads(leling("run", "--now", "2026-12-02T18:00", "--json"))
    assert out["report"]["sent"] == 1
    (msg,) = out["sent"]
    assert msg["user_id"] == "terminal:alice"
    assert "线上参加：https://example.org/live/" in msg["text"]
    assert [b["title"] for b in msg["buttons"]] == ["收到", "不去了，取消提醒"]
    again = json.loads(leling("run", "--now", "2026-12-02T18:00", "--json"))
    assert again["sent"] == []

    out = json.loads(leling("run", "--now", "2026-12-03T17:30", "--json"))
    assert out["sent"][0]["text"].startswith(
        "Reminder: “Hooked on short videos: setting screen-time limits that stick” starts "
        "today at 7:30 pm."
    )
    mine = json.loads(leling("list", "--user", "terminal:alice", "--json", "--status", "sent"))
    assert [r["due_at"] for r in mine] == ["2026-12-02T18:00:00+08:00"]
    assert "terminal:bob" in leling("list")
