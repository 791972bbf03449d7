"""The dispatcher: due rows go out once, late ones are marked, errors are handled."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from schedkit import NOW, lecture, make_catalogue

from content.schedule import TZ
from scheduler.dispatcher import Dispatcher
from scheduler.planning import plan_for_subscription
from scheduler.sender import PermanentSendError, RecordingSender, TransientSendError
from store import reminders as outbox
from store import subscriptions, users


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture
def dispatch(db_path, clock):
    """dispatch(sender=None, **kw) → (dispatcher, sender); closed after the test."""
    made = []

    def _make(sender=None, **kw):
        sender = sender or RecordingSender()
        d = Dispatcher(db_path, None, sender, clock, rate_per_s=0, **kw)
        made.append(d)
        return d, sender

    yield _make
    for d in made:
        d._pool.shutdown(wait=True)
        if d._db is not None:
            d._db.conn.close()


@pytest.fixture
def planned(db, subscribe):
    """One user subscribed to the lecture on Saturday 09:30, reminders planned."""
    sub = subscribe()
    plan_for_subscription(db, make_catalogue([lecture()]), sub, NOW)
    return sub


def statuses(db) -> dict[str, str]:
    return {r["due_at"][11:16]: r["status"] for r in outbox.list_rows(db)}


async def test_due_reminders_are_sent_once_with_text_and_buttons(db, planned, clock, dispatch):
    d, sender = dispatch()
    assert (await d.tick()).sent == 0  # nothing due at 10:00 on Friday
    clock.set(at("2026-09-25T18:00:00"))
    assert (await d.tick()).sent == 1
    assert (await d.tick()).sent == 0
    user, msg = sender.sent[0]
    assert user == "telegram:1"
    assert msg.text == (
        "提醒您：「青春期亲子沟通」明天(周六)上午9:30开始。\n"
        "地点：朝阳区家庭教育指导服务中心(朝阳区和平街12号)"
    )
    assert msg.buttons == (
        ("收到", "/affirm"),
        ("不去了，取消提醒", f'/unsubscribe{{"subscription_id":"{planned["id"]}"}}'),
    )
    assert all(len(p.encode()) <= 64 for _, p in msg.buttons)
    row = outbox.list_rows(db, statuses=("sent",))[0]
    assert (row["attempts"], row["late"], row["sent_at"]) == (1, 0, "2026-09-25T18:00:00+08:00")


async def test_english_users_get_english(db, subscribe, clock, dispatch):
    sub = subscribe(user_id="web:en", lang="en")
    plan_for_subscription(db, make_catalogue([lecture()]), sub, NOW)
    d, sender = dispatch()
    clock.set(at("2026-09-26T08:30:00"))
    await d.tick()
    text = sender.sent[-1][1].text
    assert text.startswith("Reminder: “Talking with teenagers” starts today at 9:30 am.")
    assert "Where: Chaoyang Family Education Center, 朝阳区和平街12号" in text
    assert [t for t, _ in sender.sent[-1][1].buttons] == ["Got it", "Not going — cancel"]


async def test_reminders_due_while_down_go_out_late_at_start_up(db, planned, clock, dispatch):
    d, sender = dispatch()
    clock.set(at("2026-09-26T07:00:00"))  # down from Friday 17:00 until Saturday 07:00
    report = await d.tick()
    assert (report.sent, report.late) == (1, 1)
    assert outbox.list_rows(db, statuses=("sent",))[0]["late"] == 1
    assert "今天上午9:30" in sender.sent[0][1].text
    clock.set(at("2026-09-26T08:30:00"))
    assert (await d.tick()).late == 0


async def test_a_backlog_for_one_session_sends_only_the_latest(db, planned, clock, dispatch):
    d, sender = dispatch()
    clock.set(at("2026-09-26T09:00:00"))
    report = await d.tick()
    assert (report.sent, report.skipped) == (1, 1)
    assert statuses(db) == {"18:00": "skipped", "08:30": "sent"}


async def test_nothing_is_sent_for_an_event_that_has_begun(db, planned, clock, dispatch):
    d, sender = dispatch()
    clock.set(at("2026-09-26T09:30:00"))
    assert (await d.tick()).expired == 2
    assert sender.sent == []


async def test_a_late_reminder_waits_out_quiet_hours(db, planned, clock, dispatch):
    d, sender = dispatch()
    clock.set(at("2026-09-25T23:00:00"))
    assert (await d.tick()).postponed == 1
    assert sender.sent == []
    assert statuses(db)["07:00"] == "pending"
    clock.set(at("2026-09-26T07:00:00"))
    assert (await d.tick()).sent == 1


async def test_transient_errors_retry_with_backoff(db, planned, clock, dispatch):
    sender = RecordingSender(fail={"telegram:1": TransientSendError("timeout")})
    d, _ = dispatch(sender)
    clock.set(at("2026-09-25T18:00:00"))
    assert (await d.tick()).retried == 1
    row = outbox.list_rows(db)[0]
    assert (row["status"], row["due_at"], row["attempts"]) == (
        "pending",
        "2026-09-25T18:00:30+08:00",
        1,
    )
    assert "timeout" in row["last_error"]
    clock.advance(seconds=10)
    assert (await d.tick()).sent == 0
    sender.fail.clear()
    clock.advance(seconds=20)
    assert (await d.tick()).sent == 1
    assert outbox.list_rows(db, statuses=("sent",))[0]["attempts"] == 2


async def test_retries_stop_when_they_run_out(db, planned, clock, dispatch):
    sender = RecordingSender(fail={"telegram:1": RuntimeError("boom")})
    d, _ = dispatch(sender, backoff=(timedelta(seconds=30),))
    clock.set(at("2026-09-25T18:00:00"))
    await d.tick()
    clock.advance(minutes=1)
    assert (await d.tick()).failed == 1
    assert outbox.list_rows(db, statuses=("failed",))[0]["attempts"] == 2


async def test_a_permanent_error_stops_the_users_subscriptions(
    db, planned, subscribe, clock, dispatch
):
    other = subscribe(target="lec-teen", kind="filter", filter={"topic": "亲子沟通"})
    plan_for_subscription(db, make_catalogue([lecture()]), other, NOW)
    sender = RecordingSender(fail={"telegram:1": PermanentSendError("bot was blocked")})
    d, _ = dispatch(sender)
    clock.set(at("2026-09-25T18:00:00"))
    report = await d.tick()
    assert report.failed >= 1 and report.sent == 0
    assert users.get(db, "telegram:1")["active"] == 0
    assert subscriptions.active_for(db, "telegram:1") == []
    assert outbox.count_pending(db) == 0


async def test_two_subscriptions_to_one_event_send_one_message(db, subscribe, clock, dispatch):
    cat = make_catalogue([lecture()])
    for sub in (subscribe(), subscribe(kind="filter", filter={"topic": "亲子沟通"})):
        plan_for_subscription(db, cat, sub, NOW)
    d, sender = dispatch()
    clock.set(at("2026-09-25T18:00:00"))
    report = await d.tick()
    assert (report.sent, report.skipped, len(sender.sent)) == (1, 1, 1)


async def test_a_crash_mid_send_is_never_resent_and_unattempted_rows_are_sent(
    db, planned, clock, dispatch
):
    clock.set(at("2026-09-26T08:30:00"))
    rows = outbox.due_rows(db, clock(), 10)  # a dispatcher read both …
    assert outbox.mark_attempt(db, rows[0]["id"], clock())  # … was sending one
    assert outbox.status_counts(db) == {"sending": 1, "pending": 1}  # … and died.
    clock.advance(minutes=5)
    d, sender = dispatch()
    report = await d.tick()
    assert (report.unknown, report.released, report.sent) == (1, 0, 1)
    assert statuses(db) == {"18:00": "unknown", "08:30": "sent"}
    assert (await d.tick()).sent == 0


async def test_rows_claimed_by_an_older_release_go_back_to_pending(db, planned, clock, dispatch):
    clock.set(at("2026-09-26T08:30:00"))
    db.execute("UPDATE reminders SET status = 'claimed', claimed_at = '2026-09-26T08:29:00+08:00'")
    db.conn.commit()
    clock.advance(minutes=5)
    d, sender = dispatch()
    report = await d.tick()
    assert (report.released, report.sent, report.skipped) == (2, 1, 1)
    assert statuses(db) == {"18:00": "skipped", "08:30": "sent"}


async def test_an_attempt_loses_to_a_row_moved_or_dropped_meanwhile(db, planned, clock):
    clock.set(at("2026-09-25T18:00:00"))
    row = outbox.due_rows(db, clock(), 10)[0]
    outbox.drop_for_subscription(db, planned["id"])  # unsubscribed after the read
    assert not outbox.mark_attempt(db, row["id"], clock())


async def test_dry_run_previews_without_sending(db, planned, clock, dispatch):
    d, sender = dispatch()
    clock.set(at("2026-09-25T18:00:00"))
    preview = await d.preview()
    assert len(preview) == 1 and preview[0][1].text.startswith("提醒您")
    assert sender.sent == [] and outbox.count_pending(db) == 2


async def test_after_downtime_each_user_gets_only_the_latest_reminder_across_batches(
    db, subscribe, clock, dispatch
):
    # The audit's reproduction, small: every user has two overdue reminders for one session;
    # batches of 3 split the pairs (all the 18:00 rows sort before all the 08:30 rows).
    cat = make_catalogue([lecture()])
    for i in range(20):
        plan_for_subscription(db, cat, subscribe(user_id=f"telegram:{i}"), NOW)
    clock.set(at("2026-09-26T08:40:00"))
    d, sender = dispatch(batch_size=3)
    report = await d.tick()
    assert (report.sent, report.skipped) == (20, 20)
    assert sorted(u for u, _ in sender.sent) == sorted(f"telegram:{i}" for i in range(20))
    assert set(statuses(db).values()) == {"sent", "skipped"}
    assert {r["due_at"][11:16] for r in outbox.list_rows(db, statuses=["sent"])} == {"08:30"}


async def test_a_reminder_covered_by_one_sent_before_a_restart_is_skipped(
    db, planned, clock, dispatch
):
    clock.set(at("2026-09-26T08:40:00"))
    rows = {r["due_at"][11:16]: r for r in outbox.due_rows(db, clock(), 10)}
    # A previous process sent the 08:30 reminder; the 18:00 one was put back for a retry.
    assert outbox.mark_attempt(db, rows["08:30"]["id"], clock())
    outbox.mark_sent(db, rows["08:30"]["id"], clock(), late=True)
    d, sender = dispatch()
    report = await d.tick()
    assert (report.sent, report.skipped, sender.sent) == (0, 1, [])


async def test_an_earlier_reminder_sent_yesterday_does_not_cover_todays(
    db, planned, clock, dispatch
):
    d, sender = dispatch()
    clock.set(at("2026-09-25T18:00:00"))
    assert (await d.tick()).sent == 1
    clock.set(at("2026-09-26T08:30:00"))
    assert (await d.tick()).sent == 1
    assert statuses(db) == {"18:00": "sent", "08:30": "sent"}


async def test_a_slow_send_is_not_marked_unknown_by_its_own_dispatcher(db, planned, clock):
    # A send that takes longer than `stale_after` (a slow network) is still this process's:
    # the next tick's recovery leaves it alone.
    clock.set(at("2026-09-25T18:00:00"))
    gate = asyncio.Event()

    class Slow(RecordingSender):
        async def send(self, user_id, message):
            await gate.wait()
            await super().send(user_id, message)

    d = Dispatcher(
        db.conn.execute("PRAGMA database_list").fetchone()[2],
        None,
        Slow(),
        clock,
        rate_per_s=0,
        stale_after=timedelta(0),
    )
    first = asyncio.create_task(d.tick())
    for _ in range(3000):  # until the send is under way
        if outbox.status_counts(db).get("sending") == 1:
            break
        await asyncio.sleep(0.01)
    assert outbox.status_counts(db).get("sending") == 1
    assert (await d.recover()).unknown == 0
    gate.set()
    assert (await first).sent == 1
    await d.close()
