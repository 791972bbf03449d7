"""The worker scripts' side of the crash tests (tests/announce/announce_proc.py,
tests/scheduler/dispatch_proc.py): the arguments every one takes and the recording sender with
a frozen clock they send through."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta

from scheduler.sender import RecordingSender


def worker_args(*, delay: float, concurrency: int, batch: int) -> argparse.ArgumentParser:
    """--db, --out (the JSONL of deliveries), --now (the frozen clock), --wire and --delay
    (seconds before and after each recorded send), --concurrency and --batch."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--now", required=True)
    parser.add_argument("--wire", type=float, default=0.0)
    parser.add_argument("--delay", type=float, default=delay)
    parser.add_argument("--concurrency", type=int, default=concurrency)
    parser.add_argument("--batch", type=int, default=batch)
    return parser


def recording(args) -> tuple[RecordingSender, datetime]:
    """The sender appending (and fsyncing) each delivery to --out, and the time --now."""
    sender = RecordingSender(path=args.out, delay=args.delay, wire=args.wire, fsync=True)
    return sender, datetime.fromisoformat(args.now)


def pool(args) -> dict:
    """The sending options from --concurrency and --batch, with every claim stale at once (so a
    restarted worker takes over the rows a killed one had claimed)."""
    return {
        "concurrency": args.concurrency,
        "batch_size": args.batch,
        "stale_after": timedelta(0),
    }
