"""Opening the SQLite database and bringing its schema up to date.

The schema version lives in `PRAGMA user_version`; `MIGRATIONS[i]` takes a database from
version i to i+1. Migrations only ever move forward and each runs in its own transaction.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

log = logging.getLogger(__name__)


def _v1(db: sqlite_utils.Database) -> None:
    # The catalogue: a few indexed columns for operators and SQL tools, plus the full record.
    db["centers"].create(
        {"id": str, "name": str, "kind": str, "district": str, "street": str,
         "lat": float, "lon": float, "record": str},
        pk="id",
    )
    db["lectures"].create(
        {"id": str, "district": str, "center": str, "status": str, "record": str}, pk="id"
    )
    db["lessons"].create(
        {"id": str, "district": str, "center": str, "status": str, "record": str}, pk="id"
    )
    db["guides"].create({"id": str, "record": str}, pk="id")
    db["landmarks"].create(
        {"name": str, "district": str, "lat": float, "lon": float, "record": str}, pk="name"
    )
    db["catalogue_meta"].create({"key": str, "value": str}, pk="key")

    # People and conversations. A user id is "<channel>:<platform id>", e.g. "telegram:42".
    db["users"].create(
        {"id": str, "channel": str, "lang": str, "prefer_voice": int, "active": int,
         "home_district": str, "quiet_start": str, "quiet_end": str,
         "created_at": str, "updated_at": str},
        pk="id",
        defaults={"lang": "zh", "prefer_voice": 0, "active": 1},
        not_null={"channel", "created_at"},
    )
    db["sessions"].create(
        {"user_id": str, "state": str, "updated_at": str},
        pk="user_id", foreign_keys=[("user_id", "users", "id")],
    )
    db["subscriptions"].create(
        {"id": int, "user_id": str, "kind": str, "target_id": str, "filter": str,
         "offsets": str, "active": int, "created_at": str, "cancelled_at": str},
        pk="id", defaults={"active": 1}, foreign_keys=[("user_id", "users", "id")],
    )
    db["subscriptions"].create_index(["user_id", "active"])

    # The outbox: one row per reminder; the idempotency key makes planning and sending repeatable.
    db["reminders"].create(
        {"id": int, "subscription_id": int, "user_id": str, "event_kind": str, "event_id": str,
         "occurrence": str, "offset_minutes": int, "due_at": str, "status": str,
         "idem_key": str, "attempts": int, "claimed_at": str, "sent_at": str,
         "late": int, "last_error": str, "message": str},
        pk="id", defaults={"status": "pending", "attempts": 0, "late": 0},
        foreign_keys=[("subscription_id", "subscriptions", "id")],
    )
    db["reminders"].create_index(["idem_key"], unique=True)
    db["reminders"].create_index(["status", "due_at"])

    db["announcements"].create(
        {"id": int, "author": str, "audience": str, "text": str, "send_at": str,
         "status": str, "created_at": str, "sent_at": str},
        pk="id", defaults={"status": "draft"},
    )
    db["deliveries"].create(
        {"id": int, "announcement_id": int, "user_id": str, "status": str, "idem_key": str,
         "attempts": int, "claimed_at": str, "sent_at": str, "last_error": str},
        pk="id", defaults={"status": "pending", "attempts": 0},
        foreign_keys=[("announcement_id", "announcements", "id")],
    )
    db["deliveries"].create_index(["idem_key"], unique=True)

    db["help_requests"].create(
        {"id": int, "user_id": str, "reason": str, "context": str, "status": str,
         "created_at": str, "closed_at": str},
        pk="id", defaults={"status": "open"},
    )
    db["audit_log"].create(
        {"id": int, "at": str, "actor": str, "action": str, "detail": str}, pk="id"
    )


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1]
SCHEMA_VERSION = len(MIGRATIONS)


class NewerSchemaError(RuntimeError):
    """The database was written by a newer Leling than this one."""


def schema_version(db: sqlite_utils.Database) -> int:
    """The schema version recorded in the database file (0 for a new file)."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database) -> int:
    """Apply every pending migration, each in one transaction; return the resulting version."""
    version = schema_version(db)
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"{db.conn.execute('PRAGMA database_list').fetchone()[2]} has schema version "
            f"{version}, but this Leling only knows up to {SCHEMA_VERSION}. Upgrade Leling."
        )
    while version < SCHEMA_VERSION:
        with db.conn:
            MIGRATIONS[version](db)
            version += 1
            db.execute(f"PRAGMA user_version = {version}")
        log.info("database migrated to schema version %d", version)
    return version


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the database at `path` in WAL mode, migrated to the latest schema.

    `check_same_thread=False` because the web and Telegram channels hand the connection to a
    worker thread (`asyncio.to_thread`); callers must not use one connection from two threads
    at once.
    """
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30, isolation_level=None)
    conn.isolation_level = ""  # let `with conn:` manage transactions as usual
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 30000")
    migrate(db)
    return db
