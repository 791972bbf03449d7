"""The web chat's inbox: reminders and notices waiting for a web user ("web:…").

A web page cannot be reached while it is closed, so the scheduler's `web` sender
(bot/webchat/sender.py) delivers here; the page shows what waits when it opens and polls while
it stays open, then acknowledges what it showed, which deletes it (nothing is kept longer than
needed).

    inbox.add(db, "web:ab12…", {"text": …, "buttons": [...]}, key="r:12", now=now)
    inbox.waiting(db, "web:ab12…")        # [{"id", "text", "buttons", "lang", "created_at"}]
    inbox.acknowledge(db, "web:ab12…", up_to=7)
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlite_utils

LIMIT = 50  # messages shown at once; older ones wait for the next poll
KEEP = 100  # messages kept per user: someone who never comes back does not pile up rows


def add(
    db: sqlite_utils.Database, user_id: str, message: dict, key: str, now: datetime | None = None
) -> bool:
    """Store one message for the user (keeping their newest `KEEP`); False when this `key` was
    already delivered (a retry)."""
    when = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    cursor = db.conn.execute(
        "INSERT OR IGNORE INTO inbox (user_id, key, message, created_at) VALUES (?, ?, ?, ?)",
        [user_id, key, json.dumps(message, ensure_ascii=False), when],
    )
    added = cursor.rowcount == 1
    if added:
        db.conn.execute(
            "DELETE FROM inbox WHERE user_id = ? AND id <= ("
            "SELECT id FROM inbox WHERE user_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
            [user_id, user_id, KEEP],
        )
    db.conn.commit()
    return added


def waiting(db: sqlite_utils.Database, user_id: str, limit: int = LIMIT) -> list[dict]:
    """The user's messages not yet acknowledged, oldest first."""
    rows = db.conn.execute(
        "SELECT id, message, created_at FROM inbox WHERE user_id = ? ORDER BY id LIMIT ?",
        [user_id, limit],
    ).fetchall()
    return [{"id": i, **json.loads(m), "created_at": c} for i, m, c in rows]


def count(db: sqlite_utils.Database, user_id: str) -> int:
    """How many messages wait for the user."""
    return db.conn.execute("SELECT COUNT(*) FROM inbox WHERE user_id = ?", [user_id]).fetchone()[0]


def acknowledge(db: sqlite_utils.Database, user_id: str, up_to: int) -> int:
    """The page has shown the user's messages up to id `up_to`: delete them; return how many."""
    cursor = db.conn.execute("DELETE FROM inbox WHERE user_id = ? AND id <= ?", [user_id, up_to])
    db.conn.commit()
    return cursor.rowcount


def rows_for(db: sqlite_utils.Database, user_id: str) -> list[dict]:
    """Everything waiting for the user, as stored (for /mydata)."""
    return [dict(r) for r in db["inbox"].rows_where("user_id = ?", [user_id], order_by="id")]
