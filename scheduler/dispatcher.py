"""The dispatcher: sends due outbox rows through a `Sender`, at a steady rate, never twice.

SQLite is the source of truth; APScheduler only ticks. Every `tick_seconds` an
`AsyncIOScheduler` interval job (coalesce, `misfire_grace_time=None`, one instance) kicks
`tick()`, which reads due rows batch after batch (nothing is claimed: they stay `pending`) and
for each one:

1. expires it if the event has already begun (never sent) or the user is inactive; skips it when
   it is covered (a reminder closer to the same session is due or went out, or the same notice
   came through another subscription — across batches and restarts, see `store.reminders`);
   when it is late and the user is in quiet hours, moves it to the end of the quiet hours;
2. waits for a send slot (rate, `concurrency`, and the sender's own `wait_ready` when it has
   one, e.g. Telegram's flood-wait), then records the attempt and commits (pending → sending)
   immediately BEFORE the request goes out;
3. sends, then marks it sent (late when more than `late_after` past due) at once.

So a row is `sending` only while its request is on the wire, and at most `concurrency` rows are.
A process killed then leaves those rows `sending`: the next dispatcher (after `stale_after`)
marks them `unknown`, logs each one, and never sends them again — the request may or may not
have reached the user, and a possible lost message is better than a duplicate. Everything not
yet attempted is still `pending` and goes out after the restart. Only one dispatcher should run
against a database (like APScheduler's own rule about job stores); a second one (e.g.
`leling reminders run`) cannot double a message, because the pending → sending step is
conditional, but it would mark the first one's long sends `unknown` after `stale_after`.

All database work runs on one worker thread with its own connection, off the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time, timedelta
from pathlib import Path

from content.schedule import TZ
from scheduler.messages import render
from scheduler.planning import HORIZON_DAYS, replan_all
from scheduler.sender import OutboundMessage, PermanentSendError, RateLimitedError, Sender
from scheduler.triage import TickReport, triage
from scheduler.worker import recover_in_flight
from store import reminders as outbox
from store import sending
from store import subscriptions as subs_store
from store import users as users_store
from store.db import checkpoint, open_db

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
FLOOD_RETRIES = 10  # 429s in a row before a reminder is failed
BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
)


CHECKPOINT_SECONDS = 5  # how often the WAL is checkpointed off the request path


def system_clock() -> datetime:
    """The current time in Asia/Shanghai."""
    return datetime.now(TZ)


class Dispatcher:
    """Sends what is due. `catalogue_loader(db) -> Catalogue` is used for re-planning (at start-up
    and daily); `clock()` returns aware datetimes; `rate_per_s` caps sends per second
    (0 = unlimited); `concurrency` bounds sends in flight at once."""

    def __init__(
        self,
        db_path: str | Path,
        catalogue_loader: Callable | None,
        sender: Sender,
        clock: Clock = system_clock,
        rate_per_s: float = 25.0,
        *,
        tick_seconds: float = 2.0,
        concurrency: int = 8,
        batch_size: int | None = None,
        stale_after: timedelta = timedelta(seconds=60),
        late_after: timedelta = timedelta(minutes=2),
        backoff=BACKOFF,
        replan_at: time = time(3, 30),
        horizon_days: int = HORIZON_DAYS,
    ):
        self.db_path = Path(db_path)
        self.catalogue_loader = catalogue_loader
        self.sender = sender
        self.clock = clock
        self.rate_per_s = rate_per_s
        self.tick_seconds = tick_seconds
        self.batch_size = batch_size or max(1, int(rate_per_s or 100))
        self.stale_after = stale_after
        self.late_after = late_after
        self.backoff = tuple(backoff)
        self.replan_at = replan_at
        self.horizon_days = horizon_days
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="leling-outbox")
        self._db = None
        self._sem = asyncio.Semaphore(max(1, concurrency))
        self._inflight: set[int] = set()  # ids of rows this dispatcher has `sending`
        self._next_slot = 0.0
        self._task: asyncio.Task | None = None
        self._scheduler = None
        self._own_scheduler = False
        self._stopping = False

    # -- the worker thread ----------------------------------------------------------------

    def _conn(self):
        if self._db is None:
            self._db = open_db(self.db_path)
        return self._db

    async def _run(self, fn, *args, **kwargs):
        """Run `fn(db, *args)` on the database thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, lambda: fn(self._conn(), *args, **kwargs))

    # -- planning -------------------------------------------------------------------------

    async def replan(self):
        """Reload the catalogue and re-plan every subscription (start-up, daily)."""
        if self.catalogue_loader is None:
            return None
        now = self.clock()

        def work(db):
            return replan_all(db, self.catalogue_loader(db), now, horizon_days=self.horizon_days)

        return await self._run(work)

    # -- sending --------------------------------------------------------------------------

    async def recover(self) -> TickReport:
        """Resolve rows a dead dispatcher left in flight (attempted before `stale_after`)."""
        released, unknown = await self._run(
            recover_in_flight,
            sending.recover,
            self.clock() - self.stale_after,
            tuple(self._inflight),
            "reminder",
        )
        return TickReport(released=released, unknown=unknown)

    async def tick(self, *, follow: bool = False) -> TickReport:
        """Send everything due now, batch after batch, until nothing is due.

        `follow` (used under the scheduler, with a real clock): when the next row falls due
        within `tick_seconds`, wait for it instead of returning, so a steady stream of due rows
        goes out on time rather than at the next tick.
        """
        report = await self.recover()
        after = None  # (due_at, id) of the last row handled: each row is looked at once a tick
        while not self._stopping:
            rows = await self._run(sending.due_rows, self.clock(), self.batch_size, after)
            if rows:
                after = (rows[-1]["due_at"], rows[-1]["id"])
                report.add(await self._process(rows))
                continue
            nxt = await self._run(sending.next_due_at, after) if follow else None
            if nxt is None:
                break
            wait = (datetime.fromisoformat(nxt) - self.clock()).total_seconds()
            if wait > self.tick_seconds:
                break
            await asyncio.sleep(max(wait, 0.05))
        if report.sent or report.failed or report.expired or report.unknown:
            log.info("reminders tick: %s", {k: v for k, v in report.as_dict().items() if v})
        return report

    async def preview(self, limit: int = 1000) -> list[tuple[dict, OutboundMessage]]:
        """What `tick()` would send now, without changing anything (`--dry-run`)."""
        now = self.clock()
        rows = await self._run(sending.due_rows, now, limit)
        send, _expire, _skip, _later = triage(rows, now, self.late_after, TickReport())
        return [
            (
                r,
                render(
                    r["kind"], r["message"], r["subscription_id"], now, r["lang"], r["idem_key"]
                ),
            )
            for r in send
        ]

    async def _process(self, rows: list[dict]) -> TickReport:
        report = TickReport()
        send, expire, skip, later = triage(rows, self.clock(), self.late_after, report)
        for why in {r["why"] for r in expire}:
            ids = [r["id"] for r in expire if r["why"] == why]
            log.info("reminder(s) %s not sent: %s", ids, why)
            await self._run(sending.finish, ids, "expired", why, only_pending=True)
        if skip:
            await self._run(
                sending.finish,
                [r["id"] for r in skip],
                "skipped",
                "covered by another reminder for the same session",
                only_pending=True,
            )
        for due, ids in later.items():
            await self._run(sending.postpone, ids, due)
        blocked: set[str] = set()
        tasks = []
        for r in send:
            if self._stopping:
                break  # the rest stay pending for the next start
            await self._pace()
            await self._sem.acquire()
            tasks.append(asyncio.create_task(self._deliver(r, blocked, report)))
        await asyncio.gather(*tasks)
        return report

    async def pace(self) -> None:
        """Wait for the next send slot; other senders (the help desk, announcements) call this
        too, so everything shares one rate and reminders are never starved."""
        await self._pace()

    async def _pace(self) -> None:
        if not self.rate_per_s:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._next_slot)
        self._next_slot = slot + 1.0 / self.rate_per_s
        if slot > now:
            await asyncio.sleep(slot - now)

    async def _deliver(self, row: dict, blocked: set[str], report: TickReport) -> None:
        try:
            if row["user_id"] in blocked:
                await self._run(
                    sending.finish, [row["id"]], "failed", "user blocked the bot", only_pending=True
                )
                report.failed += 1
                return
            try:
                message = render(
                    row["kind"],
                    row["message"],
                    row["subscription_id"],
                    self.clock(),
                    row["lang"],
                    row["idem_key"],
                )
            except (TypeError, ValueError, KeyError) as exc:
                log.exception("reminder %s cannot be rendered; giving up on it", row["id"])
                await self._run(
                    sending.finish,
                    [row["id"]],
                    "failed",
                    f"cannot render: {exc}",
                    only_pending=True,
                )
                report.failed += 1
                return
            ready = getattr(self.sender, "wait_ready", None)
            if ready is not None:
                await ready(row["user_id"])  # e.g. a flood-wait: not on the wire yet
            now = self.clock()
            if row["occurrence"] <= outbox.iso(now):
                await self._run(
                    sending.finish, [row["id"]], "expired", "the event had begun", only_pending=True
                )
                report.expired += 1
                return
            if not await self._run(sending.mark_attempt, row["id"], now):
                return  # sent, moved or dropped by someone else meanwhile
            self._inflight.add(row["id"])
            try:
                await self.sender.send(row["user_id"], message)
            except PermanentSendError as exc:
                blocked.add(row["user_id"])
                report.failed += 1
                await self._run(self._block_user, row, str(exc))
                return
            except Exception as exc:  # any other failure is worth a retry
                await self._retry(row, exc, report)
                return
            done = self.clock()
            late = done - datetime.fromisoformat(row["due_at"]) > self.late_after
            await self._run(sending.mark_sent, row["id"], done, late)
            report.sent += 1
            report.late += int(late)
        finally:
            self._inflight.discard(row["id"])
            self._sem.release()

    async def _retry(self, row: dict, exc: Exception, report: TickReport) -> None:
        attempts = row["attempts"] + 1
        error = f"{type(exc).__name__}: {exc}"
        when = self.clock() + self.backoff[min(attempts, len(self.backoff)) - 1]
        if isinstance(exc, RateLimitedError) and attempts <= FLOOD_RETRIES:
            # A 429 (e.g. while an announcement shares the rate): due again as soon as the
            # flood-wait the sender now holds has passed, not after the 30 s backoff.
            when = self.clock() + timedelta(seconds=exc.retry_after)
        elif attempts > len(self.backoff) or outbox.iso(when) >= row["occurrence"]:
            log.warning(
                "reminder %s failed for good after %d attempt(s): %s", row["id"], attempts, error
            )
            await self._run(sending.finish, [row["id"]], "failed", error)
            report.failed += 1
            return
        log.info("reminder %s: %s; retrying at %s", row["id"], error, outbox.iso(when))
        await self._run(sending.retry_at, row["id"], when, error)
        report.retried += 1

    @staticmethod
    def _block_user(db, row: dict, error: str) -> None:
        """The user can never be reached: stop everything for them."""
        sending.finish(db, [row["id"]], "failed", error)
        n = subs_store.deactivate_all(db, row["user_id"])
        dropped = outbox.drop_for_user(db, row["user_id"])
        users_store.set_active(db, row["user_id"], False, reason=error)
        log.warning(
            "user %s unreachable (%s): %d subscription(s) stopped, %d reminder(s) dropped",
            row["user_id"],
            error,
            n,
            dropped,
        )

    # -- running under APScheduler --------------------------------------------------------

    async def _kick(self) -> None:
        """The interval job: start a tick unless one is still running (never overlaps)."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._guarded(self._follow))

    async def _follow(self) -> TickReport:
        return await self.tick(follow=True)

    async def _replan_job(self) -> None:
        await self._guarded(self.replan)

    async def _checkpoint_job(self) -> None:
        """The WAL checkpoint, here on the dispatcher's thread rather than inside a turn
        (`store.db.checkpoint_in_background`)."""

        async def wal_checkpoint():
            return await self._run(checkpoint)

        await self._guarded(wal_checkpoint)

    async def _guarded(self, fn):
        try:
            return await fn()
        except Exception:
            log.exception("reminders: %s failed", getattr(fn, "__name__", fn))
            return None

    async def start(self, scheduler=None):
        """Re-plan, then tick every `tick_seconds` and re-plan daily at `replan_at`, on
        `scheduler` (an `AsyncIOScheduler`, started here if it is not running). Returns it."""
        from apscheduler.schedulers.asyncio import AsyncIOScheduler
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        self._stopping = False
        await self._guarded(self.replan)
        self._own_scheduler = scheduler is None
        self._scheduler = scheduler or AsyncIOScheduler(timezone=TZ)
        common = {
            "max_instances": 1,
            "coalesce": True,
            "misfire_grace_time": None,
            "replace_existing": True,
        }
        self._scheduler.add_job(
            self._kick,
            IntervalTrigger(seconds=self.tick_seconds),
            id="leling.reminders.tick",
            next_run_time=datetime.now(TZ),
            **common,
        )
        self._scheduler.add_job(
            self._checkpoint_job,
            IntervalTrigger(seconds=CHECKPOINT_SECONDS),
            id="leling.db.checkpoint",
            **common,
        )
        self._scheduler.add_job(
            self._replan_job,
            CronTrigger(hour=self.replan_at.hour, minute=self.replan_at.minute, timezone=TZ),
            id="leling.reminders.replan",
            **common,
        )
        if not self._scheduler.running:
            self._scheduler.start()
        log.info(
            "reminder dispatcher started: tick every %ss, %s/s, re-plan daily at %s",
            self.tick_seconds,
            self.rate_per_s or "unlimited",
            self.replan_at.strftime("%H:%M"),
        )
        return self._scheduler

    async def stop(self) -> None:
        """Stop ticking, let the message in hand finish, close the database."""
        self._stopping = True
        if self._scheduler is not None:
            for job_id in (
                "leling.reminders.tick",
                "leling.reminders.replan",
                "leling.db.checkpoint",
            ):
                if self._scheduler.get_job(job_id):
                    self._scheduler.remove_job(job_id)
            if self._own_scheduler and self._scheduler.running:
                self._scheduler.shutdown(wait=False)
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        await self.close()

    async def close(self) -> None:
        """Close the database connection and the worker thread."""

        def shut(db):
            db.conn.close()

        if self._db is not None:
            await self._run(shut)
            self._db = None
        self._pool.shutdown(wait=True)
