"""Small guards for Leling's web endpoints, shared by the Telegram webhook and the web chat API.

- `BodyLimit`: an ASGI middleware that refuses request bodies over `MAX_BODY` bytes with 413,
  from the Content-Length header when there is one and while reading otherwise (a chunked body
  is never held whole in memory past the limit).
- `QuietLog`: logs the first of a run of repeated warnings at once, then at most one summary a
  minute ("12 more …"), so a prober cannot fill the log.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

MAX_BODY = 1024 * 1024  # 1 MB: a Telegram update or a chat message is a few kilobytes


class _TooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: 413 for a request body over `max_bytes` (400 for a bad Content-Length);
    `larger` maps exact paths to a higher cap of their own (the console's catalogue upload)."""

    def __init__(self, app, max_bytes: int = MAX_BODY, larger: dict[str, int] | None = None):
        self.app, self.max_bytes = app, max_bytes
        self.larger = larger or {}

    async def __call__(self, scope, receive, send) -> None:
        """Pass the request on, counting its body's bytes."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope.get("path", ""), self.max_bytes)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await _plain(send, 400, b"Bad Request")
                return
            if int(declared) > limit:
                await _plain(send, 413, b"Request Entity Too Large")
                return
        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _plain(send, 413, b"Request Entity Too Large")


async def _plain(send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(body))],
        }
    )
    await send({"type": "http.response.body", "body": body})


class QuietLog:
    """A warning that may repeat endlessly, logged at most once per `every` seconds: the first
    at once, later ones as one summary line with their count."""

    def __init__(
        self,
        logger: logging.Logger,
        message: str,
        every: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.logger, self.message, self.every, self.clock = logger, message, every, clock
        self.last: float | None = None
        self.suppressed = 0

    def warn(self, *args) -> None:
        """One more occurrence (`args` fill the message's %s fields)."""
        now = self.clock()
        if self.last is not None and now - self.last < self.every:
            self.suppressed += 1
            return
        if self.suppressed:
            self.logger.warning(
                self.message + " (and %d more like it in the last %.0f s)",
                *args,
                self.suppressed,
                now - self.last,
            )
        else:
            self.logger.warning(self.message, *args)
        self.last, self.suppressed = now, 0
