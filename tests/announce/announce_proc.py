"""Run the announcement courier on a database until nothing is due, sending through a JSONL
RecordingSender (a line on disk is a delivery). test_announce_restart.py SIGKILLs it mid-broadcast.

    python tests/announce/announce_proc.py --db leling.db --out sent.jsonl \
        --now 2026-12-04T15:00:00+08:00 --wire 0.002 --delay 0.002
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from workerkit import pool, recording, worker_args  # noqa: E402

from scheduler.announce import AnnounceCourier  # noqa: E402


async def main(args) -> dict:
    sender, now = recording(args)
    courier = AnnounceCourier(args.db, sender, clock=lambda: now, rate_per_s=0, **pool(args))
    totals: dict = {}
    try:
        for _ in range(3):  # the first tick starts the announcement and sends everything
            for k, v in (await courier.tick()).items():
                totals[k] = totals.get(k, 0) + v
    finally:
        await courier.stop()
    return totals


if __name__ == "__main__":
    p = worker_args(delay=0.0, concurrency=8, batch=100)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    print(json.dumps(asyncio.run(main(p.parse_args()))))
