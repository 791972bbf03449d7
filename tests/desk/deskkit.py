"""Helpers for the help-desk tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from dialogues import Assistant, Incoming, Reply
from store import desk_outbox

TZ = ZoneInfo("Asia/Shanghai")
ADMIN = "telegram:1"  # in the test assistant's LELING_ADMINS


class Clock:
    """A settable clock (Beijing time)."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def say(bot: Assistant, user: str, text: str) -> list[Reply]:
    """One message from `user`; the replies."""
    return bot.handle(Incoming(user, text))


def text_of(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


def payloads(replies: list[Reply]) -> list[str]:
    return [b.payload for r in replies for b in r.buttons]


def outbox(db, user: str | None = None) -> list[dict]:
    """Pending desk messages (for one user), oldest first."""
    rows = desk_outbox.pending(db, 1000)
    return [r for r in rows if user is None or r["user_id"] == user]


def drain(db) -> None:
    """Mark everything pending as sent (what the courier would do)."""
    for r in desk_outbox.pending(db, 1000):
        desk_outbox.claim(db, r["id"])
        desk_outbox.finish(db, r["id"], "sent")
