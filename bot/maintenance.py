"""The service's daily housekeeping: the retention policy at 04:00 Beijing time.

04:00 is inside everyone's default quiet hours and after the 03:30 re-plan, so nothing is being
sent and nothing waits on the database for long.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, time, timedelta

from content.schedule import TZ

log = logging.getLogger(__name__)

PRUNE_AT = time(4, 0)


def seconds_until(at: time, now: datetime) -> float:
    """Seconds from `now` to the next `at` (Beijing time)."""
    now = now.astimezone(TZ)
    nxt = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if nxt <= now:
        nxt += timedelta(days=1)
    return (nxt - now).total_seconds()


async def prune_daily(services, stop: asyncio.Event, at: time = PRUNE_AT, clock=None) -> None:
    """Until `stop`: every day at `at`, apply the retention policy on the database thread."""
    from bot.commands.maintenance import policy_of
    from store.retention import prune

    clock = clock or (lambda: datetime.now(TZ))
    policy = policy_of(services.settings)
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds_until(at, clock()))
        if stop.is_set():
            return
        try:
            counts = await services.run(prune, services.db, clock(), policy)
            log.info("retention: %s", {k: v for k, v in counts.items() if v} or "nothing to delete")
        except Exception:
            log.exception("retention: pruning failed; trying again tomorrow")
