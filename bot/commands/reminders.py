"""`leling reminders …`: see the reminder outbox and send what is due (operators, tests).

    leling reminders list [--user ID] [--status S] [--json]
    leling reminders run [--now ISO] [--dry-run] [--no-replan] [--out FILE] [--json]

`run` re-plans every subscription at --now (idempotent), then sends what is due at that moment
through a recording sender that prints each message (and appends it to --out as JSONL). The
service (`leling run`) sends through its channels instead.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from bot.app import open_catalogue, open_database, parse_now
from bot.commands import group
from bot.config import Settings
from content.load import load_catalogue
from scheduler.dispatcher import Dispatcher
from scheduler.planning import replan_all
from scheduler.sender import RecordingSender
from store import reminders as outbox
from store import users

STATUSES = ("pending", "claimed", "sending", "sent", "unknown", "failed", "expired", "skipped")


def register(sub: argparse._SubParsersAction) -> None:
    """Add `leling reminders list|run`."""
    rs = group(sub, "reminders", "planned reminders; send what is due")

    ls = rs.add_parser("list", help="planned reminders: who, what, when, status")
    ls.add_argument(
        "--user",
        metavar="ID",
        help='one user: "telegram:42", or "42" when only one channel has that name',
    )
    ls.add_argument(
        "--status", choices=STATUSES, action="append", help="only these statuses (repeatable)"
    )
    ls.add_argument("--limit", type=int, default=None)
    ls.add_argument("--json", action="store_true", help="one JSON array")
    ls.set_defaults(handler=cmd_list)

    run = rs.add_parser("run", help="send what is due at --now (default: now)")
    run.add_argument("--now", metavar="ISO", help="the moment to send for (naive = Beijing)")
    run.add_argument(
        "--dry-run",
        action="store_true",
        help="show what would be sent; change nothing (no re-planning either)",
    )
    run.add_argument("--no-replan", action="store_true", help="send from the outbox as it is")
    run.add_argument("--out", metavar="FILE", help="also append each message to FILE (JSONL)")
    run.add_argument("--json", action="store_true")
    run.set_defaults(handler=cmd_run)


def _describe(row: dict) -> dict:
    try:
        data = json.loads(row["message"] or "{}")
    except json.JSONDecodeError:
        data = {}
    event = data.get("event", data)  # a notice carries {"change", "event", "new"}
    title = event.get("title") or ["", ""]
    return {
        "id": row["id"],
        "user_id": row["user_id"],
        "subscription_id": row["subscription_id"],
        "kind": row["kind"],
        "change": data.get("change"),
        "event": {
            "kind": row["event_kind"],
            "id": row["event_id"],
            "title": title[0],
            "title_en": title[1] if len(title) > 1 else "",
        },
        "starts_at": row["occurrence"],
        "due_at": row["due_at"],
        "offset_minutes": row["offset_minutes"],
        "status": row["status"],
        "late": bool(row["late"]),
        "attempts": row["attempts"],
        "sent_at": row["sent_at"],
        "last_error": row["last_error"],
    }


def _resolve_user(db, name: str) -> str | None:
    """The one user id `name` stands for (said on stderr when it was completed), else None after
    saying on stderr that nobody or several people match."""
    found = users.find(db, name)
    if len(found) == 1:
        if found[0] != name:
            print(f"leling reminders: --user {name} is {found[0]}", file=sys.stderr)
        return found[0]
    if not found:
        print(f"leling reminders: no user {name!r}", file=sys.stderr)
    else:
        print(
            f"leling reminders: --user {name} could be any of: {', '.join(found)}; "
            "give the whole id",
            file=sys.stderr,
        )
    return None


def cmd_list(args) -> int:
    """Print the outbox (oldest due first)."""
    db = open_database(Settings.from_env())
    if args.user:
        args.user = _resolve_user(db, args.user)
        if args.user is None:
            return 1
    rows = [
        _describe(r)
        for r in outbox.list_rows(db, user_id=args.user, statuses=args.status, limit=args.limit)
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    if not rows:
        print("no reminders" + (f" for {args.user}" if args.user else ""))
        return 0
    for r in rows:
        what = r["event"]["title"] + (f" [{r['change']}]" if r["change"] else "")
        flag = " late" if r["late"] else ""
        print(
            f"{r['due_at']}  {r['status']:<8}{flag:<5} {r['user_id']:<20} {r['kind']:<8} "
            f"{what} @ {r['starts_at']}"
        )
    return 0


def cmd_run(args) -> int:
    """Re-plan at --now, then send (or, with --dry-run, show) what is due."""
    settings = Settings.from_env()
    now = parse_now(args.now, settings)
    planned = None
    if not args.dry_run and not args.no_replan:
        db = open_database(settings)
        planned = replan_all(db, open_catalogue(settings, db), now).as_dict()
        db.conn.close()
    sender = RecordingSender(path=args.out, stream=None if args.json else sys.stdout)
    dispatcher = Dispatcher(settings.db, load_catalogue, sender, lambda: now, rate_per_s=0)

    async def work():
        try:
            if args.dry_run:
                return None, await dispatcher.preview()
            return await dispatcher.tick(), None
        finally:
            await dispatcher.close()

    report, preview = asyncio.run(work())
    if args.dry_run:
        messages = [{"user_id": r["user_id"], **m.to_json()} for r, m in preview]
        if args.json:
            print(
                json.dumps(
                    {"now": now.isoformat(), "dry_run": True, "would_send": messages},
                    ensure_ascii=False,
                )
            )
        else:
            for m in messages:
                print(f"(dry run) → {m['user_id']}: {m['text']}")
            print(f"{len(messages)} message(s) due at {now.isoformat()}; nothing was sent.")
        return 0
    sent = [{"user_id": u, **m.to_json()} for u, m in sender.sent]
    if args.json:
        print(
            json.dumps(
                {
                    "now": now.isoformat(),
                    "planned": planned,
                    "report": report.as_dict(),
                    "sent": sent,
                },
                ensure_ascii=False,
            )
        )
    else:
        counts = ", ".join(f"{k} {v}" for k, v in report.as_dict().items() if v) or "nothing due"
        print(f"{now.isoformat()}: {counts}.")
    return 0
