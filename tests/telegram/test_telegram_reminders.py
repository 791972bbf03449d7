"""Reminders through Telegram: the scheduler's dispatcher with the Telegram sender, as
`leling run` wires them, against the offline Bot API."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.channels.telegram_sender import TelegramSender
from scheduler.dispatcher import Dispatcher
from scheduler.planning import plan_for_subscription
from store import reminders as outbox
from store import subscriptions, users

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
def subscribed(db, catalogue):
    """Two Telegram users subscribed to the first scheduled lecture; the clock one hour and a
    minute before it starts (the 1-hour reminder is due)."""
    lecture = next(
        x
        for x in catalogue.lectures.values()
        if x.starts_at is not None and x.status == "scheduled"
    )
    now = lecture.starts_at - timedelta(minutes=59)
    plan_at = lecture.starts_at - timedelta(days=3)
    for chat in (42, 43):
        sub, _ = subscriptions.add(db, f"telegram:{chat}", "lecture", target_id=lecture.id)
        plan_for_subscription(db, catalogue, sub, plan_at)
    return lambda: now


async def _tick(db, tmp_path, bot, clock):
    dispatcher = Dispatcher(tmp_path / "leling.db", None, TelegramSender(bot), clock, rate_per_s=0)
    try:
        return await dispatcher.tick()
    finally:
        await dispatcher.close()


async def test_due_reminders_go_out_with_their_buttons(db, tmp_path, bot, api, subscribed):
    report = await _tick(db, tmp_path, bot, subscribed)
    assert report.sent == 2
    (call,) = api.sent(42)
    assert call.params["parse_mode"] == "HTML"
    rows = call.params["reply_markup"]["inline_keyboard"]
    assert [r[0]["callback_data"] for r in rows][0] == "/affirm"


async def test_a_user_who_blocked_the_bot_is_stopped_for_good(db, tmp_path, bot, api, subscribed):
    api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=43)
    report = await _tick(db, tmp_path, bot, subscribed)
    assert (report.sent, report.failed) == (1, 1)
    assert users.get(db, "telegram:43")["active"] == 0
    assert not subscriptions.active_for(db, "telegram:43")


async def test_a_429_is_retried_later(db, tmp_path, bot, api, subscribed):
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, chat_id=42)
    report = await _tick(db, tmp_path, bot, subscribed)
    assert (report.sent, report.retried) == (1, 1)
    pending = [r for r in outbox.list_rows(db, user_id="telegram:42") if r["status"] == "pending"]
    assert any(r["last_error"] and "retry after" in r["last_error"] for r in pending)
