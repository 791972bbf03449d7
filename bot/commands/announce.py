"""`leling announce`: announcements from the command line (the operator's side).

    leling announce --audience district=朝阳区 --text "周六上午有义诊" [--at 2026-12-05T09:00] [--as 小王]
    leling announce list [--json]
    leling announce status 3 [--json]
    leling announce cancel 3        # scheduled, not started yet
    leling announce stop 3          # running: what has not gone out never will

`leling run` delivers them (scheduler/announce.py). Without `--as` the message is signed
【乐龄伴学】 and the audit log names "operator"; `--as` signs it as a volunteer (their user id or
display name), who then gets the final report on their channel.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

from bot.app import open_database
from bot.config import Settings

ACTOR = "operator"
TZ_NAME = "Asia/Shanghai"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("announce", help="send an announcement; list, status, cancel, stop")
    p.add_argument(
        "--audience", help="all | district=朝阳区 | topic=… | center=ID | lesson=ID | lecture=ID"
    )
    p.add_argument("--text", help="the message (the sender's label is added)")
    p.add_argument("--at", help="when, e.g. 2026-12-05T09:00 (Beijing time); default now")
    p.add_argument("--as", dest="as_name", metavar="NAME", help="sign as this volunteer")
    p.set_defaults(handler=cmd_create)
    cmds = p.add_subparsers(dest="announce_command", metavar="SUBCOMMAND")
    ls = cmds.add_parser("list", help="the latest announcements")
    ls.add_argument("--limit", type=int, default=20)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)
    for name, handler, help_text in (
        ("status", cmd_status, "progress: sent, failed, blocked, pending, deferred …"),
        ("cancel", cmd_cancel, "cancel a scheduled announcement before it starts"),
        ("stop", cmd_stop, "stop a running announcement"),
    ):
        c = cmds.add_parser(name, help=help_text)
        c.add_argument("id", type=int)
        if name == "status":
            c.add_argument("--json", action="store_true")
        c.set_defaults(handler=handler)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def _when(text: str | None) -> datetime | None:
    """--at as an aware datetime (naive = Beijing time); ValueError with a plain message."""
    if not text:
        return None
    from zoneinfo import ZoneInfo

    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"--at {text}: write the time like 2026-12-05T09:00") from None
    return when if when.tzinfo else when.replace(tzinfo=ZoneInfo(TZ_NAME))


def _volunteer(db, name: str) -> str | None:
    """The user id of the volunteer `name` (a user id or a display name), or None."""
    from store import volunteers

    if volunteers.get(db, name) is not None:
        return name
    found = [v["user_id"] for v in volunteers.all_volunteers(db) if v["name"] == name]
    return found[0] if len(found) == 1 else None


def cmd_create(args) -> int:
    """Schedule an announcement."""
    from store import announcements as ann

    if not args.audience or not args.text:
        return _fail(
            'Give both --audience and --text, e.g. leling announce --audience district=朝阳区 --text "…"'
        )
    try:
        audience = ann.parse_audience(args.audience)
        text = ann.clean_text(args.text)
        when = _when(args.at)
    except ValueError as exc:
        return _fail(str(exc))
    db = open_database(Settings.from_env())
    sender = ACTOR
    if args.as_name:
        sender = _volunteer(db, args.as_name)
        if sender is None:
            return _fail(
                f"--as {args.as_name}: no active volunteer by that id or name "
                "(see `leling volunteers list`)"
            )
    count = ann.count_recipients(db, audience)
    print(ann.preview(db, sender, text, "zh"))
    print(f"→ {ann.describe_audience(audience, 'en')}: {count} recipient(s)")
    aid = ann.create(db, sender, audience, text, at=when)
    st = ann.status(db, aid)
    print(f"Announcement #{aid} scheduled for {st['send_at']}; `leling run` delivers it.")
    return 0


def _line(st: dict) -> str:
    from store import announcements as ann

    first = st["text"].splitlines()[0][:30]
    return (
        f"#{st['id']:<4} {st['state']:<9} {st['send_at']}  {ann.describe_audience(st['audience'], 'en')}"
        f"  sent {st['sent']}/{st['total']}  «{first}»"
    )


def cmd_list(args) -> int:
    """The latest announcements."""
    from store import announcements as ann

    db = open_database(Settings.from_env())
    rows = ann.list_recent(db, args.limit)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
    elif not rows:
        print('No announcements yet: leling announce --audience all --text "…"')
    for st in [] if args.json else rows:
        print(_line(st))
    return 0


def cmd_status(args) -> int:
    """One announcement's progress."""
    from store import announcements as ann

    db = open_database(Settings.from_env())
    try:
        st = ann.status(db, args.id)
    except LookupError:
        return _fail(f"There is no announcement #{args.id} (see `leling announce list`).")
    if args.json:
        print(json.dumps(st, ensure_ascii=False))
        return 0
    print(_line(st))
    keys = ("sent", "failed", "blocked", "opted_out", "capped", "unknown", "stopped")
    print("  " + ", ".join(f"{k} {st[k]}" for k in ("pending", "deferred", *keys)))
    return 0


def _change(args, verb: str) -> int:
    from store import announcements as ann

    db = open_database(Settings.from_env())
    if ann.get(db, args.id) is None:
        return _fail(f"There is no announcement #{args.id} (see `leling announce list`).")
    if getattr(ann, verb)(db, args.id, ACTOR):
        print(f"Announcement #{args.id}: {'cancelled' if verb == 'cancel' else 'stopped'}.")
        return 0
    state = ann.status(db, args.id)["state"]
    need = (
        "a scheduled one can be cancelled" if verb == "cancel" else "a running one can be stopped"
    )
    return _fail(f"Announcement #{args.id} is {state}; only {need}.")


def cmd_cancel(args) -> int:
    """Cancel a scheduled announcement."""
    return _change(args, "cancel")


def cmd_stop(args) -> int:
    """Stop a running announcement."""
    return _change(args, "stop")
