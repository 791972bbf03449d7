"""What the background senders share (the help desk's courier, the announcement courier): a
SQLite connection of their own, used on one worker thread of their own, and a loop that ticks
every `tick_seconds` until stopped, logging a failed tick and going on. And what the two
exactly-once senders (the reminder dispatcher, the announcement courier) do after a crash:
`recover_in_flight`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from store.db import open_db

log = logging.getLogger(__name__)


def recover_in_flight(
    db,
    recover: Callable,
    stale_before: datetime,
    in_flight: Collection[int],
    what: str,
) -> tuple[int, int]:
    """Resolve the rows a stopped process left in flight, with `recover(db, stale_before,
    in_flight)` (store/sending.py or store/announcement_rows.py; `in_flight`: the caller's own
    sends, left alone), and log each one made `unknown` — it is never sent again — by its id
    and idempotency key (ids only, no text). `what` names a row in the log ("reminder").
    Returns (released, unknown) counts."""
    released, unknown = recover(db, stale_before, in_flight)
    for row in unknown:
        log.warning(
            "%s %s (%s) was being sent when the process stopped; marked unknown and NOT sent again",
            what,
            row["id"],
            row["idem_key"],
        )
    if released:
        log.info("%d %s(s) from a stopped process returned to pending", released, what)
    return released, len(unknown)


class TickingWorker:
    """Subclasses call `_init_worker(...)` in `__init__` and define `async tick()`."""

    def _init_worker(self, db_path: str | Path, tick_seconds: float, name: str) -> None:
        self.db_path = Path(db_path)
        self.tick_seconds = tick_seconds
        self._name = name
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"leling-{name}")
        self._db = None
        self._task: asyncio.Task | None = None
        self._stopping = False

    async def _run(self, fn, *args):
        """`fn(db, *args)` on the worker's thread, with its connection (opened at first use)."""

        def call():
            if self._db is None:
                self._db = open_db(self.db_path)
            return fn(self._db, *args)

        return await asyncio.get_running_loop().run_in_executor(self._pool, call)

    def _start_loop(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._loop())

    async def _stop_loop(self) -> None:
        """Cancel the loop (the message in hand finishes), close the connection and the thread."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._db is not None:
            await self._run(lambda db: db.conn.close())
            self._db = None
        self._pool.shutdown(wait=True)

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s tick failed", self._name)
            await asyncio.sleep(self.tick_seconds)

    async def tick(self):  # pragma: no cover - every subclass defines it
        raise NotImplementedError
