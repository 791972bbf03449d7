"""The dispatcher under APScheduler, as `leling run` starts it."""

from __future__ import annotations

import asyncio
from datetime import datetime

from schedkit import lecture, make_catalogue

from content.schedule import TZ
from scheduler.dispatcher import Dispatcher
from scheduler.sender import RecordingSender
from store import reminders as outbox


async def test_start_replans_then_ticks_and_stop_is_clean(db, db_path, subscribe, clock):
    subscribe()  # subscribed, but nothing planned yet: start-up planning must catch up
    clock.set(datetime(2026, 9, 25, 18, 0, tzinfo=TZ))
    sender = RecordingSender()
    d = Dispatcher(
        db_path,
        lambda _db: make_catalogue([lecture()]),
        sender,
        clock,
        rate_per_s=0,
        tick_seconds=0.05,
    )
    scheduler = await d.start()
    try:
        tick = scheduler.get_job("leling.reminders.tick")
        assert (tick.misfire_grace_time, tick.coalesce, tick.max_instances) == (None, True, 1)
        assert scheduler.get_job("leling.reminders.replan").misfire_grace_time is None
        assert scheduler.get_job("leling.db.checkpoint") is not None  # off the request path
        for _ in range(400):
            if sender.sent:
                break
            await asyncio.sleep(0.01)
    finally:
        await d.stop()
    assert len(sender.sent) == 1
    assert sender.sent[0][1].text.startswith("提醒您：「青春期亲子沟通」明天(周六)上午9:30")
    assert [r["status"] for r in outbox.list_rows(db)] == ["sent", "pending"]
    assert not scheduler.running
