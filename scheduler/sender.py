"""How the scheduler hands a message to a channel, without knowing which channel it is.

A channel (Telegram, web chat, …) implements `Sender.send`. It raises `TransientSendError` when
trying again later may work (timeouts, HTTP 429/5xx) and `PermanentSendError` when it never will
(the user blocked the bot, the chat is gone). Any other exception counts as transient.

A channel may also have `async wait_ready(user_id)`: wait until a request may go on the wire
(a flood-wait Telegram asked for). The dispatcher calls it before it marks a row `sending`, so a
row is `sending` only while its request is really out.

`RecordingSender` is the channel-less sender for tests, the benchmark and
`leling reminders run`: it appends every message as one JSON line to a file (fsync'd, so a line
on disk means "delivered") and/or keeps it in a list.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Protocol, runtime_checkable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboundMessage:
    """A message for one user: text, buttons as (title, payload) pairs, language, the outbox
    row's idempotency key (channels may log it; the recorder writes it), and optionally a photo
    (Telegram sends it with the text as caption; other channels send the text alone)."""

    text: str
    buttons: tuple[tuple[str, str], ...] = ()
    lang: str = "zh"
    key: str = ""
    photo: str = ""  # a Telegram file id (an announcement's photo; `text` is then its caption)

    def to_json(self) -> dict:
        """A JSON-ready dict (buttons as {"title", "payload"} like the conversation's replies)."""
        d = asdict(self)
        d["buttons"] = [{"title": t, "payload": p} for t, p in self.buttons]
        if not self.photo:
            d.pop("photo")
        return d


class SendError(Exception):
    """Sending failed."""


class TransientSendError(SendError):
    """Sending failed but may work later; the dispatcher retries with backoff."""


class RateLimitedError(TransientSendError):
    """The channel said "too many requests, retry after N seconds" (Telegram's 429). The sender
    itself holds every send until then (`wait_ready`), so the message is worth trying again as
    soon as that has passed — not after the long backoff of other errors."""

    def __init__(self, message: str, retry_after: float = 1.0):
        super().__init__(message)
        self.retry_after = retry_after


class PermanentSendError(SendError):
    """Sending will never work for this user (blocked the bot, chat deleted); the dispatcher
    stops their subscriptions and marks the user inactive."""


@runtime_checkable
class Sender(Protocol):
    """What a channel implements so the scheduler can reach its users."""

    async def send(self, user_id: str, message: OutboundMessage) -> None:
        """Deliver `message` to `user_id` or raise a `SendError`."""
        ...


@dataclass
class RecordingSender:
    """A `Sender` that records instead of delivering.

    `path`: append one JSON line per message (flushed and fsync'd before `send` returns, so
    the line is the delivery). `stream`: also write a readable copy there (e.g. stdout for
    `leling reminders run`). `wire`: seconds to wait BEFORE recording, like the request
    travelling to the server; `delay`: seconds to wait AFTER recording, like the answer coming
    back (tests kill the process in either). `fail`: user id → exception to raise instead of
    recording (to test error handling).
    """

    path: str | Path | None = None
    stream: IO[str] | None = None
    delay: float = 0.0
    wire: float = 0.0
    fsync: bool = True
    fail: dict[str, Exception] = field(default_factory=dict)
    sent: list[tuple[str, OutboundMessage]] = field(default_factory=list)

    async def send(self, user_id: str, message: OutboundMessage) -> None:
        """Record `message` (or raise the configured failure for `user_id`)."""
        if user_id in self.fail:
            raise self.fail[user_id]
        if self.wire:
            await asyncio.sleep(self.wire)
        if self.path is not None:
            line = json.dumps({"user_id": user_id, **message.to_json()}, ensure_ascii=False)
            await asyncio.to_thread(self._append, line)
        if self.stream is not None:
            buttons = "  ".join(f"[{t}]" for t, _ in message.buttons)
            self.stream.write(
                f"→ {user_id}: {message.text}\n" + (f"   {buttons}\n" if buttons else "")
            )
            self.stream.flush()
        self.sent.append((user_id, message))
        if self.delay:
            await asyncio.sleep(self.delay)

    def _append(self, line: str) -> None:
        with open(self.path, "a", encoding="utf-8") as f:
            # The leading newline ends a line torn by a kill before this one, so the torn
            # record cannot swallow this complete one.
            f.write("\n" + line + "\n")
            f.flush()
            if self.fsync:
                os.fsync(f.fileno())

    @staticmethod
    def read(path: str | Path) -> list[dict]:
        """The messages recorded in a JSONL file (a line torn by a kill is ignored)."""
        out = []
        p = Path(path)
        if not p.exists():
            return out
        # errors="replace": a kill can tear a line in the middle of a character.
        for line in p.read_bytes().decode("utf-8", errors="replace").splitlines():
            if not line:
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                log.warning("ignoring a torn line in %s", p)
        return out


@dataclass
class RoutingSender:
    """Sends each message through the channel its user id names ("telegram:42" → `routes`
    ["telegram"]). A user of a channel with no route here (e.g. "terminal:…" while the service
    runs) is a `TransientSendError` (retried, then failed — the user is NOT deactivated, since
    the channel may come back)."""

    routes: dict[str, Sender]

    async def send(self, user_id: str, message: OutboundMessage) -> None:
        """Deliver through the user's channel."""
        channel = user_id.split(":", 1)[0]
        sender = self.routes.get(channel)
        if sender is None:
            raise TransientSendError(f"no channel to reach {channel!r} users")
        await sender.send(user_id, message)

    async def wait_ready(self, user_id: str) -> None:
        """Wait as the user's channel asks (if it has a `wait_ready`)."""
        sender = self.routes.get(user_id.split(":", 1)[0])
        ready = getattr(sender, "wait_ready", None)
        if ready is not None:
            await ready(user_id)
