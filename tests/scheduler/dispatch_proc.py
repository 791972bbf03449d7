"""Run one dispatcher tick on a database, sending through a JSONL RecordingSender.

Used by test_restart.py as a real subprocess that gets killed with SIGKILL mid-batch:

    python tests/scheduler/dispatch_proc.py --db leling.db --out sent.jsonl \
        --now 2026-09-26T08:31:00+08:00 --delay 0.2

The clock is frozen at --now; each message is appended (and fsync'd) before the --delay that
stands for the network round trip, so the line in the file is the delivery.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from datetime import datetime, timedelta

from scheduler.dispatcher import Dispatcher
from scheduler.sender import RecordingSender


async def main(args) -> dict:
    now = datetime.fromisoformat(args.now)
    sender = RecordingSender(path=args.out, delay=args.delay, fsync=True)
    d = Dispatcher(
        args.db,
        None,
        sender,
        lambda: now,
        rate_per_s=args.rate,
        concurrency=args.concurrency,
        batch_size=args.batch,
        stale_after=timedelta(0),
    )
    try:
        report = await d.tick()
    finally:
        await d.close()
    return report.__dict__


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--now", required=True)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--rate", type=float, default=0)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--batch", type=int, default=25)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    sys.stdout.write(json.dumps(asyncio.run(main(parser.parse_args()))) + "\n")
