"""`leling run`: the service — the web chat, the reminder dispatcher (always), and Telegram when
TELEGRAM_BOT_TOKEN is set — on LELING_HOST:LELING_PORT, until Ctrl-C or SIGTERM.

Once it serves, it prints the web chat's address (LELING_PUBLIC_URL when set, the address
people open behind nginx) and, on a terminal, a QR code of it to scan with a phone.
`--chat` also opens the terminal chat in the foreground (as `leling chat` does).
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
    p = sub.add_parser("run", help="the service: the web chat, reminders and Telegram")
    p.add_argument(
        "--chat", action="store_true", help="also chat in this terminal (Ctrl-D ends the service)"
    )
    p.add_argument("--no-chat", action="store_true", help=argparse.SUPPRESS)  # the old default
    p.add_argument("--no-qr", action="store_true", help="do not print the QR code")
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


def qr_text(url: str) -> str | None:
    """A QR code of `url` drawn with text blocks for a terminal (None without `qrcode`)."""
    try:
        import qrcode
    except ImportError:
        return None
    import io

    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(url)
    out = io.StringIO()
    qr.print_ascii(out=out, invert=True)
    return out.getvalue()


def announce(settings: Settings, *, qr: bool, out=None) -> None:
    """Say where the web chat is (and draw its QR code when `qr`)."""
    from bot.service import page_url

    out = out or sys.stderr
    url = settings.public_url or page_url(settings)
    lines = [f"Leling 乐龄伴学 is running. Open the web chat: {url}"]
    if not settings.public_url and settings.host in ("127.0.0.1", "localhost", "::1"):
        lines.append(
            "  (only this computer can open it; to share it, serve it behind nginx with HTTPS "
            "and set LELING_PUBLIC_URL: see README, 'Sharing the web chat')"
        )
    if settings.telegram_token:
        lines.append("  Telegram is on too.")
    drawing = qr_text(url) if qr else None
    if drawing:
        lines.append("Scan to open it on a phone:")
        lines.append(drawing.rstrip("\n"))
    lines.append("Ctrl-C stops it.")
    out.write("\n".join(lines) + "\n")
    out.flush()


def cmd_run(args: argparse.Namespace) -> int:
    """Run the service until it is stopped."""
    from bot.service import serve

    settings = Settings.from_env()
    if not args.verbose:  # one line per HTTP request / scheduler tick is noise in a service log
        for name in ("httpx", "apscheduler"):
            logging.getLogger(name).setLevel(logging.WARNING)
    foreground = None
    if args.chat and not args.no_chat:
        foreground = _terminal_chat
        if not args.verbose:  # the chat is the screen; only problems are logged on it
            logging.getLogger().setLevel(logging.WARNING)
    qr = not args.no_qr and sys.stderr.isatty()
    return asyncio.run(
        serve(
            settings,
            foreground=foreground,
            on_ready=lambda _services: announce(settings, qr=qr),
        )
    )
