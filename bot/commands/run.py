"""`leling run`: the service — Telegram (when TELEGRAM_BOT_TOKEN is set), the reminder
dispatcher, and the web app on LELING_HOST:LELING_PORT, until Ctrl-C or SIGTERM.

Until the web chat exists, `leling run` without a Telegram token, started from a terminal,
also opens the terminal chat in the foreground (as `leling chat` does), so `make run` gives
something to talk to; `--no-chat` turns that off.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import sys

from bot.config import Settings

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    """Add `leling run`."""
    p = sub.add_parser("run", help="the service: Telegram, reminders and the web app")
    p.add_argument(
        "--no-chat",
        action="store_true",
        help="never open the terminal chat, even without a Telegram token",
    )
    p.set_defaults(handler=cmd_run)


class _OnDatabaseThread:
    """The assistant, called from the terminal's thread but run on the service's database
    thread (the SQLite connection is never used from two threads at once)."""

    def __init__(self, services):
        self.services = services

    def turn(self, incoming):
        return self.services.turn_executor.submit(self.services.assistant.turn, incoming).result()


def _terminal_chat(services) -> None:
    """The terminal chat on stdin/stdout, as a guest forgotten at the end (like `leling chat`)."""
    from bot.channels.terminal import TerminalChannel
    from store import users

    user_id = f"terminal:guest-{secrets.token_hex(4)}"
    channel = TerminalChannel(_OnDatabaseThread(services), user_id, out=sys.stdout, prompt=True)
    try:
        channel.run(sys.stdin)
    finally:
        services.executor.submit(users.forget, services.db, user_id).result()


def cmd_run(args: argparse.Namespace) -> int:
    """Run the service until it is stopped."""
    from bot.service import serve

    settings = Settings.from_env()
    if not args.verbose:  # one line per HTTP request / scheduler tick is noise in a service log
        for name in ("httpx", "apscheduler"):
            logging.getLogger(name).setLevel(logging.WARNING)
    foreground = None
    if not settings.telegram_token and not args.no_chat and sys.stdin.isatty():
        foreground = _terminal_chat
        if not args.verbose:  # the chat is the screen; only problems are logged on it
            logging.getLogger().setLevel(logging.WARNING)
        sys.stderr.write(
            f"Leling 乐龄伴学: no TELEGRAM_BOT_TOKEN, so you can chat here "
            f"(Ctrl-D ends). Web: http://{settings.host}:{settings.port}/healthz\n"
        )
    elif not settings.telegram_token:
        log.info("no TELEGRAM_BOT_TOKEN: serving the web app only")
    return asyncio.run(serve(settings, foreground=foreground))
