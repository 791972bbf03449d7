"""scheduler/announce.py: delivery rows, quiet hours, weekly cap, opt-out, errors, stop, report."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest
from annkit import TZ, VOL, Clock, make_users, make_volunteer, recorder, tick

from scheduler.sender import PermanentSendError, TransientSendError
from store import announcement_rows as announce_rows
from store import announcements as ann
from store import desk_outbox, subscriptions, users

AFTERNOON = datetime(2026, 12, 4, 15, 0, tzinfo=TZ)  # a Friday afternoon


@pytest.fixture
def clock() -> Clock:
    return Clock(AFTERNOON)


@pytest.fixture
def path(db, tmp_path):
    return tmp_path / "leling.db"


def test_every_recipient_once_with_the_label_and_a_report(db, path, clock):
    make_volunteer(db)
    ids = make_users(db, 30)
    make_users(db, 5, district="东城区", start=5000)
    aid = ann.create(db, VOL, {"district": "朝阳区"}, "周六上午有义诊", at=clock())
    sender = recorder()
    tick(path, sender, clock)
    assert sorted(u for u, _ in sender.sent) == sorted(ids)
    text = sender.sent[0][1].text
    assert text == ann.preview(db, VOL, "周六上午有义诊", "zh")
    st = ann.status(db, aid, clock())
    assert (st["state"], st["total"], st["sent"], st["pending"]) == ("done", 30, 30, 0)
    # the volunteer is told, through the desk's outbox (their channel)
    reports = [r for r in desk_outbox.pending(db, 100) if r["kind"] == "announce_report"]
    assert [r["user_id"] for r in reports] == [VOL]
    assert "送达 30 人" in reports[0]["text"]
    # a second tick (or a second start) sends nothing more and reports nothing more
    tick(path, sender, clock)
    assert announce_rows.start_due(db, clock()) == []
    assert len(sender.sent) == 30
    assert len([r for r in desk_outbox.pending(db, 100) if r["kind"] == "announce_report"]) == 1


def test_scheduled_later_waits_and_can_be_cancelled(db, path, clock):
    make_users(db, 3)
    later = datetime(2026, 12, 5, 9, 0, tzinfo=TZ)
    keep = ann.create(db, "operator", {"all": True}, "明天见", at=later)
    drop = ann.create(db, "operator", {"all": True}, "作废", at=later)
    sender = recorder()
    tick(path, sender, clock)
    assert sender.sent == []
    assert ann.cancel(db, drop, "operator")
    clock.now = later
    tick(path, sender, clock, cap=0)
    assert Counter(m.text.splitlines()[1] for _, m in sender.sent) == {"明天见": 3}
    assert ann.cancel(db, keep, "operator") is False  # already started


def test_quiet_hours_defer_to_seven(db, path, clock):
    ids = make_users(db, 2)
    users.update(db, ids[1], quiet_start="22:30", quiet_end="06:00")  # their own quiet hours
    clock.now = datetime(2026, 12, 4, 21, 30, tzinfo=TZ)
    aid = ann.create(db, "operator", {"all": True}, "晚上发的", at=clock())
    sender = recorder()
    tick(path, sender, clock)
    assert [u for u, _ in sender.sent] == [ids[1]]  # 21:30 is not quiet for them
    st = ann.status(db, aid, clock())
    assert (st["sent"], st["deferred"], st["state"]) == (1, 1, "running")
    row = db.execute("SELECT due_at FROM deliveries WHERE user_id = ?", [ids[0]]).fetchone()
    assert row[0] == "2026-12-05T07:00:00+08:00"
    clock.now = datetime(2026, 12, 5, 6, 59, tzinfo=TZ)
    tick(path, sender, clock)
    assert len(sender.sent) == 1
    clock.now = datetime(2026, 12, 5, 7, 0, tzinfo=TZ)
    tick(path, sender, clock)
    assert sorted(u for u, _ in sender.sent) == sorted(ids)
    assert ann.status(db, aid, clock())["state"] == "done"


def test_weekly_cap_is_configurable(db, path, clock):
    (uid,) = make_users(db, 1)
    sender = recorder()
    got = []
    for day in range(4):  # four announcements in four days
        clock.now = AFTERNOON.replace(day=4 + day)
        aid = ann.create(db, "operator", {"all": True}, f"第{day + 1}条", at=clock())
        tick(path, sender, clock)
        got.append(ann.status(db, aid, clock()))
    assert [(s["sent"], s["capped"]) for s in got] == [(1, 0), (1, 0), (0, 1), (0, 1)]
    clock.now = AFTERNOON.replace(day=11, hour=16)  # a week after the first: one slot free
    aid = ann.create(db, "operator", {"all": True}, "一周后", at=clock())
    tick(path, sender, clock)
    assert ann.status(db, aid, clock())["sent"] == 1
    aid = ann.create(db, "operator", {"all": True}, "上限改成5", at=clock())
    tick(path, sender, clock, cap=5)
    assert ann.status(db, aid, clock())["sent"] == 1
    assert len(sender.sent) == 4 and uid


def test_opted_out_users_get_no_news_but_keep_reminders(db, path, clock):
    a, b = make_users(db, 2)
    subscriptions.add(db, a, "lecture", "lec-teen")
    ann.set_news(db, a, False)
    aid = ann.create(db, "operator", {"all": True}, "新闻", at=clock())
    sender = recorder()
    tick(path, sender, clock)
    assert [u for u, _ in sender.sent] == [b]
    st = ann.status(db, aid, clock())
    assert (st["sent"], st["opted_out"]) == (1, 1)
    assert subscriptions.count_active(db, a) == 1
    assert users.get(db, a)["active"] == 1


def test_403_blocks_the_user_and_other_errors_retry_then_fail(db, path, clock):
    a, b, c = make_users(db, 3)
    subscriptions.add(db, a, "lecture", "lec-teen")
    sender = recorder(
        fail={a: PermanentSendError("forbidden: bot was blocked"), b: TransientSendError("5xx")}
    )
    aid = ann.create(db, "operator", {"all": True}, "hi", at=clock())
    tick(path, sender, clock)
    st = ann.status(db, aid, clock())
    assert (st["sent"], st["blocked"], st["deferred"]) == (1, 1, 1)  # b waits for its retry
    assert users.get(db, a)["active"] == 0
    assert subscriptions.count_active(db, a) == 0
    for _ in range(5):  # the backoff is 10 s, 1 min, 5 min; then it has failed
        clock.advance(minutes=6)
        tick(path, sender, clock)
    st = ann.status(db, aid, clock())
    assert (st["sent"], st["blocked"], st["failed"], st["state"]) == (1, 1, 1, "done")
    assert [u for u, _ in sender.sent] == [c]
    err = db.execute("SELECT last_error FROM deliveries WHERE user_id = ?", [b]).fetchone()[0]
    assert "5xx" in err


def test_stop_a_running_announcement(db, path, clock):
    ids = make_users(db, 4)
    users.update(db, ids[0], quiet_start="14:00", quiet_end="16:00")  # deferred, still pending
    aid = ann.create(db, "operator", {"all": True}, "hi", at=clock())
    sender = recorder()
    tick(path, sender, clock)
    assert ann.stop(db, aid, "operator") is True
    clock.now = AFTERNOON.replace(hour=16, minute=5)
    tick(path, sender, clock)
    st = ann.status(db, aid, clock())
    assert (st["state"], st["sent"], st["stopped"]) == ("stopped", 3, 1)
    assert ids[0] not in [u for u, _ in sender.sent]


def test_rows_closed_without_a_send_are_kept_by_the_retention_policy(db, path, clock):
    from store import retention

    a, b = make_users(db, 2)
    ann.set_news(db, a, False)
    aid = ann.create(db, "operator", {"all": True}, "hi", at=clock())
    tick(path, recorder(), clock)
    retention.prune(db, now=clock())
    st = ann.status(db, aid, clock())
    assert (st["sent"], st["opted_out"], st["total"]) == (1, 1, 2)
