"""Announcement benchmark: a broadcast through the fake Bot API server at Telegram's limit.

Run: .venv/bin/python bench/announce.py [--recipients 10000] [--reminders 100] [--rate 25]
     [--quick] [--json]

One process runs what `leling run` runs for this: the reminder `Dispatcher` and the
`AnnounceCourier` sharing its limiter and its `TelegramSender` (a real python-telegram-bot `Bot`)
against the fake Bot API server (tests/telegram/fake_bot_api.py) on loopback, which here
ENFORCES Telegram's ~30 messages a second: a sendMessage over 30 in the last second is answered
429 "retry after 1". One announcement goes to `--recipients` users while `--reminders`
reminders fall due, spread over the broadcast. Printed:

- achieved rate of all messages and of the announcement, against the configured rate
  (target ≥ 0.9 ×);
- duplicates (chats that got the announcement twice; target 0) and the 429s answered;
- reminders' lateness p50 / p99 / max from their due time (target p99 ≤ 2 s);
- peak resident memory of the process (target ≤ 200 MB; it includes the fake server);
- the yardstick (bench/yardstick.py) and the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import resource
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # last: bench/telegram.py must not shadow PTB
sys.path.insert(0, str(ROOT / "tests" / "telegram"))

import yardstick  # noqa: E402
from fake_bot_api import TOKEN, FakeBotApi  # noqa: E402
from telegram import Bot  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot.channels.telegram_sender import TelegramSender  # noqa: E402
from scheduler.announce import AnnounceCourier  # noqa: E402
from scheduler.dispatcher import Dispatcher, system_clock  # noqa: E402
from store import announcements as ann  # noqa: E402
from store import reminders as outbox  # noqa: E402
from store.db import open_db  # noqa: E402

TEXT = "本周六上午九点，乐龄学习中心有免费义诊，欢迎参加"


class LimitedBotApi(FakeBotApi):
    """The fake Bot API server, refusing sendMessage over `limit` in any one second (429)."""

    def __init__(self, limit: int = 30):
        super().__init__()
        self.limit = limit
        self.window: deque[float] = deque()
        self.rejected = 0
        self._rate_lock = threading.Lock()

    def call(self, method: str, params: dict, files: dict | None = None):
        if method == "sendMessage":
            now = time.monotonic()
            with self._rate_lock:
                while self.window and now - self.window[0] >= 1.0:
                    self.window.popleft()
                if len(self.window) >= self.limit:
                    self.rejected += 1
                    return 429, {
                        "ok": False,
                        "error_code": 429,
                        "description": "Too Many Requests: retry after 1",
                        "parameters": {"retry_after": 1},
                    }
                self.window.append(now)
        return super().call(method, params, files or {})


class TimedSender:
    """The Telegram sender, noting when each message went out (wall clock)."""

    def __init__(self, inner: TelegramSender):
        self.inner = inner
        self.times: dict[str, datetime] = {}

    async def wait_ready(self, user_id: str) -> None:
        await self.inner.wait_ready(user_id)

    async def send(self, user_id, message) -> None:
        await self.inner.send(user_id, message)
        self.times[message.key] = system_clock()


def seed(db_path: Path, n: int, n_reminders: int, rate: float) -> tuple[int, dict]:
    """n recipients, one announcement due now, reminders due during the broadcast."""
    db = open_db(db_path)
    stamp = system_clock().isoformat()
    rows = [
        (f"telegram:{100000 + i}", "telegram", "朝阳区", stamp, stamp)
        for i in range(n + n_reminders)
    ]
    db.conn.executemany(
        "INSERT INTO users (id, channel, lang, prefer_voice, active, home_district, quiet_start,"
        " quiet_end, created_at, updated_at) VALUES (?, ?, 'zh', 0, 1, ?, '00:00', '00:00', ?, ?)",
        rows,
    )
    # The reminders' users are in another district: they get reminders, not the announcement.
    db.conn.execute("UPDATE users SET home_district = '海淀区' WHERE id >= ?", [rows[n][0]])
    db.conn.commit()
    start = system_clock().replace(microsecond=0) + timedelta(seconds=5)
    span = n / rate
    occurrence = outbox.iso(start + timedelta(days=1))
    snap = json.dumps(
        {
            "kind": "lecture",
            "id": "lec-0",
            "title": ["家庭教育讲座", "Lecture"],
            "starts_at": occurrence,
            "place": None,
            "url": "https://example.org/live/0",
            "recurring": False,
        },
        ensure_ascii=False,
    )
    due_of, plan = {}, []
    for j in range(n_reminders):
        uid = rows[n + j][0]
        db.conn.execute(
            "INSERT INTO subscriptions (id, user_id, kind, target_id, offsets, active, created_at)"
            " VALUES (?, ?, 'lecture', 'lec-0', '[\"-60m\"]', 1, ?)",
            [j + 1, uid, stamp],
        )
        due = start + timedelta(seconds=span * (j + 0.5) / max(1, n_reminders))
        key = f"bench:{j}"
        due_of[key] = datetime.fromisoformat(outbox.iso(due))
        plan.append((j + 1, uid, "lecture", "lec-0", occurrence, 60, outbox.iso(due), key))
    db.conn.commit()
    outbox.apply_plan(db, plan, [], [], [("lecture", "lec-0", occurrence, snap)])
    aid = ann.create(db, "operator", {"district": "朝阳区"}, TEXT, at=start)
    db.conn.close()
    return aid, due_of


async def broadcast(db_path: Path, fake: LimitedBotApi, rate: float, aid: int, n_rem: int):
    bot = Bot(TOKEN, base_url=fake.base_url, request=HTTPXRequest(connection_pool_size=16))
    await bot.initialize()
    sender = TimedSender(TelegramSender(bot))
    dispatcher = Dispatcher(db_path, None, sender, system_clock, rate_per_s=rate)
    courier = AnnounceCourier(
        db_path, sender, pace=dispatcher.pace, rate_per_s=rate, tick_seconds=1.0
    )
    await dispatcher.start()
    await courier.start()
    db = open_db(db_path)
    try:
        while True:
            await asyncio.sleep(1.0)
            st = ann.status(db, aid)
            reminders_left = db.execute(
                "SELECT count(*) FROM reminders WHERE status IN ('pending', 'sending')"
            ).fetchone()[0]
            if st["state"] in ("done", "stopped") and not reminders_left:
                break
    finally:
        await courier.stop()
        await dispatcher.stop()
        await bot.shutdown()
    return sender, ann.status(db, aid), n_rem


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--reminders", type=int, default=100)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--limit", type=int, default=30, help="the fake server's messages/s")
    parser.add_argument("--quick", action="store_true", help="2,000 recipients, 20 reminders")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.recipients, args.reminders = 2_000, 20
    logging.basicConfig(level=logging.WARNING)
    stick = yardstick.measure()
    fake = LimitedBotApi(args.limit).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db_path = Path(tmp) / "bench.db"
            aid, due_of = seed(db_path, args.recipients, args.reminders, args.rate)
            sender, st, _ = asyncio.run(broadcast(db_path, fake, args.rate, aid, args.reminders))
    finally:
        fake.stop()
    times = sorted(sender.times.values())
    ann_times = sorted(t for k, t in sender.times.items() if k.startswith("a:"))
    late = sorted((sender.times[k] - due).total_seconds() for k, due in due_of.items())
    got = Counter(
        c.chat_id
        for c in fake.calls
        if c.method == "sendMessage" and c.status == 200 and TEXT in c.params.get("text", "")
    )

    def rate_of(ts):
        span = (ts[-1] - ts[0]).total_seconds() if len(ts) > 1 else 0
        return (len(ts) - 1) / span if span else float("inf")

    out = {
        "recipients": args.recipients,
        "reminders": args.reminders,
        "configured": args.rate,
        "server_limit": args.limit,
        "achieved_all": round(rate_of(times), 2),
        "achieved_announcement": round(rate_of(ann_times), 2),
        "sent": st["sent"],
        "failed": st["failed"],
        "duplicates": sum(n - 1 for n in got.values() if n > 1),
        "answered_429": fake.rejected,
        "lateness_p50": round(late[len(late) // 2], 3) if late else None,
        "lateness_p99": round(late[min(len(late) - 1, int(len(late) * 0.99))], 3) if late else None,
        "lateness_max": round(late[-1], 3) if late else None,
        "reminders_sent": len(late),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "yardstick": stick,
    }
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print(
        f"{args.recipients} recipients + {args.reminders} reminders, configured {args.rate}/s, "
        f"server limit {args.limit}/s"
    )
    print(
        f"achieved: {out['achieved_all']}/s all messages, {out['achieved_announcement']}/s the "
        f"announcement ({out['achieved_all'] / args.rate:.2f} × configured; target ≥ 0.9)"
    )
    print(
        f"sent {out['sent']}, failed {out['failed']}, duplicates {out['duplicates']}, "
        f"429s answered {out['answered_429']}"
    )
    print(
        f"reminders during the broadcast: {out['reminders_sent']} sent, lateness p50 "
        f"{out['lateness_p50']} s, p99 {out['lateness_p99']} s, max {out['lateness_max']} s "
        "(target p99 ≤ 2 s)"
    )
    print(f"peak RSS {out['peak_rss_mb']} MB (target ≤ 200 MB, includes the fake server)")
    print(yardstick.line(stick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
