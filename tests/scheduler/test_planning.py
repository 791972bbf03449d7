"""Planning: which reminders a subscription gets, and when."""

from __future__ import annotations

from datetime import datetime, timedelta

from schedkit import NOW, lecture, lesson, make_catalogue

from content.schedule import TZ
from scheduler.planning import drop_for_subscription, plan_for_subscription, replan_all
from scheduler.quiet import QuietHours
from store import reminders as outbox
from store import subscriptions, users

SERIES = {
    "rrule": "FREQ=WEEKLY;BYDAY=SA",
    "time": "19:30",
    "duration_minutes": 90,
    "start": "2026-09-05",
}


def due_times(db, sub_id=None) -> list[str]:
    return [
        r["due_at"]
        for r in outbox.list_rows(db, statuses=("pending",))
        if sub_id is None or r["subscription_id"] == sub_id
    ]


def sessions(db, sub_id) -> list[str]:
    return sorted(
        {
            r["occurrence"]
            for r in outbox.list_rows(db, statuses=("pending",))
            if r["subscription_id"] == sub_id
        }
    )


def test_one_off_lecture_gets_the_default_two_reminders(db, subscribe):
    cat = make_catalogue([lecture()])
    sub = subscribe()
    assert plan_for_subscription(db, cat, sub, NOW) == 2
    assert due_times(db) == ["2026-09-25T18:00:00+08:00", "2026-09-26T08:30:00+08:00"]
    row = outbox.list_rows(db)[0]
    assert (row["event_kind"], row["event_id"], row["occurrence"]) == (
        "lecture",
        "lec-teen",
        "2026-09-26T09:30:00+08:00",
    )
    assert row["idem_key"] == f"r:{sub['id']}:L:lec-teen:202609260930:-1d@18:00"


def test_planning_twice_changes_nothing(db, subscribe):
    cat = make_catalogue([lecture()])
    sub = subscribe()
    plan_for_subscription(db, cat, sub, NOW)
    before = outbox.list_rows(db)
    assert plan_for_subscription(db, cat, sub, NOW) == 2
    report = replan_all(db, cat, NOW)
    assert (report.inserted, report.updated, report.deleted, report.notices) == (0, 0, 0, 0)
    assert outbox.list_rows(db) == before


def test_a_series_is_planned_session_by_session_over_the_horizon(db, subscribe):
    cat = make_catalogue(
        [lecture("lec-series", schedule=SERIES, center=None, online_url="https://example.org/live")]
    )
    sub = subscribe(target="lec-series")
    assert plan_for_subscription(db, cat, sub, NOW) == 4
    # Series do not skip holidays (Oct 3 is in the National Day week); 14 days ahead at most.
    assert sessions(db, sub["id"]) == [f"2026-{d}T19:30:00+08:00" for d in ("09-26", "10-03")]


def test_a_lesson_reminds_every_session_but_skips_public_holidays(db, subscribe):
    cat = make_catalogue(lessons=[lesson()])
    sub = subscribe(kind="lesson", target="les-wechat")
    assert plan_for_subscription(db, cat, sub, NOW, horizon_days=35) == 8
    # Tuesday 2026-10-06 is National Day holiday: no class, no reminder.
    assert sessions(db, sub["id"]) == [
        f"2026-{d}T09:30:00+08:00" for d in ("09-29", "10-13", "10-20", "10-27")
    ]


def test_the_horizon_rolls_forward_with_daily_replanning(db, subscribe):
    cat = make_catalogue(lessons=[lesson()])
    sub = subscribe(kind="lesson", target="les-wechat")
    plan_for_subscription(db, cat, sub, NOW)
    assert sessions(db, sub["id"]) == ["2026-09-29T09:30:00+08:00"]  # 10-06 is a holiday
    report = replan_all(db, cat, NOW + timedelta(days=7))
    assert report.inserted == 2
    assert sessions(db, sub["id"])[-1] == "2026-10-13T09:30:00+08:00"


def test_a_filter_subscription_picks_up_future_matching_events(db, subscribe):
    cat = make_catalogue([lecture(), lecture("lec-other", topics=["防诈骗"])])
    sub = subscribe(
        kind="filter", filter={"event": "lecture", "district": "朝阳区", "topic": "亲子沟通"}
    )
    assert plan_for_subscription(db, cat, sub, NOW) == 2
    later = make_catalogue(
        [
            lecture(),
            lecture("lec-other", topics=["防诈骗"]),
            lecture("lec-new", starts_at="2026-10-05T14:00:00+08:00"),
        ]
    )
    report = replan_all(db, later, NOW)
    assert report.inserted == 2
    assert {r["event_id"] for r in outbox.list_rows(db)} == {"lec-teen", "lec-new"}


def test_a_lesson_filter_follows_the_app(db, subscribe):
    cat = make_catalogue(lessons=[lesson(), lesson("les-alipay", apps=["支付宝"])])
    sub = subscribe(kind="filter", filter={"event": "lesson", "app": "支付宝"})
    plan_for_subscription(db, cat, sub, NOW)
    assert {r["event_id"] for r in outbox.list_rows(db)} == {"les-alipay"}


def test_a_reminder_already_overdue_is_not_planned(db, subscribe):
    cat = make_catalogue([lecture()])
    sub = subscribe()
    evening = datetime(2026, 9, 25, 19, 0, tzinfo=TZ)
    assert plan_for_subscription(db, cat, sub, evening) == 1
    assert due_times(db) == ["2026-09-26T08:30:00+08:00"]


def test_custom_offsets_replace_the_defaults_and_replanning_follows_changes(db, subscribe):
    cat = make_catalogue([lecture()])
    sub = subscribe(offsets=["-120m"])
    assert plan_for_subscription(db, cat, sub, NOW) == 1
    assert due_times(db) == ["2026-09-26T07:30:00+08:00"]
    sub, _ = subscriptions.add(db, sub["user_id"], "lecture", "lec-teen", offsets=["-30m"])
    assert plan_for_subscription(db, cat, sub, NOW) == 1
    assert due_times(db) == ["2026-09-26T09:00:00+08:00"]


def test_quiet_hours_move_a_reminder_earlier_never_later(db, subscribe):
    cat = make_catalogue([lecture(starts_at="2026-09-26T07:30:00+08:00")])
    sub = subscribe(offsets=["-60m", "-90m", "-1d@21:30"])
    # 06:30, 06:00 and 21:30 the day before are all quiet: each moves to 20:59 — one reminder.
    assert plan_for_subscription(db, cat, sub, NOW) == 1
    assert due_times(db) == ["2026-09-25T20:59:00+08:00"]


def test_quiet_hours_are_per_user(db, subscribe):
    cat = make_catalogue([lecture(starts_at="2026-09-26T07:30:00+08:00")])
    sub = subscribe(offsets=["-60m"], quiet_start="23:00", quiet_end="06:00")
    plan_for_subscription(db, cat, sub, NOW)
    assert due_times(db) == ["2026-09-26T06:30:00+08:00"]
    users.update(db, sub["user_id"], quiet_start="21:00", quiet_end="07:00")
    assert replan_all(db, cat, NOW).updated == 1
    assert due_times(db) == ["2026-09-25T20:59:00+08:00"]


def test_quiet_hours_window_shapes():
    night = QuietHours("21:00", "07:00")
    at = datetime(2026, 9, 26, 6, 30, tzinfo=TZ)
    assert night.shift_earlier(at) == datetime(2026, 9, 25, 20, 59, tzinfo=TZ)
    assert night.end_after(at) == datetime(2026, 9, 26, 7, 0, tzinfo=TZ)
    assert night.shift_earlier(datetime(2026, 9, 26, 7, 0, tzinfo=TZ)).hour == 7
    assert night.contains(datetime(2026, 9, 25, 21, 0, tzinfo=TZ))
    nap = QuietHours("12:00", "14:00")
    assert nap.shift_earlier(datetime(2026, 9, 26, 13, 0, tzinfo=TZ)) == datetime(
        2026, 9, 26, 11, 59, tzinfo=TZ
    )
    assert not nap.contains(datetime(2026, 9, 26, 21, 0, tzinfo=TZ))
    assert not QuietHours("00:00", "00:00").contains(at)


def test_unsubscribing_drops_pending_reminders_at_once(db, subscribe):
    cat = make_catalogue([lecture()])
    sub = subscribe()
    plan_for_subscription(db, cat, sub, NOW)
    subscriptions.deactivate(db, sub["id"])
    assert drop_for_subscription(db, sub["id"]) == 2
    assert outbox.count_pending(db) == 0
    replan_all(db, cat, NOW)
    assert outbox.count_pending(db) == 0


def test_replanning_drops_reminders_of_subscriptions_stopped_elsewhere(db, subscribe):
    cat = make_catalogue([lecture()])
    sub = subscribe()
    plan_for_subscription(db, cat, sub, NOW)
    subscriptions.deactivate_all(db, sub["user_id"])
    assert replan_all(db, cat, NOW).dropped == 2
    assert plan_for_subscription(db, cat, subscriptions.get(db, sub["id"]), NOW) == 0


def test_an_inactive_user_gets_nothing_planned(db, subscribe):
    cat = make_catalogue([lecture()])
    sub = subscribe()
    users.set_active(db, sub["user_id"], False)
    assert plan_for_subscription(db, cat, sub, NOW) == 0
