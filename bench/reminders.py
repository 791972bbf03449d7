"""Benchmark the reminder scheduler: planning at scale, and dispatching at a steady rate.

    .venv/bin/python bench/reminders.py            # 1,000,000 subscriptions; 10,000 sends at 25/s
    .venv/bin/python bench/reminders.py --quick    # 10,000 subscriptions; 500 sends at 25/s

1. Planning: a synthetic Beijing catalogue (one-off lectures, weekly series, weekly lessons) and
   `--subs` subscriptions (50 % one lecture, 15 % a series, 25 % a lesson, 10 % a filter) are
   planned from an empty outbox with `replan_all`, then re-planned a day later (the daily run:
   the horizon moves on by a day). Targets (issue #16, 1,000,000 subscriptions): first planning
   ≤ 60 s, daily re-plan ≤ 30 s, peak resident memory ≤ 300 MB.
2. Dispatching: `--reminders` rows fall due at `--rate` per second; the real `Dispatcher.start()`
   (APScheduler ticking) sends them through a recording sender (JSONL, fsync'd).
   Targets: achieved rate ≥ 0.95 × configured, lateness p99 ≤ 2 s.

Prints a markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import resource
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yardstick  # noqa: E402

from content.catalogue import Catalogue  # noqa: E402
from content.schedule import TZ  # noqa: E402
from content.schema import Lecture, Lesson  # noqa: E402
from content.validate import CatalogueData, read_catalogue_dir  # noqa: E402
from scheduler.dispatcher import Dispatcher, system_clock  # noqa: E402
from scheduler.planning import replan_all  # noqa: E402
from scheduler.sender import RecordingSender  # noqa: E402
from store import reminders as outbox  # noqa: E402
from store.db import open_db  # noqa: E402

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=TZ)
TOPICS = ["亲子沟通", "青春期", "家庭教育", "心理健康", "网络素养", "防诈骗"]
DISTRICTS = ["朝阳区", "海淀区", "西城区", "东城区", "丰台区", "石景山区"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA"]


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _lecture(i: int, id: str, zh: str, en: str, **fields) -> Lecture:
    """A parents' lecture on the i-th topic."""
    return Lecture.model_validate(
        {
            "id": id,
            "title": {"zh": zh, "en": en},
            "topics": [TOPICS[i % len(TOPICS)]],
            "audience": ["家长"],
            **fields,
        }
    )


def _weekly(day: str, at: str) -> dict:
    """A weekly schedule from 2026-09-01."""
    return {
        "rrule": f"FREQ=WEEKLY;BYDAY={day}",
        "time": at,
        "duration_minutes": 90,
        "start": str(date(2026, 9, 1)),
    }


def synthetic_catalogue(n_lectures=400, n_series=12, n_lessons=200) -> Catalogue:
    """The sample centers plus generated lectures, series and lessons."""
    sample, _ = read_catalogue_dir(ROOT / "content" / "data")
    centers = sample.centers
    lectures = [
        _lecture(
            i,
            f"lec-{i}",
            f"家庭教育讲座第{i}讲",
            f"Lecture {i}",
            starts_at=(NOW + timedelta(hours=5 + 1.7 * i)).replace(minute=30).isoformat(),
            duration_minutes=90,
            center=centers[i % len(centers)].id,
            district=DISTRICTS[(i // len(TOPICS)) % len(DISTRICTS)],
        )
        for i in range(n_lectures)
    ]
    lectures += [
        _lecture(
            i,
            f"series-{i}",
            f"系列讲堂{i}",
            f"Series {i}",
            schedule=_weekly(DAYS[i % 6], "19:30"),
            center=None,
            online_url=f"https://example.org/live/{i}",
            district=None,
        )
        for i in range(n_series)
    ]
    lessons = []
    for i in range(n_lessons):
        c = centers[i % len(centers)]
        lessons.append(
            Lesson.model_validate(
                {
                    "id": f"les-{i}",
                    "title": {"zh": f"智能手机课{i}", "en": f"Phone class {i}"},
                    "apps": ["微信"],
                    "topics": ["智能手机"],
                    "center": c.id,
                    "district": c.district,
                    "schedule": _weekly(DAYS[i % 5], "09:30"),
                }
            )
        )
    return Catalogue(CatalogueData(centers=centers, lectures=lectures, lessons=lessons))


def _subscriptions(n: int, cat: Catalogue):
    one_off = [k for k in cat.lectures if k.startswith("lec-")]
    series = [k for k in cat.lectures if k.startswith("series-")]
    lessons = list(cat.lessons)
    for i in range(n):
        user = f"bench:{i // 2}" if i % 3 else f"bench:{i}"
        r = i % 20
        row = {
            "user_id": user,
            "offsets": '["-1d@18:00", "-60m"]',
            "active": 1,
            "created_at": NOW.isoformat(),
        }
        if r < 10:
            row.update(kind="lecture", target_id=one_off[i % len(one_off)])
        elif r < 13:
            row.update(kind="lecture", target_id=series[i % len(series)])
        elif r < 18:
            row.update(kind="lesson", target_id=lessons[i % len(lessons)])
        else:
            f = {
                "event": "lecture",
                "topic": TOPICS[i % len(TOPICS)],
                "district": DISTRICTS[i % len(DISTRICTS)],
            }
            row.update(kind="filter", filter=json.dumps(f, ensure_ascii=False, sort_keys=True))
        yield row


def _users(ids):
    for uid in ids:
        yield {
            "id": uid,
            "channel": "bench",
            "lang": "zh",
            "prefer_voice": 0,
            "active": 1,
            "quiet_start": "21:00",
            "quiet_end": "07:00",
            "created_at": NOW.isoformat(),
            "updated_at": NOW.isoformat(),
        }


def bench_planning(workdir: Path, n_subs: int) -> dict:
    """Plan n_subs subscriptions from scratch, then re-plan; return the figures."""
    db = open_db(workdir / "plan.db")
    cat = synthetic_catalogue()
    user_ids = sorted({s["user_id"] for s in _subscriptions(n_subs, cat)})
    db["users"].insert_all(_users(user_ids), batch_size=5000)
    db["subscriptions"].insert_all(_subscriptions(n_subs, cat), batch_size=5000)
    t0, c0 = time.perf_counter(), time.process_time()
    first = replan_all(db, cat, NOW)
    t1, c1 = time.perf_counter(), time.process_time()
    second = replan_all(db, cat, NOW + timedelta(days=1))
    t2, c2 = time.perf_counter(), time.process_time()
    db.conn.close()
    return {
        "subs": n_subs,
        "rows": first.inserted,
        "plan_s": t1 - t0,
        "plan_cpu": c1 - c0,
        "replan_s": t2 - t1,
        "replan_cpu": c2 - c1,
        "replan_changes": second.inserted + second.updated + second.deleted,
        "rss_mb": peak_rss_mb(),
    }


class TimedSender(RecordingSender):
    """A RecordingSender that also notes when each message went out (wall clock)."""

    def __init__(self, path: Path):
        super().__init__(path=path, fsync=True)
        self.times: dict[str, datetime] = {}

    async def send(self, user_id, message) -> None:
        await super().send(user_id, message)
        self.times[message.key] = system_clock()


async def _dispatch(db_path: Path, n: int, rate: float, sender: TimedSender) -> None:
    d = Dispatcher(db_path, None, sender, system_clock, rate_per_s=rate, tick_seconds=1.0)
    await d.start()
    try:
        while len(sender.times) < n:
            await asyncio.sleep(0.25)
    finally:
        await d.stop()


def bench_dispatch(workdir: Path, n: int, rate: float) -> dict:
    """Send n reminders falling due at `rate` per second; return rate and lateness."""
    db_path = workdir / "dispatch.db"
    db = open_db(db_path)
    db["users"].insert_all(_users(f"bench:{i}" for i in range(n)), batch_size=5000)
    db["subscriptions"].insert_all(
        (
            {
                "id": i + 1,
                "user_id": f"bench:{i}",
                "kind": "lecture",
                "target_id": "lec-0",
                "offsets": '["-60m"]',
                "active": 1,
                "created_at": NOW.isoformat(),
            }
            for i in range(n)
        ),
        batch_size=5000,
    )
    start = system_clock().replace(microsecond=0) + timedelta(seconds=3)
    snap = json.dumps(
        {
            "kind": "lecture",
            "id": "lec-0",
            "title": ["家庭教育讲座", "Lecture"],
            "starts_at": (start + timedelta(days=1)).isoformat(),
            "place": None,
            "url": "https://example.org/live/0",
            "recurring": False,
        },
        ensure_ascii=False,
    )
    occurrence = outbox.iso(start + timedelta(days=1))
    due_of = {}
    rows = []
    for i in range(n):
        due = outbox.iso(start + timedelta(seconds=int(i / rate)))
        due_of[f"bench:{i}"] = datetime.fromisoformat(due)
        rows.append((i + 1, f"bench:{i}", "lecture", "lec-0", occurrence, 60, due, f"bench:{i}"))
    outbox.apply_plan(db, rows, [], [], [("lecture", "lec-0", occurrence, snap)])
    db.conn.close()
    sender = TimedSender(workdir / "sent.jsonl")
    asyncio.run(_dispatch(db_path, n, rate, sender))
    times = sorted(sender.times.values())
    span = (times[-1] - times[0]).total_seconds()
    late = sorted((t - due_of[k]).total_seconds() for k, t in sender.times.items())
    keys = [m["key"] for m in RecordingSender.read(workdir / "sent.jsonl")]
    return {
        "n": n,
        "rate": rate,
        "achieved": (n - 1) / span if span else float("inf"),
        "p50": late[len(late) // 2],
        "p99": late[min(len(late) - 1, int(len(late) * 0.99))],
        "max": late[-1],
        "duplicates": len(keys) - len(set(keys)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller numbers, ~30 s")
    parser.add_argument("--subs", type=int)
    parser.add_argument("--reminders", type=int)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--skip-dispatch", action="store_true")
    args = parser.parse_args()
    n_subs = args.subs or (10_000 if args.quick else 1_000_000)
    n_send = args.reminders or (500 if args.quick else 10_000)
    logging.basicConfig(level=logging.WARNING)
    print(yardstick.line())
    with tempfile.TemporaryDirectory(prefix="leling-bench-") as tmp:
        plan = bench_planning(Path(tmp), n_subs)
        sent = None if args.skip_dispatch else bench_dispatch(Path(tmp), n_send, args.rate)
    ok = lambda good: "✅" if good else "❌"  # noqa: E731
    lines = [
        "| measure | result | target |",
        "|---|---|---|",
        f"| plan {plan['subs']:,} subscriptions → {plan['rows']:,} reminders | "
        f"{plan['plan_s']:.2f} s {ok(plan['plan_s'] <= 60)} "
        f"(CPU {plan['plan_cpu']:.2f} s) | ≤ 60 s |",
        f"| re-plan a day later ({plan['replan_changes']:,} rows added/moved/dropped) | "
        f"{plan['replan_s']:.2f} s {ok(plan['replan_s'] <= 30)} (CPU {plan['replan_cpu']:.2f} s)"
        " | ≤ 30 s |",
        f"| peak resident memory (planning) | {plan['rss_mb']:.0f} MB "
        f"{ok(plan['rss_mb'] <= 300)} | ≤ 300 MB |",
    ]
    if sent:
        lines += [
            f"| dispatch {sent['n']:,} due reminders at {sent['rate']:g}/s: achieved rate | "
            f"{sent['achieved']:.2f}/s {ok(sent['achieved'] >= 0.95 * sent['rate'])} | "
            f"≥ {0.95 * sent['rate']:.2f}/s |",
            f"| lateness p50 / p99 / max | {sent['p50']:.2f} / {sent['p99']:.2f} "
            f"{ok(sent['p99'] <= 2)} / {sent['max']:.2f} s | p99 ≤ 2 s |",
            f"| duplicates | {sent['duplicates']} {ok(sent['duplicates'] == 0)} | 0 |",
        ]
    lines.append(yardstick.line())
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
