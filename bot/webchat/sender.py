"""The scheduler's `web` channel: a reminder for "web:…" goes into the user's inbox
(store/inbox.py), which the page shows when it opens and polls while it is open.

    sender = WebSender(lambda fn, *args: services.run(fn, services.db, *args))
    RoutingSender({"web": sender, "telegram": …})
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

from scheduler.sender import OutboundMessage, PermanentSendError
from store import inbox, users


class WebSender:
    """Delivers into the inbox. `run(fn, *args)` awaits `fn(db, *args)` on the thread that owns
    the database connection. Storing is the delivery: the outbox row's key makes a retry
    harmless. A user who deleted their data (no user row) can never be reached."""

    def __init__(self, run: Callable[..., Awaitable]):
        self.run = run

    async def send(self, user_id: str, message: OutboundMessage) -> None:
        """Put `message` in `user_id`'s inbox."""
        key = message.key or hashlib.sha256(message.text.encode()).hexdigest()[:24]
        body = {
            "text": message.text,
            "buttons": [{"title": t, "payload": p} for t, p in message.buttons],
            "lang": message.lang,
        }

        def deliver(db) -> bool:
            if users.get(db, user_id) is None:
                return False
            inbox.add(db, user_id, body, key)
            return True

        if not await self.run(deliver):
            raise PermanentSendError("the web user is gone (data deleted)")
