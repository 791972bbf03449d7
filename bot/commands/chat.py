"""`leling chat`: talk to Leling in the terminal (operators, demos, tests).

    leling chat                       # a temporary guest; nothing is kept afterwards
    leling chat --user alice          # a persistent user: state and reminders carry over
    leling chat --json --now 2026-12-04T15:00 < script.txt

One message per line; `/location LAT,LON` shares a location; `/quit` or Ctrl-D ends.
With `--json`, each turn prints one JSON object: {"input", "nlu", "replies"}.
"""

from __future__ import annotations

import argparse
import io
import logging
import secrets
import sys

from bot.app import open_catalogue, open_database, open_parser, parse_now
from bot.channels.terminal import TerminalChannel
from bot.config import Settings
from store import users


def register(sub: argparse._SubParsersAction) -> None:
    """Add `leling chat` to the command line."""
    p = sub.add_parser("chat", help="talk to Leling in the terminal, one message per line")
    p.add_argument("--json", action="store_true", help="print one JSON object per turn")
    p.add_argument("--lang", choices=("zh", "en"), help="start the conversation in this language")
    p.add_argument(
        "--user",
        metavar="ID",
        help="a persistent user (default: a temporary guest, forgotten at the end)",
    )
    p.add_argument("--now", metavar="ISO", help="fix the clock (naive times are Beijing time)")
    p.set_defaults(handler=cmd_chat)


def _utf8(stream, write: bool):
    """The stream re-opened as UTF-8 (undecodable input becomes U+FFFD, never a crash)."""
    try:
        stream.reconfigure(encoding="utf-8", errors="replace")
        return stream
    except (AttributeError, ValueError):
        buffer = getattr(stream, "buffer", None)
        if buffer is None:
            return stream
        wrapper = io.TextIOWrapper(buffer, encoding="utf-8", errors="replace", write_through=write)
        return wrapper


def cmd_chat(args) -> int:
    """Run the terminal chat until end of input."""
    from dialogues import Assistant

    if not getattr(args, "verbose", False):
        logging.getLogger().setLevel(logging.WARNING)
    settings = Settings.from_env()
    fixed = parse_now(args.now, settings) if args.now else None
    db = open_database(settings)
    catalogue = open_catalogue(settings, db)
    parser = open_parser(settings, catalogue)
    clock = (lambda: fixed) if fixed is not None else (lambda: parse_now(None, settings))
    assistant = Assistant(db, catalogue, parser, clock=clock, default_lang=args.lang or "zh")
    guest = not args.user
    user_id = (
        f"terminal:guest-{secrets.token_hex(4)}"
        if guest
        else (args.user if ":" in args.user else f"terminal:{args.user}")
    )
    if args.lang:
        assistant.set_language(user_id, args.lang)
    stdin, stdout = _utf8(sys.stdin, False), _utf8(sys.stdout, True)
    channel = TerminalChannel(
        assistant,
        user_id,
        json_mode=args.json,
        out=stdout,
        lang=args.lang,
        prompt=stdin.isatty() and not args.json,
    )
    try:
        return channel.run(stdin)
    finally:
        if guest:
            users.forget(db, user_id)
