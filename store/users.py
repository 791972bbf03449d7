"""Users: one row per person per channel ("telegram:42", "web:9f1c…", "terminal:alice")."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlite_utils

from store import audit
from store.db import transaction

DEFAULT_QUIET = ("21:00", "07:00")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# Every turn reads the user and saves a session: plain SQL here, because sqlite-utils' table
# helpers list the schema (two queries) before each of their own.


def get(db: sqlite_utils.Database, user_id: str) -> dict | None:
    """The user's row, or None."""
    cursor = db.conn.execute("SELECT * FROM users WHERE id = ?", [user_id])
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def get_or_create(db: sqlite_utils.Database, user_id: str, lang: str = "zh") -> dict:
    """The user's row, created on first contact (channel taken from the id's prefix)."""
    row = get(db, user_id)
    if row is None:
        now = _now()
        db.conn.execute(
            "INSERT OR IGNORE INTO users (id, channel, lang, prefer_voice, active, quiet_start,"
            " quiet_end, created_at, updated_at) VALUES (?, ?, ?, 0, 1, ?, ?, ?, ?)",
            [user_id, user_id.split(":", 1)[0], lang, *DEFAULT_QUIET, now, now],
        )
        db.conn.commit()
        row = get(db, user_id)
    return row


def update(db: sqlite_utils.Database, user_id: str, **fields) -> dict:
    """Change some of a user's fields (lang, prefer_voice, home_district, quiet_start, …)."""
    fields["updated_at"] = _now()
    if not all(name.isidentifier() for name in fields):
        raise ValueError(f"not a column name: {sorted(fields)}")
    get_or_create(db, user_id)
    assignments = ", ".join(f"[{name}] = ?" for name in fields)
    db.conn.execute(f"UPDATE users SET {assignments} WHERE id = ?", [*fields.values(), user_id])
    db.conn.commit()
    return get(db, user_id)


def set_active(db: sqlite_utils.Database, user_id: str, active: bool, reason: str = "") -> None:
    """Mark a user reachable or not (e.g. they blocked the bot); inactive users get no messages."""
    if get(db, user_id) is None:
        return
    db["users"].update(user_id, {"active": int(active), "updated_at": _now()})
    audit.record(
        db,
        "system",
        "user.active" if active else "user.inactive",
        {"user": user_id, "reason": reason},
    )


def export(db: sqlite_utils.Database, user_id: str) -> dict:
    """Everything Leling stores about a user, as one JSON-ready document (PIPL access right)."""

    def rows(table: str, col: str = "user_id") -> list[dict]:
        return list(db[table].rows_where(f"{col} = ?", [user_id], order_by="rowid"))

    sessions = rows("sessions")
    for s in sessions:
        s["state"] = json.loads(s["state"] or "{}")
    return {
        "user": get(db, user_id),
        "session": sessions[0] if sessions else None,
        "subscriptions": rows("subscriptions"),
        "reminders": rows("reminders"),
        "help_requests": rows("help_requests"),
        "deliveries": rows("deliveries"),
        "inbox": rows("inbox"),
        "desk_outbox": rows("desk_outbox"),
        "volunteer": rows("volunteers"),
    }


def forget(db: sqlite_utils.Database, user_id: str) -> dict[str, int]:
    """Delete everything stored about a user (PIPL erasure); return rows deleted per table."""
    counts: dict[str, int] = {}
    with transaction(db):
        for table in (
            "deliveries",
            "reminders",
            "help_requests",
            "sessions",
            "inbox",
            "desk_outbox",
            "volunteers",
        ):
            counts[table] = db.execute(
                f"DELETE FROM [{table}] WHERE user_id = ?", [user_id]
            ).rowcount
        counts["subscriptions"] = db.execute(
            "DELETE FROM subscriptions WHERE user_id = ?", [user_id]
        ).rowcount
        # A volunteer's name on requests and invites they handled (the requests stay theirs).
        # (store.help_requests.end keeps who ended a request among its asker and volunteer.)
        db.execute(
            "UPDATE help_requests SET volunteer_id = NULL, ended_by = NULL WHERE volunteer_id = ?",
            [user_id],
        )
        db.execute(
            "UPDATE volunteer_invites SET used_by = 'forgotten' WHERE used_by = ?", [user_id]
        )
        counts["users"] = db.execute("DELETE FROM users WHERE id = ?", [user_id]).rowcount
    audit.record(db, user_id, "user.forget", counts)
    return counts


# The channel prefixes of user ids ("telegram:42", "web:…").
CHANNELS = ("telegram", "terminal", "web", "wechat")


def find(db: sqlite_utils.Database, name: str) -> list[str]:
    """User ids an operator may mean by `name`: the id itself when it exists, else every id whose
    part after the channel prefix is `name` ("c3" → ["terminal:c3"]), sorted."""
    if get(db, name) is not None:
        return [name]
    # One primary-key look-up per channel, not a scan of every user.
    candidates = [f"{channel}:{name}" for channel in CHANNELS]
    marks = ", ".join("?" * len(candidates))
    rows = db.conn.execute(
        f"SELECT id FROM users WHERE id IN ({marks}) ORDER BY id", candidates
    ).fetchall()
    return [row[0] for row in rows]
