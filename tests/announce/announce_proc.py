"""Run the announcement courier on a database until nothing is due, sending through a JSONL
RecordingSender (a line on disk is a delivery). test_announce_restart.py SIGKILLs it mid-broadcast.

    python tests/announce/announce_proc.py --db leling.db --out sent.jsonl \
        --now 2026-12-04T15:00:00+08:00 --wire 0.002 --delay 0.002
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from datetime import datetime, timedelta

from scheduler.announce import AnnounceCourier
from scheduler.sender import RecordingSender


async def main(args) -> dict:
    now = datetime.fromisoformat(args.now)
    sender = RecordingSender(path=args.out, delay=args.delay, wire=args.wire, fsync=True)
    courier = AnnounceCourier(
        args.db,
        sender,
        clock=lambda: now,
        rate_per_s=0,
        concurrency=args.concurrency,
        batch_size=args.batch,
        stale_after=timedelta(0),
    )
    totals: dict = {}
    try:
        for _ in range(3):  # the first tick starts the announcement and sends everything
            for k, v in (await courier.tick()).items():
                totals[k] = totals.get(k, 0) + v
    finally:
        await courier.stop()
    return totals


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--now", required=True)
    p.add_argument("--wire", type=float, default=0.0)
    p.add_argument("--delay", type=float, default=0.0)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--batch", type=int, default=100)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    print(json.dumps(asyncio.run(main(p.parse_args()))))
