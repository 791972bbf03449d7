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
