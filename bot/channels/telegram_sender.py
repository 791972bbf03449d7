"""The scheduler's `Sender` for Telegram: reminders and announcements on the bot's own `Bot`.

Telegram's limits (about 30 messages a second overall, 20 a minute per group) are kept by the
bot's `AIORateLimiter`. Errors are sorted the way the dispatcher expects:

- `RetryAfter` (HTTP 429) → `TransientSendError`, and every send waits until the `retry_after`
  has passed, so the whole bot backs off as Telegram asked;
- `Forbidden` (HTTP 403: the user blocked the bot, or left) and "chat not found" →
  `PermanentSendError` (the dispatcher then stops the user's subscriptions and marks the user
  inactive with `store.users.set_active`);
- timeouts and other network errors → `TransientSendError`.
"""

from __future__ import annotations

import asyncio
import logging
import warnings

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.channels.telegram_render import inline_keyboard, message_kwargs, split_text
from scheduler.sender import (
    OutboundMessage,
    PermanentSendError,
    RateLimitedError,
    TransientSendError,
)
from store import callbacks

log = logging.getLogger(__name__)

CAPTION_MAX = 1024  # Telegram's limit for a photo's caption
_GONE = ("chat not found", "user is deactivated", "bot was kicked", "peer_id_invalid")


def chat_id_of(user_id: str) -> int:
    """The Telegram chat id in "telegram:<id>"; PermanentSendError for another channel's user."""
    channel, _, ident = user_id.partition(":")
    if channel != "telegram" or not ident.lstrip("-").isdigit():
        raise PermanentSendError(f"{user_id} is not a Telegram user")
    return int(ident)


def retry_seconds(exc: RetryAfter) -> float:
    """The seconds Telegram asked to wait (PTB gives an int or a timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB 22 deprecates the int form
        value = exc.retry_after
    return float(value.total_seconds() if hasattr(value, "total_seconds") else value)


class TelegramSender:
    """Sends `OutboundMessage`s to Telegram users ("telegram:<chat id>")."""

    def __init__(self, bot: Bot, resolve_data=None):
        """`resolve_data(payload) -> callback_data` for payloads over 64 bytes (awaitable);
        without it such buttons are left out (and logged)."""
        self.bot = bot
        self.resolve_data = resolve_data
        self._resume_at = 0.0

    async def _data(self, payload: str) -> str | None:
        if callbacks.fits(payload):
            return payload
        if self.resolve_data is None:
            log.warning("button payload over 64 bytes dropped: %s", payload[:80])
            return None
        return await self.resolve_data(payload)

    async def wait_ready(self, user_id: str) -> None:
        """Wait out a flood-wait Telegram asked for (the dispatcher calls this before it marks
        a reminder `sending`, so the wait is not counted as in flight)."""
        wait = self._resume_at - asyncio.get_running_loop().time()
        if wait > 0:
            await asyncio.sleep(wait)

    async def send(self, user_id: str, message: OutboundMessage) -> None:
        """Deliver `message`, or raise TransientSendError / PermanentSendError."""
        chat_id = chat_id_of(user_id)
        loop = asyncio.get_running_loop()
        await self.wait_ready(user_id)
        rows = []
        for title, payload in message.buttons:
            data = await self._data(payload)
            if data is not None:
                rows.append((title, data))
        pieces = split_text(message.text)
        try:
            if message.photo:  # an announcement's photo, the text as its caption
                markup = inline_keyboard(rows) if rows else None
                await self.bot.send_photo(
                    chat_id,
                    message.photo,
                    caption=message.text[:CAPTION_MAX],
                    api_kwargs={"reply_markup": markup} if markup else None,
                )
                pieces = []
            for i, piece in enumerate(pieces):
                markup = inline_keyboard(rows) if i == len(pieces) - 1 else None
                await self.bot.send_message(chat_id, **message_kwargs(piece, markup))
        except RetryAfter as exc:
            seconds = retry_seconds(exc)
            self._resume_at = max(self._resume_at, loop.time() + float(seconds))
            raise RateLimitedError(f"rate limited: retry after {seconds} s", seconds) from exc
        except Forbidden as exc:
            raise PermanentSendError(f"forbidden: {exc.message}") from exc
        except BadRequest as exc:
            if any(g in exc.message.lower() for g in _GONE):
                raise PermanentSendError(exc.message) from exc
            raise TransientSendError(f"bad request: {exc.message}") from exc
        except (NetworkError, TelegramError) as exc:
            raise TransientSendError(f"{type(exc).__name__}: {exc}") from exc
        log.debug("sent %s to %s", message.key or "message", user_id)
