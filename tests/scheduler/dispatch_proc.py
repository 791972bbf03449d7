"""Run one dispatcher tick on a database, sending through a JSONL RecordingSender.

Used by test_restart.py as a real process that gets killed with SIGKILL mid-batch:

    python tests/scheduler/dispatch_proc.py --db leling.db --out sent.jsonl \
        --now 2026-09-26T08:31:00+08:00 --delay 0.2

The clock is frozen at --now; each message is appended (and fsync'd) after --wire seconds (the
request travelling) and before --delay seconds (the answer coming back), so the line in the file
is the delivery.

`--serve` makes it a small fork server, so that many kills cost milliseconds instead of a
Python start-up each: every "go" line on stdin forks a child that runs one tick and exits; the
server prints the child's pid, waits for it (the test may SIGKILL it meanwhile) and prints its
wait status. The server holds no database connection and no thread, so forking is safe.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from workerkit import pool, recording, worker_args  # noqa: E402

from scheduler.dispatcher import Dispatcher  # noqa: E402


async def main(args) -> dict:
    sender, now = recording(args)
    d = Dispatcher(args.db, None, sender, lambda: now, rate_per_s=args.rate, **pool(args))
    try:
        report = await d.tick()
    finally:
        await d.close()
    return report.__dict__


def serve(args) -> None:
    for line in sys.stdin:
        if line.strip() != "go":
            break
        pid = os.fork()
        if pid == 0:  # the child: one tick, then leave without running the parent's cleanup
            code = 0
            try:
                report = asyncio.run(main(args))
                with open(f"{args.out}.report", "a", encoding="utf-8") as f:
                    f.write(json.dumps(report) + "\n")
            except BaseException:
                logging.exception("dispatcher child failed")
                code = 1
            finally:
                logging.shutdown()
                os._exit(code)
        print(pid, flush=True)
        _, status = os.waitpid(pid, 0)
        print(status, flush=True)


if __name__ == "__main__":
    parser = worker_args(delay=0.2, concurrency=1, batch=25)
    parser.add_argument("--rate", type=float, default=0)
    parser.add_argument("--serve", action="store_true")
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    parsed = parser.parse_args()
    if parsed.serve:
        serve(parsed)
    else:
        sys.stdout.write(json.dumps(asyncio.run(main(parsed))) + "\n")
