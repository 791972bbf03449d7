"""The announcement courier: delivers announcements (store/announcements.py), exactly once.

    courier = AnnounceCourier(db_path, sender, pace=dispatcher.pace, rate_per_s=25)
    await courier.start() … await courier.stop()

Every `tick_seconds` it starts the announcements whose time has come (one delivery row per
recipient, store/announcement_rows.py) and sends what is due, each row like a reminder: it
waits for a slot of its own rate AND of the reminder dispatcher's shared limiter (`pace`, so
reminders and announcements together stay under Telegram's ~30/s and a broadcast never starves
reminders), waits out a flood-wait (`wait_ready`), marks the row `sending` just before the
request goes out, then `sent`. After a crash, a row left `sending` is marked `unknown` and
never sent again; everything else is still `pending` and goes out after the restart.

For each recipient, at the moment of sending:
- the user is inactive → `blocked`; said "不要再发通知了" → `opted_out`;
- inside their quiet hours (default 21:00–07:00) → deferred to the end of them;
- already got `cap` other announcements in the last `cap_days` days → `capped` (skipped);
- `PermanentSendError` (Telegram 403: blocked the bot) → `blocked`, the user is marked inactive
  and their subscriptions stopped (like the reminder dispatcher does);
- `RateLimitedError` (a 429) → due again once the wait Telegram asked for has passed;
  other errors → retried after `backoff`, then `failed`.
When nothing is left, the announcement is `done` and its sender (a volunteer) is told the
result through the desk's outbox (their channel).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path

from content.schedule import TZ
from scheduler.quiet import QuietHours
from scheduler.sender import OutboundMessage, PermanentSendError, RateLimitedError, Sender
from scheduler.worker import TickingWorker, recover_in_flight
from store import announcement_rows as rows_db
from store import announcements as ann
from store import desk_outbox
from store import reminders as outbox
from store import subscriptions as subs_store
from store import users as users_store

log = logging.getLogger(__name__)

BACKOFF = (timedelta(seconds=10), timedelta(minutes=1), timedelta(minutes=5))
REPORT = {
    "zh": "通知 #{id} 发送完毕{halted}：送达 {sent} 人，失败 {failed} 人，"
    "对方已屏蔽 {blocked} 人，已退订 {opted_out} 人，超过每周上限 {capped} 人。",
    "en": "Announcement #{id} finished{halted}: {sent} delivered, {failed} failed, "
    "{blocked} blocked the bot, {opted_out} opted out, {capped} over the weekly limit.",
}
STOPPED = {"zh": "（已停止）", "en": " (stopped)"}


class Pacer:
    """A send-slot limiter: at most `rate_per_s` slots a second (0 = unlimited)."""

    def __init__(self, rate_per_s: float):
        self.rate_per_s = rate_per_s
        self._next = 0.0

    async def __call__(self) -> None:
        if not self.rate_per_s:
            return
        now = asyncio.get_running_loop().time()
        slot = max(now, self._next)
        self._next = slot + 1.0 / self.rate_per_s
        if slot > now:
            await asyncio.sleep(slot - now)


class AnnounceCourier(TickingWorker):
    """Delivers announcements at `rate_per_s`, sharing `pace` (the reminder dispatcher's
    limiter) when given; `clock()` returns aware datetimes."""

    def __init__(
        self,
        db_path: str | Path,
        sender: Sender,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(TZ),
        pace: Callable[[], Awaitable[None]] | None = None,
        rate_per_s: float = 25.0,
        concurrency: int = 8,
        cap: int = 2,
        cap_days: int = 7,
        tick_seconds: float = 2.0,
        batch_size: int = 200,
        stale_after: timedelta = timedelta(seconds=60),
        backoff=BACKOFF,
    ):
        self._init_worker(db_path, tick_seconds, "announce")
        self.sender = sender
        self.clock = clock
        self.shared_pace = pace
        self.own_pace = Pacer(rate_per_s)
        self.cap = cap
        self.cap_days = cap_days
        self.batch_size = batch_size
        self.stale_after = stale_after
        self.backoff = tuple(backoff)
        self._sem = asyncio.Semaphore(max(1, concurrency))
        self._inflight: set[int] = set()

    # -- running ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Tick in the background until `stop()`."""
        self._start_loop()
        log.info("announcement courier started (%s/s)", self.own_pace.rate_per_s or "unlimited")

    async def stop(self) -> None:
        """Stop after the messages in flight; everything else stays pending for the next start."""
        await self._stop_loop()

    async def tick(self) -> dict:
        """Recover, start what is due, send every due row, close finished announcements.
        Returns counts of what this tick did."""
        counts = dict.fromkeys(("sent", "retried", "deferred", "unknown"), 0)
        _released, counts["unknown"] = await self._run(
            recover_in_flight,
            rows_db.recover,
            self.clock() - self.stale_after,
            tuple(self._inflight),
            "announcement delivery",
        )
        for aid in await self._run(rows_db.start_due, self.clock()):
            log.info("announcement %s started", aid)
        after = None
        while not self._stopping:
            batch = await self._run(rows_db.due_rows, self.clock(), self.batch_size, after)
            if not batch:
                break
            after = (batch[-1]["due_at"], batch[-1]["id"])
            tasks = []
            for row in batch:
                if self._stopping:
                    break
                if not await self._triage(row, counts):
                    continue
                await self.own_pace()
                if self.shared_pace is not None:
                    await self.shared_pace()
                await self._sem.acquire()
                tasks.append(asyncio.create_task(self._deliver(row, counts)))
            await asyncio.gather(*tasks)
            log.info("announcements: %s so far this tick", counts)  # progress, for the log
        for st in await self._run(rows_db.finish_done, self.clock()):
            log.info(
                "announcement %s %s: %s",
                st["id"],
                st["state"],
                {k: st[k] for k in ("sent", "failed", "blocked", "opted_out", "capped")},
            )
            await self._run(_report, st)
        return counts

    # -- one row ----------------------------------------------------------------------------

    async def _triage(self, row: dict, counts: dict) -> bool:
        """Settle a row that must not be sent now; True when it should be sent."""
        now = self.clock()
        if row["active"] is None or not row["active"]:
            await self._run(rows_db.finish, [row["id"]], "blocked", "user inactive")
            return False
        if row["news_off"]:
            await self._run(rows_db.finish, [row["id"]], "opted_out", None)
            return False
        quiet = QuietHours(row["quiet_start"], row["quiet_end"])
        if quiet.contains(now):
            await self._run(rows_db.postpone, [row["id"]], quiet.end_after(now))
            counts["deferred"] += 1
            return False
        if self.cap:
            since = now - timedelta(days=self.cap_days)
            got = await self._run(
                rows_db.sent_recently, row["user_id"], since, row["announcement_id"]
            )
            if got >= self.cap:
                await self._run(rows_db.finish, [row["id"]], "capped", "weekly cap reached")
                return False
        return True

    async def _deliver(self, row: dict, counts: dict) -> None:
        try:
            ready = getattr(self.sender, "wait_ready", None)
            if ready is not None:
                await ready(row["user_id"])  # a flood-wait: not on the wire yet
            if not await self._run(rows_db.mark_attempt, row["id"], self.clock()):
                return  # stopped, or taken by another process meanwhile
            self._inflight.add(row["id"])
            message = OutboundMessage(
                text=ann.render(_labels(row), row["text"], row["lang"] or "zh"),
                buttons=(),
                lang=row["lang"] or "zh",
                key=f"a:{row['announcement_id']}:{row['user_id']}",
                # the photo goes to Telegram users; the web inbox and WeChat get the text
                photo=(row["photo"] or "") if row["user_id"].startswith("telegram:") else "",
            )
            try:
                await self.sender.send(row["user_id"], message)
            except PermanentSendError as exc:
                await self._run(_block_user, row, str(exc))
                return
            except Exception as exc:
                await self._retry(row, exc, counts)
                return
            await self._run(rows_db.mark_sent, row["id"], self.clock())
            counts["sent"] += 1
        finally:
            self._inflight.discard(row["id"])
            self._sem.release()

    async def _retry(self, row: dict, exc: Exception, counts: dict) -> None:
        error = f"{type(exc).__name__}: {exc}"
        attempts = row["attempts"] + 1
        if isinstance(exc, RateLimitedError) and attempts <= 20:
            # Telegram said "too many requests": the sender holds every send until its
            # retry_after has passed; the row is due again then.
            when = self.clock() + timedelta(seconds=exc.retry_after)
            await self._run(rows_db.retry_at, row["id"], when, error)
            counts["retried"] += 1
            return
        if attempts > len(self.backoff):
            log.warning("announcement delivery %s failed for good: %s", row["id"], error)
            await self._run(rows_db.finish, [row["id"]], "failed", error)
            return
        when = self.clock() + self.backoff[attempts - 1]
        await self._run(rows_db.retry_at, row["id"], when, error)
        counts["retried"] += 1


def _labels(row: dict) -> dict:
    if row.get("label"):
        return json.loads(row["label"])
    return {lang: f"【{org}】" for lang, org in ann.ORG.items()}


def _block_user(db, row: dict, error: str) -> None:
    """The user blocked the bot: the row is `blocked`, and the user is unreachable for
    reminders too (subscriptions stopped, pending reminders dropped, user inactive)."""
    rows_db.finish(db, [row["id"]], "blocked", error)
    subs_store.deactivate_all(db, row["user_id"])
    outbox.drop_for_user(db, row["user_id"])
    users_store.set_active(db, row["user_id"], False, reason=error)


def _report(db, st: dict) -> None:
    """Tell the announcement's sender how it went (volunteers and admins with a channel)."""
    author = st["author"] or ""
    if ":" not in author or author.startswith("operator"):
        return
    lang = (users_store.get(db, author) or {}).get("lang") or "zh"
    lang = "en" if lang == "en" else "zh"
    stopped = STOPPED[lang] if st["state"] == "stopped" else ""
    text = REPORT[lang].format(halted=stopped, **st)
    desk_outbox.add(db, author, "announce_report", text)
