"""Users, sessions, subscriptions and help requests on a real SQLite file."""

import pytest

from store import help_requests, sessions, subscriptions, users


def test_user_is_created_once_with_defaults(db):
    u = users.get_or_create(db, "telegram:42", lang="en")
    assert (u["channel"], u["lang"], u["active"], u["quiet_start"]) == (
        "telegram",
        "en",
        1,
        "21:00",
    )
    assert users.get_or_create(db, "telegram:42", lang="zh")["lang"] == "en"


def test_update_changes_only_the_named_fields_and_creates_the_user(db):
    u = users.update(db, "web:7", lang="en", home_district="朝阳区")
    assert (u["lang"], u["home_district"], u["quiet_start"]) == ("en", "朝阳区", "21:00")
    again = users.update(db, "web:7", prefer_voice=1)
    assert (again["lang"], again["prefer_voice"]) == ("en", 1)
    assert again["updated_at"] >= u["updated_at"]
    with pytest.raises(ValueError):
        users.update(db, "web:7", **{"lang] = 'x', [active": 0})
    assert users.get(db, "web:7")["lang"] == "en"


def test_session_state_round_trips_and_survives_reopen(db, tmp_path):
    sessions.save(db, "web:1", {"guide": {"id": "send_photo", "step": 3}, "lang": "zh"})
    from store.db import open_db

    again = open_db(tmp_path / "leling.db")
    assert sessions.load(again, "web:1") == {"guide": {"id": "send_photo", "step": 3}, "lang": "zh"}
    assert sessions.load(again, "web:2") == {}


def test_subscribing_twice_is_one_subscription(db):
    a, created = subscriptions.add(db, "t:1", "lecture", "lec-1")
    b, created_again = subscriptions.add(db, "t:1", "lecture", "lec-1")
    assert created and not created_again and a["id"] == b["id"]
    assert a["offsets"] == list(subscriptions.DEFAULT_OFFSETS)


def test_filter_subscription_and_unsubscribe(db):
    f, _ = subscriptions.add(db, "t:1", "filter", filter={"event": "lecture", "district": "朝阳区"})
    assert f["filter"] == {"event": "lecture", "district": "朝阳区"}
    assert subscriptions.deactivate(db, f["id"]) is True
    assert subscriptions.deactivate(db, f["id"]) is False
    assert subscriptions.active_for(db, "t:1") == []


def test_inactive_users_are_not_planned_for(db):
    subscriptions.add(db, "t:1", "lesson", "les-1")
    subscriptions.add(db, "t:2", "lesson", "les-1")
    users.set_active(db, "t:2", False, reason="blocked")
    assert [s["user_id"] for s in subscriptions.all_active(db)] == ["t:1"]


def test_export_and_forget_cover_every_table(db):
    subscriptions.add(db, "t:1", "lesson", "les-1")
    sessions.save(db, "t:1", {"x": 1})
    help_requests.create(db, "t:1", "stuck", {"guide": "send_photo", "step": 2})
    doc = users.export(db, "t:1")
    assert doc["user"]["id"] == "t:1" and doc["session"]["state"] == {"x": 1}
    assert len(doc["subscriptions"]) == 1 and len(doc["help_requests"]) == 1
    counts = users.forget(db, "t:1")
    assert counts["users"] == 1 and counts["subscriptions"] == 1
    assert users.get(db, "t:1") is None and users.export(db, "t:1")["subscriptions"] == []


def test_help_request_keeps_its_context(db):
    rid = help_requests.create(
        db, "t:1", "stuck", {"asked": "我卡住了", "guide": "scan_to_pay", "step": 4}
    )
    [req] = help_requests.open_requests(db)
    assert req["id"] == rid and req["context"]["step"] == 4
    help_requests.close(db, rid)
    assert help_requests.open_requests(db) == []
