"""Per-user conversation state (current guide and step, last items, last place, …) as JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlite_utils

from store import users


def load(db: sqlite_utils.Database, user_id: str) -> dict:
    """The saved state, or {} for a new user."""
    row = db.execute("SELECT state FROM sessions WHERE user_id = ?", [user_id]).fetchone()
    return json.loads(row[0]) if row and row[0] else {}


def save(db: sqlite_utils.Database, user_id: str, state: dict) -> None:
    """Replace the user's state (the user row is created if needed)."""
    users.get_or_create(db, user_id)
    db.conn.execute(
        "INSERT INTO sessions (user_id, state, updated_at) VALUES (?, ?, ?) ON CONFLICT(user_id)"
        " DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
        [
            user_id,
            json.dumps(state, ensure_ascii=False),
            datetime.now(UTC).isoformat(timespec="seconds"),
        ],
    )
    db.conn.commit()


def last_turn_at(db: sqlite_utils.Database, user_id: str) -> datetime | None:
    """When the user's conversation last had a turn (a message, tap or event from them), or
    None. Only the user's own turns save the session, so this is "their last message" (the
    WeChat channel's 48-hour customer-service window)."""
    row = db.execute("SELECT updated_at FROM sessions WHERE user_id = ?", [user_id]).fetchone()
    if not row or not row[0]:
        return None
    try:
        return datetime.fromisoformat(row[0])
    except ValueError:
        return None
