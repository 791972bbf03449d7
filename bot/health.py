"""What `/healthz` knows: whether the event loop and the update pipeline are moving.

A heartbeat task on the event loop ticks every `interval` seconds; the Telegram update
processor reports each update it starts and finishes. `stalled()` names what is stuck: the
event loop when the heartbeat is older than `stall_after` (the loop was blocked), the updates
when one is in hand and none has started or finished for `stall_after` seconds, or when some
are queued and none was taken since a report first saw them waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

STALL_AFTER = 60.0


class Health:
    """Progress marks for the event loop and the updates, read by `/healthz`."""

    def __init__(
        self,
        stall_after: float = STALL_AFTER,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.stall_after, self.interval, self.clock = stall_after, interval, clock
        self.last_tick: float | None = None  # None: no heartbeat running (nothing to judge)
        self.last_progress = clock()
        self.in_flight = 0
        self.waiting_since: float | None = None  # when a report first saw the queue waiting

    def tick(self) -> None:
        """The event loop ran the heartbeat."""
        self.last_tick = self.clock()

    async def beat(self) -> None:
        """The heartbeat: tick every `interval` seconds until cancelled."""
        while True:
            self.tick()
            await asyncio.sleep(self.interval)

    def started(self) -> None:
        """An update began processing."""
        self.in_flight += 1
        self.last_progress = self.clock()

    def finished(self) -> None:
        """An update finished processing (answered or failed)."""
        self.in_flight = max(0, self.in_flight - 1)
        self.last_progress = self.clock()

    def stalled(self, queued: int = 0) -> list[str]:
        """What is stalled: "event loop", "updates" (empty when all is well)."""
        now = self.clock()
        out = []
        if self.last_tick is not None and now - self.last_tick > self.stall_after:
            out.append("event loop")
        self.waiting_since = (self.waiting_since or now) if queued > 0 else None
        if self.in_flight > 0:
            since = self.last_progress
        elif queued > 0:  # an idle service: count from when the queue was first seen waiting
            since = max(self.last_progress, self.waiting_since or now)
        else:
            since = now
        if now - since > self.stall_after:
            out.append("updates")
        return out
