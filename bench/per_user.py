"""Per-user store queries at national scale: forget-me and my-data among 1,000,000 reminders.

Run: .venv/bin/python bench/per_user.py [--users 100000] [--reminders 1000000]
Target (issue #16): forget and export p99 <= 5 ms with 1,000,000 reminder rows.
The baseline is the same calls on the same database with the per-user indexes dropped (the
schema before migration `_v5_per_user_indexes`), measured in the same run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yardstick  # noqa: E402

from store import users  # noqa: E402
from store.db import checkpoint, checkpoint_in_background, open_db  # noqa: E402

PER_USER_INDEXES = {
    "idx_reminders_user_status": "reminders (user_id, status)",
    "idx_deliveries_user": "deliveries (user_id)",
}


def build(path: Path, n_users: int, n_reminders: int) -> None:
    db = open_db(path)
    per_user = max(1, n_reminders // n_users)
    with db.conn:
        db.conn.executemany(
            "INSERT INTO users (id, channel, created_at, quiet_start, quiet_end) "
            "VALUES (?, 'telegram', '2026-01-01', '21:00', '07:00')",
            ((f"telegram:{u}",) for u in range(n_users)),
        )
        db.conn.executemany(
            "INSERT INTO sessions (user_id, state, updated_at) VALUES (?, '{}', 'x')",
            ((f"telegram:{u}",) for u in range(n_users)),
        )
        db.conn.executemany(
            "INSERT INTO subscriptions (id, user_id, kind, target_id, active, created_at) "
            "VALUES (?, ?, 'lecture', 'lec-1', 1, 'x')",
            ((u + 1, f"telegram:{u}") for u in range(n_users)),
        )
        db.conn.executemany(
            "INSERT INTO reminders (subscription_id, user_id, event_kind, event_id, occurrence, "
            "offset_minutes, due_at, status, idem_key) VALUES (?, ?, 'lecture', 'lec-1', ?, -60, ?, "
            "?, ?)",
            (
                (
                    u + 1,
                    f"telegram:{u}",
                    f"2026-12-{1 + k % 28:02d}T19:00:00+08:00",
                    f"2026-12-{1 + k % 28:02d}T18:00:00+08:00",
                    "sent" if k % 3 else "pending",
                    f"{u}:{k}",
                )
                for u in range(n_users)
                for k in range(per_user)
            ),
        )
        db.conn.execute(
            "INSERT INTO announcements (id, author, audience, text, created_at) "
            "VALUES (1, 'v', '{}', 'hi', 'x')"
        )
        db.conn.executemany(
            "INSERT INTO deliveries (announcement_id, user_id, status, idem_key) "
            "VALUES (1, ?, 'sent', ?)",
            ((f"telegram:{u}", f"d{u}") for u in range(n_users)),
        )
    db.conn.execute("ANALYZE")
    db.conn.close()


def timed(fn, user_ids: list[str]) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds per call."""
    wall, cpu = [], []
    for uid in user_ids:
        started, started_cpu = time.perf_counter(), time.thread_time()
        fn(uid)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
    return wall, cpu


def with_background_checkpoints(path: Path, db, fn):
    """fn() while a thread with its own connection checkpoints the WAL every 20 ms."""
    checkpoint_in_background(db)
    stop = threading.Event()

    def loop():
        other = open_db(path)
        while not stop.wait(0.02):
            checkpoint(other)
        other.conn.close()

    worker = threading.Thread(target=loop)
    worker.start()
    try:
        return fn()
    finally:
        stop.set()
        worker.join()


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--reminders", type=int, default=1_000_000)
    ap.add_argument("--samples", type=int, default=400)
    args = ap.parse_args(argv)
    print(yardstick.line())
    rng = random.Random(16)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "leling.db"
        started = time.perf_counter()
        build(path, args.users, args.reminders)
        print(
            f"built {args.users:,} users, {args.reminders:,} reminders in "
            f"{time.perf_counter() - started:.1f} s"
        )
        db = open_db(path)
        n_rows = db.execute("SELECT count(*) FROM reminders").fetchone()[0]
        picks = rng.sample(range(args.users), args.samples * 2 + 60)
        ids = [f"telegram:{u}" for u in picks]
        rows = {}
        # Warm the page cache the same way for both variants.
        timed(lambda u: users.export(db, u), ids[-20:])
        rows["export"] = timed(lambda u: users.export(db, u), ids[: args.samples])
        half = args.samples // 2
        forget_ids = ids[args.samples : 2 * args.samples]
        # As `leling run` has it: the WAL is checkpointed on another thread (the dispatcher's,
        # every 5 s; here every 20 ms, so checkpoints overlap the calls), not by the call that
        # crosses SQLite's 1,000-page mark.
        rows["forget"] = with_background_checkpoints(
            path, db, lambda: timed(lambda u: users.forget(db, u), forget_ids[:half])
        )
        # SQLite's default (what every other process does): the write that crosses the mark
        # checkpoints (copies ~1,000 pages into the database file and syncs it) inside the call.
        db.execute("PRAGMA wal_autocheckpoint = 1000")
        rows["forget, checkpoint inside the call (SQLite's default)"] = timed(
            lambda u: users.forget(db, u), forget_ids[half:]
        )
        for name in PER_USER_INDEXES:
            db.execute(f"DROP INDEX {name}")
        base = ids[2 * args.samples :]
        rows["export, baseline without the per-user indexes"] = timed(
            lambda u: users.export(db, u), base[:30]
        )
        rows["forget, baseline without the per-user indexes"] = timed(
            lambda u: users.forget(db, u), base[30:60]
        )
        db.conn.close()
    print(
        f"\n| {n_rows:,} reminder rows, {args.users:,} users | p50 (ms) | p99 (ms) "
        "| CPU p50 (ms) | CPU p99 (ms) | calls > 5 ms | target |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, (wall, cpu) in rows.items():
        target = "p99 <= 5" if name in ("export", "forget") else ""
        print(
            f"| {name} | {statistics.median(wall):.2f} | {pct(wall, 99):.2f} "
            f"| {statistics.median(cpu):.2f} | {pct(cpu, 99):.2f} "
            f"| {sum(w > 5 for w in wall)}/{len(wall)} | {target} |"
        )
    for op in ("export", "forget"):
        ratio = statistics.median(rows[f"{op}, baseline without the per-user indexes"][0]) / (
            statistics.median(rows[op][0])
        )
        print(f"| {op}: speed-up vs baseline (median) | {ratio:.0f}x | | | | | |")
    print(yardstick.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
