"""store/announcements.py: audiences, counts, the label, create/cancel/stop/status, opt-out."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from content.load import import_dir
from store import announcements as ann
from store import audit, subscriptions, users, volunteers

TZ = ZoneInfo("Asia/Shanghai")
SAMPLE = Path(__file__).resolve().parents[2] / "content" / "data"
VOL = "telegram:700"


@pytest.fixture
def people(db):
    """A catalogue, a volunteer and a few users in districts, with subscriptions."""
    assert import_dir(db, SAMPLE).ok
    code = volunteers.invite(db, "telegram:1", org="东城区乐龄学习中心", name="王")
    volunteers.redeem(db, VOL, code)
    for i in range(5):
        users.get_or_create(db, f"telegram:{i + 10}")
        users.update(db, f"telegram:{i + 10}", home_district="朝阳区" if i < 3 else "东城区")
    users.get_or_create(db, "web:w1")
    users.update(db, "web:w1", home_district="朝阳区")
    users.get_or_create(db, "terminal:t1")  # cannot be pushed to
    users.update(db, "terminal:t1", home_district="朝阳区")
    users.get_or_create(db, "telegram:99")
    users.update(db, "telegram:99", home_district="朝阳区")
    users.set_active(db, "telegram:99", False, reason="blocked")
    subscriptions.add(db, "telegram:10", "lecture", "lec-chaoyang-parent-school")
    subscriptions.add(db, "telegram:13", "lesson", "les-dongcheng-114-1")
    subscriptions.add(db, "web:w1", "filter", filter={"event": "lecture", "topic": "青春期"})
    return db


def test_parse_audience_forms():
    assert ann.parse_audience("district=朝阳区") == {"district": "朝阳区"}
    assert ann.parse_audience("all") == {"all": True}
    assert ann.parse_audience(" lesson = les-1 ") == {"lesson": "les-1"}
    for bad in ("", "district=", "planet=mars", "朝阳区"):
        with pytest.raises(ann.AudienceError):
            ann.parse_audience(bad)


def test_counts_by_audience(people):
    db = people
    # all: active users of a push channel (not terminal, not blocked)
    assert ann.count_recipients(db, {"all": True}) == 6
    assert ann.count_recipients(db, {"district": "朝阳区"}) == 4
    assert ann.count_recipients(db, {"district": "海淀区"}) == 0
    assert ann.count_recipients(db, {"lecture": "lec-chaoyang-parent-school"}) == 1
    assert ann.count_recipients(db, {"lesson": "les-dongcheng-114-1"}) == 1
    assert ann.count_recipients(db, {"center": "fe-chaoyang"}) == 1
    assert ann.count_recipients(db, {"center": "lc-dongcheng-1"}) == 1
    assert ann.count_recipients(db, {"topic": "家校共育"}) == 1  # via the lecture's topics
    assert ann.count_recipients(db, {"topic": "青春期"}) == 1  # via a filter subscription
    # an opted-out user is still counted (reported as opted_out)
    ann.set_news(db, "telegram:10", False)
    assert ann.count_recipients(db, {"district": "朝阳区"}) == 4


def test_preview_has_the_label(people):
    text = ann.preview(people, VOL, "  周六上午有义诊 ", "zh")
    assert text.splitlines()[0] == "【东城区乐龄学习中心 · 志愿者王】"
    assert text.splitlines()[1] == "周六上午有义诊"
    assert "不要再发通知了" in text
    en = ann.preview(people, VOL, "Free check-up on Saturday", "en")
    assert en.startswith("【东城区乐龄学习中心 · Volunteer 王】\nFree check-up")
    assert ann.preview(people, "operator", "x", "zh").startswith("【乐龄伴学】\n")
    with pytest.raises(ValueError):
        ann.preview(people, VOL, "   ", "zh")
    with pytest.raises(ValueError):
        ann.preview(people, VOL, "长" * (ann.MAX_TEXT + 1), "zh")


def test_create_cancel_and_audit(people):
    db = people
    later = datetime.now(TZ) + timedelta(days=1)
    aid = ann.create(db, VOL, {"district": "朝阳区"}, "周六上午有义诊", at=later)
    st = ann.status(db, aid)
    assert st["state"] == "scheduled"
    assert st["total"] == st["pending"] == 4
    assert st["sent"] == 0 and st["label"]["zh"] == "【东城区乐龄学习中心 · 志愿者王】"
    assert [a["id"] for a in ann.list_recent(db)] == [aid]
    assert ann.cancel(db, aid, VOL) is True
    assert ann.cancel(db, aid, VOL) is False
    assert ann.status(db, aid)["state"] == "cancelled"
    actions = [
        (e["actor"], e["action"]) for e in audit.entries(db) if "announcement" in e["action"]
    ]
    assert actions == [(VOL, "announcement.create"), (VOL, "announcement.cancel")]
    # no announcement text in the audit log
    assert not [e for e in audit.entries(db) if "义诊" in e["detail"]]
    with pytest.raises(LookupError):
        ann.status(db, 12345)


def test_stop_only_running(people):
    db = people
    aid = ann.create(db, VOL, {"all": True}, "hello")
    assert ann.stop(db, aid, VOL) is False  # not running yet
    db.execute("UPDATE announcements SET status = 'running' WHERE id = ?", [aid])
    db.execute(
        "INSERT INTO deliveries (announcement_id, user_id, idem_key, status, due_at)"
        " VALUES (?, 'telegram:10', 'a:x', 'pending', '2026-01-01T00:00:00+08:00')",
        [aid],
    )
    db.conn.commit()
    assert ann.stop(db, aid, VOL) is True
    st = ann.status(db, aid)
    assert st["state"] == "stopped" and st["stopped"] == 1 and st["pending"] == 0


def test_bad_input(people):
    with pytest.raises(ann.AudienceError):
        ann.create(people, VOL, {"district": "朝阳区", "all": True}, "x")
    with pytest.raises(ValueError):
        ann.create(people, VOL, {"all": True}, "x", at=datetime(2026, 12, 4, 9, 0))  # naive


def test_news_opt_out_and_back(people):
    db = people
    assert ann.set_news(db, "telegram:11", False) is True
    assert ann.set_news(db, "telegram:11", False) is False
    assert users.get(db, "telegram:11")["news_off"] == 1
    assert ann.set_news(db, "telegram:11", True) is True
    assert users.get(db, "telegram:11")["news_off"] == 0


def test_can_announce(people):
    assert ann.can_announce(people, VOL)
    assert ann.can_announce(people, "telegram:1", admins=("telegram:1",))
    assert not ann.can_announce(people, "telegram:10")
    volunteers.revoke(people, "telegram:1", VOL)
    assert not ann.can_announce(people, VOL)
