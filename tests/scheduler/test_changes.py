"""Catalogue changes: one plain notice per subscriber, then re-planned reminders."""

from __future__ import annotations

from datetime import datetime

import pytest
from schedkit import NOW, lecture, lesson, make_catalogue

from content.schedule import TZ
from scheduler.dispatcher import Dispatcher
from scheduler.planning import plan_for_subscription, replan_all
from scheduler.sender import RecordingSender
from store import reminders as outbox


def notices(db) -> list[dict]:
    return [r for r in outbox.list_rows(db) if r["kind"] == "notice"]


async def send_all(db_path, clock) -> list[str]:
    sender = RecordingSender()
    d = Dispatcher(db_path, None, sender, clock, rate_per_s=0)
    try:
        await d.tick()
    finally:
        await d.close()
    return [m.text for _, m in sender.sent]


@pytest.fixture
def teen(db, subscribe):
    sub = subscribe()
    plan_for_subscription(db, make_catalogue([lecture()]), sub, NOW)
    return sub


async def test_a_cancelled_lecture_is_announced_once(db, db_path, teen, clock):
    cancelled = make_catalogue([lecture(status="cancelled")])
    assert replan_all(db, cancelled, NOW).notices == 1
    assert replan_all(db, cancelled, NOW).notices == 0
    assert outbox.count_pending(db, teen["id"]) == 1  # the notice; the reminders are gone
    assert await send_all(db_path, clock) == [
        "通知：「青春期亲子沟通」明天(周六)上午9:30的活动已取消。"
    ]
    replan_all(db, cancelled, NOW)
    assert await send_all(db_path, clock) == []


async def test_a_moved_lecture_is_announced_once_and_replanned(db, db_path, teen, clock):
    moved = make_catalogue([lecture(starts_at="2026-09-27T14:00:00+08:00")])
    report = replan_all(db, moved, NOW)
    assert (report.notices, report.inserted - report.notices) == (1, 2)
    replan_all(db, moved, NOW)
    (texts,) = [await send_all(db_path, clock)]
    assert texts == [
        "通知：「青春期亲子沟通」改到后天(周日)下午2:00。\n"
        "地点：朝阳区家庭教育指导服务中心(朝阳区和平街12号)"
    ]
    pending = outbox.list_rows(db, statuses=("pending",))
    assert {r["occurrence"] for r in pending} == {"2026-09-27T14:00:00+08:00"}
    assert len(pending) == 2


async def test_a_removed_lecture_is_announced_from_the_snapshot(db, db_path, teen, clock):
    replan_all(db, make_catalogue([]), NOW)
    assert await send_all(db_path, clock) == [
        "通知：「青春期亲子沟通」明天(周六)上午9:30的活动已取消。"
    ]


async def test_a_change_after_the_first_reminder_went_out_is_still_announced(
    db, db_path, teen, clock
):
    clock.set(datetime(2026, 9, 25, 18, 0, tzinfo=TZ))
    assert len(await send_all(db_path, clock)) == 1
    cancelled = make_catalogue([lecture(status="cancelled")])
    replan_all(db, cancelled, clock())
    clock.set(datetime(2026, 9, 25, 20, 0, tzinfo=TZ))
    assert await send_all(db_path, clock) == [
        "通知：「青春期亲子沟通」明天(周六)上午9:30的活动已取消。"
    ]


def test_a_lesson_time_change_sends_one_notice_not_one_per_session(db, subscribe):
    sub = subscribe(kind="lesson", target="les-wechat")
    plan_for_subscription(db, make_catalogue(lessons=[lesson()]), sub, NOW)
    later = lesson(reschedule={"time": "10:00"})
    assert replan_all(db, make_catalogue(lessons=[later]), NOW).notices == 1
    (notice,) = notices(db)
    assert notice["occurrence"] == "2026-09-29T10:00:00+08:00"
    assert '"change":"moved"' in notice["message"]
    assert {
        r["occurrence"][11:16]
        for r in outbox.list_rows(db, statuses=("pending",))
        if r["kind"] == "reminder"
    } == {"10:00"}


def test_one_dropped_lesson_session_is_announced_as_such(db, subscribe):
    sub = subscribe(kind="lesson", target="les-wechat")
    # 35 days: several sessions planned, one of them dropped.
    plan_for_subscription(db, make_catalogue(lessons=[lesson()]), sub, NOW, horizon_days=35)
    skipped = lesson(reschedule={"exdates": ["2026-10-13"]})
    assert replan_all(db, make_catalogue(lessons=[skipped]), NOW, horizon_days=35).notices == 1
    (notice,) = notices(db)
    assert '"change":"session_cancelled"' in notice["message"]
    assert outbox.count_pending(db, sub["id"]) == 1 + 6


def test_a_cancelled_lesson_is_announced_once_for_all_its_sessions(db, subscribe):
    sub = subscribe(kind="lesson", target="les-wechat")
    plan_for_subscription(db, make_catalogue(lessons=[lesson()]), sub, NOW)
    gone = make_catalogue(lessons=[lesson(status="cancelled")])
    assert replan_all(db, gone, NOW).notices == 1
    assert replan_all(db, gone, NOW).notices == 0
    assert '"change":"series_cancelled"' in notices(db)[0]["message"]
    assert outbox.count_pending(db, sub["id"]) == 1


def test_every_subscriber_gets_their_own_notice(db, subscribe):
    cat = make_catalogue([lecture()])
    for uid in ("telegram:1", "telegram:2", "web:3"):
        plan_for_subscription(db, cat, subscribe(user_id=uid), NOW)
    assert replan_all(db, make_catalogue([lecture(status="cancelled")]), NOW).notices == 3


def test_an_event_that_stops_matching_a_filter_is_dropped_quietly(db, subscribe):
    sub = subscribe(kind="filter", filter={"event": "lecture", "topic": "亲子沟通"})
    plan_for_subscription(db, make_catalogue([lecture()]), sub, NOW)
    retagged = make_catalogue([lecture(topics=["防诈骗"])])
    report = replan_all(db, retagged, NOW)
    assert (report.notices, report.deleted) == (0, 2)


def test_a_notice_in_quiet_hours_waits_for_the_morning(db, subscribe):
    sub = subscribe()
    plan_for_subscription(db, make_catalogue([lecture()]), sub, NOW)
    night = datetime(2026, 9, 25, 22, 0, tzinfo=TZ)
    replan_all(db, make_catalogue([lecture(status="cancelled")]), night)
    assert notices(db)[0]["due_at"] == "2026-09-26T07:00:00+08:00"


async def test_two_subscriptions_to_a_cancelled_event_get_one_notice(db, db_path, subscribe, clock):
    cat = make_catalogue([lecture()])
    for sub in (subscribe(), subscribe(kind="filter", filter={"topic": "亲子沟通"})):
        plan_for_subscription(db, cat, sub, NOW)
    assert replan_all(db, make_catalogue([lecture(status="cancelled")]), NOW).notices == 2
    assert len(await send_all(db_path, clock)) == 1
