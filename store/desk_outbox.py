"""The help desk's outbox: notices to volunteers ("a new request") and relayed messages
(a volunteer's reply to a user, a user's words to the volunteer), sent by the scheduler's
courier (scheduler/desk.py) through the user's channel.

A row is written in the same turn that decides it must go out, so a crash between deciding and
sending loses nothing; a row is `sending` only while its request is on the wire (like the
reminders' outbox), so a restart never sends it twice.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlite_utils

# The columns naming a user are registered in store/users.py (USER_COLUMNS, DETACH_COLUMNS).
MAX_ATTEMPTS = 5


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def add(
    db: sqlite_utils.Database,
    user_id: str,
    kind: str,
    text: str,
    buttons: list[tuple[str, str]] | None = None,
    request_id: int | None = None,
) -> int:
    """Queue one message for `user_id`; return its id."""
    message = json.dumps({"text": text, "buttons": buttons or []}, ensure_ascii=False)
    cursor = db.conn.execute(
        "INSERT INTO desk_outbox (user_id, kind, request_id, message, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [user_id, kind, request_id, message, _now()],
    )
    db.conn.commit()
    return cursor.lastrowid


def pending(db: sqlite_utils.Database, limit: int = 50) -> list[dict]:
    """Messages waiting to go out, oldest first, with the message decoded."""
    cursor = db.conn.execute(
        "SELECT id, user_id, kind, request_id, message, attempts FROM desk_outbox"
        " WHERE status = 'pending' ORDER BY id LIMIT ?",
        [limit],
    )
    out = []
    for row in cursor.fetchall():
        item = dict(zip([d[0] for d in cursor.description], row, strict=True))
        item.update(json.loads(item.pop("message")))
        out.append(item)
    return out


def claim(db: sqlite_utils.Database, row_id: int) -> bool:
    """pending → sending, just before the request goes out (False: someone else took it)."""
    cursor = db.conn.execute(
        "UPDATE desk_outbox SET status = 'sending', attempts = attempts + 1"
        " WHERE id = ? AND status = 'pending'",
        [row_id],
    )
    db.conn.commit()
    return cursor.rowcount == 1


def finish(db: sqlite_utils.Database, row_id: int, status: str, error: str = "") -> None:
    """sending → sent | failed | pending (a retry), with the error for the operator."""
    db.conn.execute(
        "UPDATE desk_outbox SET status = ?, sent_at = ?, last_error = ? WHERE id = ?",
        [status, _now() if status == "sent" else None, error[:200] or None, row_id],
    )
    db.conn.commit()


def recover(db: sqlite_utils.Database) -> int:
    """At start-up: rows left `sending` by a killed process may have arrived — mark them
    `unknown`, never send them again (a lost message is better than a duplicate)."""
    cursor = db.conn.execute("UPDATE desk_outbox SET status = 'unknown' WHERE status = 'sending'")
    db.conn.commit()
    return cursor.rowcount


def rows_for(db: sqlite_utils.Database, user_id: str) -> list[dict]:
    """The user's rows, as stored (for /mydata)."""
    return [dict(r) for r in db["desk_outbox"].rows_where("user_id = ?", [user_id], order_by="id")]


def thread(db: sqlite_utils.Database, request_id: int, limit: int) -> list[tuple]:
    """The first `limit` messages of one help request, oldest first, as
    (id, user_id, kind, message JSON, status) tuples."""
    return db.conn.execute(
        "SELECT id, user_id, kind, message, status FROM desk_outbox WHERE request_id = ?"
        " ORDER BY id LIMIT ?",
        [request_id, limit],
    ).fetchall()
