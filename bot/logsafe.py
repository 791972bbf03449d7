"""Secrets never reach the log: a formatter that redacts bot tokens and known secrets.

Library loggers (PTB, httpx, aiohttp) may log request URLs at DEBUG, and a Bot API URL carries
the token (`…/bot123456:AA…/getMe`). Every handler `install()` touches formats through
`RedactingFormatter`, which replaces anything shaped like a Telegram bot token, and every secret
registered with `add_secret` (the token, the webhook secret), in the whole line — message,
arguments and traceback alike.
"""

from __future__ import annotations

import logging
import re

REDACTED = "<redacted>"
# Libraries whose DEBUG lines quote request URLs (with the token) and message bodies (with what
# users wrote): they log at INFO at most, even with -v.
QUIET_LIBRARIES = ("telegram", "httpx", "httpcore", "aiohttp", "hpack", "urllib3")
# A Telegram bot token: the bot's numeric id, a colon, 35 characters of base64url.
_TOKEN = re.compile(r"(?<![0-9])[0-9]{5,16}:[A-Za-z0-9_-]{30,}")
_secrets: set[str] = set()


def add_secret(value: str | None) -> None:
    """Redact `value` from every log line from now on (ignored when empty or very short)."""
    if value and len(value) >= 8:
        _secrets.add(value)


def redact(text: str) -> str:
    """`text` with tokens and registered secrets replaced by <redacted>."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return _TOKEN.sub(REDACTED, text)


class RedactingFormatter(logging.Formatter):
    """A `logging.Formatter` whose output never contains a token or a registered secret."""

    def format(self, record: logging.LogRecord) -> str:
        """The formatted record, redacted."""
        return redact(super().format(record))


def install(fmt: str | None = None, logger: logging.Logger | None = None) -> None:
    """Make every handler of `logger` (the root logger by default) redact its output, and keep
    the chatty libraries at INFO."""
    for name in QUIET_LIBRARIES:
        lib = logging.getLogger(name)
        if lib.level == logging.NOTSET or lib.level < logging.INFO:
            lib.setLevel(logging.INFO)
    target = logger or logging.getLogger()
    for handler in target.handlers:
        current = handler.formatter
        handler.setFormatter(
            RedactingFormatter(fmt or (current._fmt if current else None))  # noqa: SLF001
        )
