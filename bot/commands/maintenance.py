"""`leling maintenance prune [--dry-run] [--now ISO] [--json]`: apply the retention policy.

The service does the same every day at 04:00; see docs/privacy.md for what is kept how long.
"""

from __future__ import annotations

import argparse
import json

from bot.app import open_database, parse_now
from bot.commands import group
from bot.config import Settings


def register(sub: argparse._SubParsersAction) -> None:
    ms = group(sub, "maintenance", "prune old data (the retention policy)")
    pr = ms.add_parser("prune", help="delete old finished reminders, inactive users' data, …")
    pr.add_argument("--dry-run", action="store_true", help="count what would go; delete nothing")
    pr.add_argument("--now", metavar="ISO", help="prune as if it were this time")
    pr.add_argument("--json", action="store_true")
    pr.set_defaults(handler=cmd_prune)


def policy_of(settings: Settings):
    """The retention policy the settings ask for."""
    from store.retention import RetentionPolicy

    return RetentionPolicy(
        finished_days=settings.retain_finished_days,
        inactive_days=settings.retain_inactive_days,
        not_understood_days=settings.retain_not_understood_days,
        events_days=settings.retain_events_days,
    )


def cmd_prune(args) -> int:
    from store.retention import prune

    settings = Settings.from_env()
    db = open_database(settings)
    policy = policy_of(settings)
    counts = prune(db, parse_now(args.now, settings), policy, dry_run=args.dry_run)
    if args.json:
        print(json.dumps({"dry_run": args.dry_run, "deleted": counts}))
        return 0
    listed = ", ".join(f"{n} {t}" for t, n in counts.items() if n) or "nothing"
    verb = "Would delete" if args.dry_run else "Deleted"
    print(
        f"{verb}: {listed} (finished after {policy.finished_days} days, inactive after "
        f"{policy.inactive_days} days)."
    )
    return 0
