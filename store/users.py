"""Users: one row per person per channel ("telegram:42", "web:9f1c…", "terminal:alice")."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlite_utils

from store import audit
from store.db import fetch_one, transaction

DEFAULT_QUIET = ("21:00", "07:00")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# Every turn reads the user and saves a session: plain SQL here, because sqlite-utils' table
# helpers list the schema (two queries) before each of their own.


def get(db: sqlite_utils.Database, user_id: str) -> dict | None:
    """The user's row, or None."""
    return fetch_one(db, "SELECT * FROM users WHERE id = ?", [user_id])


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


# Where each table keeps a user's id: the one place that says what "everything stored about a
# user" means. Export and erasure go through it, and a test fails when a table of the schema is
# in neither mapping, so a table added later cannot be forgotten.
USER_COLUMNS: dict[str, str] = {
    "users": "id",
    "sessions": "user_id",
    "subscriptions": "user_id",
    "reminders": "user_id",
    "deliveries": "user_id",
    "help_requests": "user_id",
    "inbox": "user_id",
    "volunteers": "user_id",  # the help desk (store/volunteers.py, store/desk_outbox.py)
    "volunteer_invites": "used_by",
    "desk_outbox": "user_id",
    "web_links": "user_id",  # one-time WeChat → web chat links (bot/channels/wechat_link.py)
    "staff_tokens": "user_id",  # one-time sign-in links for /desk and /admin
}
# Second columns naming a user in a row that belongs to someone else: cleared on erasure, the row
# stays (a request someone asked keeps existing when the volunteer who took it is erased).
# `invited_by` is the admin who made the invite code.
DETACH_COLUMNS: dict[str, tuple[str, ...]] = {
    "help_requests": ("volunteer_id", "ended_by"),
    "volunteers": ("invited_by",),
    "announcements": ("author", "cancelled_by", "stopped_by"),  # store/announcements.py
}
# Tables holding nothing about a particular user, each with the reason.
NO_USER_DATA: dict[str, str] = {
    "centers": "catalogue",
    "lectures": "catalogue",
    "lessons": "catalogue",
    "guides": "catalogue",
    "landmarks": "catalogue",
    "catalogue_meta": "catalogue",
    "announcements": "a volunteer's message to an audience; recipients are in deliveries "
    "(the sender's id is in DETACH_COLUMNS)",
    "callbacks": "long button payloads (catalogue ids and filters), shared by everyone",
    "reminder_events": "what a reminder says about a session, shared by its subscribers",
    "audit_log": "keeps only a keyed hash of the user's id (audit.pseudonymise on erasure)",
    "audit_key": "the key of that hash",
    "events": "usage events keyed by a hash of the user's id and user row: unlinkable once the "
    "row is erased (store/events.py)",
    "not_understood": "masked messages without who sent them (store/not_understood.py)",
}
# Erased children before parents (foreign keys: reminders → subscriptions → users).
_ERASE_ORDER = ("deliveries", "reminders", "help_requests", "sessions", "subscriptions")


def _erase_order() -> list[str]:
    rest = [t for t in USER_COLUMNS if t not in _ERASE_ORDER and t != "users"]
    return [*_ERASE_ORDER, *rest, "users"]


def export(db: sqlite_utils.Database, user_id: str) -> dict:
    """Everything Leling stores about a user, as one JSON-ready document (PIPL access right)."""

    def rows(table: str) -> list[dict]:
        col = USER_COLUMNS[table]
        return list(db[table].rows_where(f"[{col}] = ?", [user_id], order_by="rowid"))

    sessions = rows("sessions")
    for s in sessions:
        s["state"] = json.loads(s["state"] or "{}")
    doc: dict = {"user": get(db, user_id), "session": sessions[0] if sessions else None}
    for table in USER_COLUMNS:
        if table not in ("users", "sessions"):
            doc[table] = rows(table)
    return doc


def counts(db: sqlite_utils.Database, user_id: str) -> dict[str, int]:
    """How many rows each table holds about a user (tables with none left out)."""
    out = {}
    for table, col in USER_COLUMNS.items():
        n = db.execute(f"SELECT count(*) FROM [{table}] WHERE [{col}] = ?", [user_id]).fetchone()[0]
        if n:
            out[table] = n
    return out


def forget(db: sqlite_utils.Database, user_id: str) -> dict[str, int]:
    """Delete every row about a user in every table (PIPL erasure); the audit log keeps only a
    keyed hash of the id. Returns the rows deleted per table (tables with none left out)."""
    deleted: dict[str, int] = {}
    with transaction(db):
        for table in _erase_order():
            col = USER_COLUMNS[table]
            n = db.execute(f"DELETE FROM [{table}] WHERE [{col}] = ?", [user_id]).rowcount
            if n:
                deleted[table] = n
        for table, cols in DETACH_COLUMNS.items():
            for col in cols:
                db.execute(f"UPDATE [{table}] SET [{col}] = NULL WHERE [{col}] = ?", [user_id])
        pseudonym = audit.pseudonymise(db, user_id)
    audit.record(db, pseudonym, "user.forget", deleted)
    return deleted


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
