"""The retention policy (issue #12 item 6): old finished rows and inactive users' data go."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest

from bot.cli import main as leling
from bot.config import ConfigError, Settings
from bot.maintenance import seconds_until
from content.schedule import TZ
from store import audit, sessions, staff_tokens, subscriptions, users, web_links
from store import reminders as outbox
from store.retention import RetentionPolicy, inactive_users, prune

LONG_AGO = "2025-06-01T00:00:00+00:00"  # in UTC, as users/sessions store it
NOW = datetime(2026, 12, 1, 4, 0, tzinfo=TZ)


def _row(db, user_id, sub_id, occurrence, status="sent", kind="reminder"):
    """One outbox row for a session at `occurrence` (+08:00 ISO), with its session text."""
    key = f"r:{sub_id}:L:lec-x:{occurrence}:{status}"
    outbox.apply_plan(
        db,
        [(sub_id, user_id, "lecture", "lec-x", occurrence, 60, occurrence, key)],
        [],
        [],
        [("lecture", "lec-x", occurrence, json.dumps({"title": "讲座"}))],
    )
    db.execute("UPDATE reminders SET status = ?, kind = ? WHERE idem_key = ?", [status, kind, key])
    db.conn.commit()


def _user(db, user_id, *, last_seen=None, with_session=True):
    users.get_or_create(db, user_id)
    sub, _ = subscriptions.add(db, user_id, "lecture", "lec-x")
    if with_session:
        sessions.save(db, user_id, {"lang": "zh", "last_place": [39.9, 116.4]})
    if last_seen:
        db.execute(
            "UPDATE users SET created_at = ?, updated_at = ? WHERE id = ?",
            [last_seen, last_seen, user_id],
        )
        db.execute("UPDATE sessions SET updated_at = ? WHERE user_id = ?", [last_seen, user_id])
        db.conn.commit()
    return sub["id"]


def test_finished_rows_older_than_90_days_go_and_the_rest_stay(db):
    sub = _user(db, "telegram:1")
    _row(db, "telegram:1", sub, "2026-08-01T09:30:00+08:00")  # 4 months ago: goes
    _row(db, "telegram:1", sub, "2026-08-01T09:30:00+08:00", status="skipped", kind="reminder")
    _row(db, "telegram:1", sub, "2026-11-20T09:30:00+08:00")  # 11 days ago: stays
    _row(db, "telegram:1", sub, "2026-12-05T09:30:00+08:00", status="pending")  # upcoming
    before = outbox.status_counts(db)
    counts = prune(db, NOW, dry_run=True)
    assert (counts["reminders"], counts["reminder_events"], counts["users"]) == (2, 0, 0)
    assert outbox.status_counts(db) == before  # a dry run deletes nothing
    counts = prune(db, NOW)
    assert (counts["reminders"], counts["reminder_events"]) == (2, 1)
    left = {r["occurrence"][:10]: r["status"] for r in outbox.list_rows(db)}
    assert left == {"2026-11-20": "sent", "2026-12-05": "pending"}
    assert db["reminder_events"].count == 2
    assert audit.entries(db, "retention.prune")[-1]["actor"] == "system"
    assert prune(db, NOW)["reminders"] == 0


def test_one_time_sign_in_links_go_a_day_after_they_expire(db):
    users.get_or_create(db, "telegram:7")
    old, fresh = NOW - timedelta(days=2), NOW - timedelta(minutes=5)
    # made in this order, because making a link also sweeps links long expired
    live = staff_tokens.issue(db, "telegram:7", now=fresh)
    link = web_links.issue(db, "telegram:7", now=fresh)
    spent = staff_tokens.issue(db, "telegram:7", now=old)
    assert staff_tokens.redeem(db, spent, now=old) == "telegram:7"  # used two days ago
    staff_tokens.issue(db, "telegram:7", now=old)  # never used, expired two days ago
    web_links.issue(db, "telegram:7", now=old)
    assert prune(db, NOW, dry_run=True)["staff_tokens"] == 2
    counts = prune(db, NOW)
    assert (counts["staff_tokens"], counts["web_links"]) == (2, 1)
    # the links made minutes ago still work
    assert staff_tokens.redeem(db, live, now=NOW) == "telegram:7"
    assert web_links.redeem(db, link, now=NOW)[0] == "ok"


def test_a_user_silent_for_a_year_with_nothing_planned_is_forgotten(db):
    gone = _user(db, "telegram:2", last_seen=LONG_AGO)
    _row(db, "telegram:2", gone, "2025-06-10T09:30:00+08:00")
    waiting = _user(db, "telegram:3", last_seen=LONG_AGO)
    _row(db, "telegram:3", waiting, "2026-12-20T09:30:00+08:00", status="pending")
    _user(db, "telegram:4")  # wrote today
    assert inactive_users(db, NOW, 365) == ["telegram:2"]
    counts = prune(db, NOW)
    assert counts["users"] == 1
    assert users.get(db, "telegram:2") is None
    assert db.execute("SELECT count(*) FROM reminders WHERE user_id = 'telegram:2'").fetchone() == (
        0,
    )
    assert subscriptions.active_for(db, "telegram:2") == []
    # Still subscribed to something coming up: kept, but the year-old conversation state goes.
    assert users.get(db, "telegram:3") is not None
    assert sessions.load(db, "telegram:3") == {}
    assert sessions.load(db, "telegram:4") != {}
    assert counts["sessions"] == 1


def test_the_policy_is_configurable(db):
    sub = _user(db, "telegram:5")
    _row(db, "telegram:5", sub, "2026-11-20T09:30:00+08:00")
    assert prune(db, NOW, RetentionPolicy(finished_days=7), dry_run=True)["reminders"] == 1
    assert prune(db, NOW, RetentionPolicy(finished_days=30), dry_run=True)["reminders"] == 0
    s = Settings.from_env(
        {"LELING_RETAIN_FINISHED_DAYS": "30", "LELING_RETAIN_INACTIVE_DAYS": "180"}
    )
    assert (s.retain_finished_days, s.retain_inactive_days) == (30, 180)
    with pytest.raises(ConfigError, match="LELING_RETAIN_FINISHED_DAYS=0: a number of days"):
        Settings.from_env({"LELING_RETAIN_FINISHED_DAYS": "0"})


def test_leling_maintenance_prune(tmp_path, monkeypatch, capsys):
    from store.db import open_db

    monkeypatch.setenv("LELING_DB", str(tmp_path / "cli.db"))
    db = open_db(tmp_path / "cli.db")
    sub = _user(db, "telegram:6")
    _row(db, "telegram:6", sub, "2026-08-01T09:30:00+08:00")
    assert leling(["maintenance", "prune", "--dry-run", "--now", "2026-12-01T04:00"]) == 0
    assert capsys.readouterr().out == (
        "Would delete: 1 reminders (finished after 90 days, inactive after 365 days).\n"
    )
    assert leling(["maintenance", "prune", "--now", "2026-12-01T04:00", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["deleted"]["reminders"] == 1 and out["deleted"]["reminder_events"] == 1
    assert db["reminders"].count == 0
    db.conn.close()


def test_the_service_prunes_at_four_in_the_morning():
    assert seconds_until(time(4, 0), datetime(2026, 12, 1, 3, 59, tzinfo=TZ)) == 60
    assert seconds_until(time(4, 0), datetime(2026, 12, 1, 4, 0, tzinfo=TZ)) == 86400
