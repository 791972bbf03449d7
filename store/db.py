"""Opening the SQLite database and bringing its schema up to date.

The schema version lives in `PRAGMA user_version`; `MIGRATIONS[i]` takes a database from
version i to i+1. Migrations only ever move forward and each runs in its own transaction, which
also reads the version (under the write lock), so concurrent openers cannot race.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

log = logging.getLogger(__name__)


def _v1(db: sqlite_utils.Database) -> None:
    # Database.create_table, not Table.create: the latter commits on its own (see transaction).
    # The catalogue: a few indexed columns for operators and SQL tools, plus the full record.
    db.create_table(
        "centers",
        {
            "id": str,
            "name": str,
            "kind": str,
            "district": str,
            "street": str,
            "lat": float,
            "lon": float,
            "record": str,
        },
        pk="id",
    )
    db.create_table(
        "lectures",
        {"id": str, "district": str, "center": str, "status": str, "record": str},
        pk="id",
    )
    db.create_table(
        "lessons",
        {"id": str, "district": str, "center": str, "status": str, "record": str},
        pk="id",
    )
    db.create_table("guides", {"id": str, "record": str}, pk="id")
    db.create_table(
        "landmarks",
        {"name": str, "district": str, "lat": float, "lon": float, "record": str},
        pk="name",
    )
    db.create_table("catalogue_meta", {"key": str, "value": str}, pk="key")

    # People and conversations. A user id is "<channel>:<platform id>", e.g. "telegram:42".
    db.create_table(
        "users",
        {
            "id": str,
            "channel": str,
            "lang": str,
            "prefer_voice": int,
            "active": int,
            "home_district": str,
            "quiet_start": str,
            "quiet_end": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        defaults={"lang": "zh", "prefer_voice": 0, "active": 1},
        not_null={"channel", "created_at"},
    )
    db.create_table(
        "sessions",
        {"user_id": str, "state": str, "updated_at": str},
        pk="user_id",
        foreign_keys=[("user_id", "users", "id")],
    )
    db.create_table(
        "subscriptions",
        {
            "id": int,
            "user_id": str,
            "kind": str,
            "target_id": str,
            "filter": str,
            "offsets": str,
            "active": int,
            "created_at": str,
            "cancelled_at": str,
        },
        pk="id",
        defaults={"active": 1},
        foreign_keys=[("user_id", "users", "id")],
    )
    db.execute("CREATE INDEX idx_subscriptions_user ON subscriptions (user_id, active)")

    # The outbox: one row per reminder; the idempotency key makes planning and sending repeatable.
    db.create_table(
        "reminders",
        {
            "id": int,
            "subscription_id": int,
            "user_id": str,
            "event_kind": str,
            "event_id": str,
            "occurrence": str,
            "offset_minutes": int,
            "due_at": str,
            "status": str,
            "idem_key": str,
            "attempts": int,
            "claimed_at": str,
            "sent_at": str,
            "late": int,
            "last_error": str,
            "message": str,
        },
        pk="id",
        defaults={"status": "pending", "attempts": 0, "late": 0},
        foreign_keys=[("subscription_id", "subscriptions", "id")],
    )
    db.execute("CREATE UNIQUE INDEX idx_reminders_idem ON reminders (idem_key)")
    db.execute("CREATE INDEX idx_reminders_due ON reminders (status, due_at)")

    db.create_table(
        "announcements",
        {
            "id": int,
            "author": str,
            "audience": str,
            "text": str,
            "send_at": str,
            "status": str,
            "created_at": str,
            "sent_at": str,
        },
        pk="id",
        defaults={"status": "draft"},
    )
    db.create_table(
        "deliveries",
        {
            "id": int,
            "announcement_id": int,
            "user_id": str,
            "status": str,
            "idem_key": str,
            "attempts": int,
            "claimed_at": str,
            "sent_at": str,
            "last_error": str,
        },
        pk="id",
        defaults={"status": "pending", "attempts": 0},
        foreign_keys=[("announcement_id", "announcements", "id")],
    )
    db.execute("CREATE UNIQUE INDEX idx_deliveries_idem ON deliveries (idem_key)")

    db.create_table(
        "help_requests",
        {
            "id": int,
            "user_id": str,
            "reason": str,
            "context": str,
            "status": str,
            "created_at": str,
            "closed_at": str,
        },
        pk="id",
        defaults={"status": "open"},
    )
    db.execute("CREATE INDEX idx_help_requests_user ON help_requests (user_id, status)")
    db.create_table(
        "audit_log", {"id": int, "at": str, "actor": str, "action": str, "detail": str}, pk="id"
    )


def _v2_reminder_kinds(db: sqlite_utils.Database) -> None:
    # The outbox carries change notices as well as reminders ("reminder" | "notice"), and the
    # scheduler looks rows up by subscription (re-planning, unsubscribing).
    # Plain SQL: sqlite-utils' add_column/create_index commit on their own (see transaction).
    db.execute("ALTER TABLE reminders ADD COLUMN kind TEXT NOT NULL DEFAULT 'reminder'")
    db.execute(
        "CREATE INDEX idx_reminders_subscription_id_status ON reminders (subscription_id, status)"
    )


def _v3_callbacks(db: sqlite_utils.Database) -> None:
    # Button payloads longer than Telegram's 64-byte callback_data, behind short keys
    # (store/callbacks.py).
    db.create_table("callbacks", {"key": str, "payload": str, "created_at": str}, pk="key")


def _v4_reminder_events(db: sqlite_utils.Database) -> None:
    # What a reminder says about its session (title, time, place, link) is kept once per
    # session, not once per outbox row.
    db.create_table(
        "reminder_events",
        {"event_kind": str, "event_id": str, "occurrence": str, "snapshot": str},
        pk=("event_kind", "event_id", "occurrence"),
    )


def _web_inbox(db: sqlite_utils.Database) -> None:
    # What the scheduler delivered to a web-chat user ("web:…"): a page cannot be pushed to, so
    # reminders and notices wait here until the page fetches and acknowledges them
    # (store/inbox.py). `key` is the outbox row's idempotency key: one row per delivery.
    db.execute(
        "CREATE TABLE inbox (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, "
        "key TEXT NOT NULL, message TEXT NOT NULL, created_at TEXT NOT NULL)"
    )
    db.execute("CREATE UNIQUE INDEX idx_inbox_user_id_key ON inbox (user_id, key)")


def _per_user_indexes(db: sqlite_utils.Database) -> None:
    # Forget-me and my-data read and delete a user's outbox rows and deliveries: without these,
    # both were full table scans (100-200 ms at a million reminder rows). Deliveries are also
    # looked up per announcement (and an announcement's deletion checks them by foreign key);
    # the audit log is read by action and searched by actor (a user's entries).
    # tests/store/test_query_plans.py fails on any per-user or per-event query that scans.
    db.execute("CREATE INDEX idx_reminders_user_status ON reminders (user_id, status)")
    db.execute("CREATE INDEX idx_deliveries_user ON deliveries (user_id)")
    db.execute(
        "CREATE INDEX idx_deliveries_announcement_status ON deliveries (announcement_id, status)"
    )
    db.execute("CREATE INDEX idx_audit_log_action ON audit_log (action)")
    db.execute("CREATE INDEX idx_audit_log_actor ON audit_log (actor)")


def _user_local_id_index(db: sqlite_utils.Database) -> None:
    # `leling … --user c3` finds "terminal:c3" by the part after the channel prefix
    # (store.users.find): an index on that expression instead of a scan of every user.
    db.execute("CREATE INDEX idx_users_local_id ON users (substr(id, instr(id, ':') + 1))")


def _audit_key(db: sqlite_utils.Database) -> None:
    # The key of the audit log's user pseudonyms (store/audit.py), made on first use.
    # IF NOT EXISTS: a database opened by a branch where this migration had another number
    # already has the table.
    db.execute("CREATE TABLE IF NOT EXISTS audit_key (id INTEGER PRIMARY KEY, value TEXT)")


def _volunteers_and_desk(db: sqlite_utils.Database) -> None:
    # Volunteers (store/volunteers.py): who they are, the one-time codes that made them, and the
    # desk's outbox (store/desk.py) of notices to volunteers and relayed replies to users, which
    # the scheduler's courier sends. A help request remembers who claimed it and when it was
    # announced again to everyone (once).
    db.execute(
        "CREATE TABLE volunteers (user_id TEXT PRIMARY KEY, name TEXT NOT NULL, org TEXT NOT NULL,"
        " districts TEXT NOT NULL DEFAULT '[]', active INTEGER NOT NULL DEFAULT 1,"
        " invited_by TEXT, created_at TEXT NOT NULL, revoked_at TEXT)"
    )
    db.execute(
        "CREATE TABLE volunteer_invites (code TEXT PRIMARY KEY, org TEXT NOT NULL,"
        " district TEXT, name TEXT, created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
        " used_by TEXT, used_at TEXT)"
    )
    db.execute(
        "CREATE TABLE desk_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL,"
        " kind TEXT NOT NULL, request_id INTEGER, message TEXT NOT NULL,"
        " status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,"
        " created_at TEXT NOT NULL, sent_at TEXT, last_error TEXT)"
    )
    db.execute("CREATE INDEX idx_desk_outbox_status ON desk_outbox (status, id)")
    db.execute("CREATE INDEX idx_desk_outbox_user ON desk_outbox (user_id)")
    db.execute("CREATE INDEX idx_volunteer_invites_used_by ON volunteer_invites (used_by)")
    db.execute("CREATE INDEX idx_volunteers_invited_by ON volunteers (invited_by)")
    for column in ("volunteer_id TEXT", "claimed_at TEXT", "reannounced_at TEXT", "ended_by TEXT"):
        db.execute(f"ALTER TABLE help_requests ADD COLUMN {column}")
    db.execute("CREATE INDEX idx_help_requests_status ON help_requests (status, id)")
    db.execute("CREATE INDEX idx_help_requests_volunteer ON help_requests (volunteer_id, status)")
    db.execute("CREATE INDEX idx_help_requests_ended_by ON help_requests (ended_by)")


def _announcement_delivery(db: sqlite_utils.Database) -> None:
    # Announcements (store/announcements.py, scheduler/announce.py): the sender's label as
    # recipients see it, an optional photo, the recipient count, who cancelled or stopped it;
    # each delivery row gets its own due time (quiet hours defer it); users may opt out of
    # announcements ("不要再发通知了") and keep their reminders.
    for column in (
        "label TEXT",
        "photo TEXT",
        "total INTEGER NOT NULL DEFAULT 0",
        "started_at TEXT",
        "finished_at TEXT",
        "cancelled_by TEXT",
        "stopped_by TEXT",
        "reported_at TEXT",
    ):
        db.execute(f"ALTER TABLE announcements ADD COLUMN {column}")
    db.execute("ALTER TABLE deliveries ADD COLUMN due_at TEXT")
    db.execute("ALTER TABLE users ADD COLUMN news_off INTEGER NOT NULL DEFAULT 0")
    db.execute("CREATE INDEX idx_announcements_status ON announcements (status, send_at)")
    db.execute("CREATE INDEX idx_announcements_author ON announcements (author)")
    db.execute("CREATE INDEX idx_announcements_cancelled_by ON announcements (cancelled_by)")
    db.execute("CREATE INDEX idx_announcements_stopped_by ON announcements (stopped_by)")
    db.execute("CREATE INDEX idx_deliveries_user_sent ON deliveries (user_id, status, sent_at)")


def _deliveries_due_index(db: sqlite_utils.Database) -> None:
    # The announcement courier (store/announcement_rows.py) reads pending deliveries by due time.
    db.execute("CREATE INDEX idx_deliveries_status_due ON deliveries (status, due_at)")


def _usage_events_and_not_understood(db: sqlite_utils.Database) -> None:
    # Usage events for the monthly report and /admin (store/events.py): no user text, a
    # pseudonymous user key; read by time range. The not-understood queue
    # (store/not_understood.py): masked texts only, no user id, kept 30 days by default.
    # IF NOT EXISTS: a database opened by a branch where this migration had another number.
    db.execute(
        "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, at TEXT NOT NULL,"
        " kind TEXT NOT NULL, user_key TEXT, channel TEXT, district TEXT, intent TEXT,"
        " detail TEXT)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS idx_events_at ON events (at)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_events_user_key ON events (user_key)")
    db.execute(
        "CREATE TABLE IF NOT EXISTS not_understood (id INTEGER PRIMARY KEY, at TEXT NOT NULL,"
        " lang TEXT NOT NULL, text TEXT NOT NULL, norm TEXT NOT NULL, intent TEXT,"
        " confidence REAL, assigned TEXT, assigned_by TEXT, assigned_at TEXT)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS idx_not_understood_at ON not_understood (at)")
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_not_understood_open ON not_understood (assigned, id)"
    )


def _staff_tokens(db: sqlite_utils.Database) -> None:
    # One-time sign-in links for the staff pages (store/staff_tokens.py): only a hash is kept.
    db.execute(
        "CREATE TABLE IF NOT EXISTS staff_tokens (token_hash TEXT PRIMARY KEY,"
        " user_id TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL,"
        " used_at TEXT)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS idx_staff_tokens_user ON staff_tokens (user_id)")


def _events_without_user_key_index(db: sqlite_utils.Database) -> None:
    # Erasure no longer rewrites the events (their pseudonym covers the user row's creation time,
    # so deleting the row makes it unlinkable: store/events.py), and the per-user index made
    # every turn's INSERT touch a random page (bench/events.py).
    db.execute("DROP INDEX IF EXISTS idx_events_user_key")


def _web_links(db: sqlite_utils.Database) -> None:
    # One-time links from a WeChat chat to the web chat as the same user
    # (bot/channels/wechat_link.py): only the token's SHA-256 is kept; single use, short-lived.
    # IF NOT EXISTS: a database opened by a branch where this migration had another number.
    db.execute(
        "CREATE TABLE IF NOT EXISTS web_links (token_hash TEXT PRIMARY KEY,"
        " user_id TEXT NOT NULL, start TEXT, created_at TEXT NOT NULL, expires_at TEXT NOT NULL,"
        " used_at TEXT)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS idx_web_links_user ON web_links (user_id)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_web_links_expires ON web_links (expires_at)")


def _desk_outbox_by_request(db: sqlite_utils.Database) -> None:
    # The /desk console reads one help request's conversation (store/desk_outbox.thread).
    db.execute("CREATE INDEX IF NOT EXISTS idx_desk_outbox_request ON desk_outbox (request_id, id)")


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _v1,
    _v2_reminder_kinds,
    _v3_callbacks,
    _v4_reminder_events,
    _web_inbox,
    _per_user_indexes,
    _user_local_id_index,
    _audit_key,
    _volunteers_and_desk,
    _announcement_delivery,
    _deliveries_due_index,
    _staff_tokens,
    _usage_events_and_not_understood,
    _web_links,
    _events_without_user_key_index,
    _desk_outbox_by_request,
]
SCHEMA_VERSION = len(MIGRATIONS)


class NewerSchemaError(RuntimeError):
    """The database was written by a newer Leling than this one."""


def schema_version(db: sqlite_utils.Database) -> int:
    """The schema version recorded in the database file (0 for a new file)."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database) -> int:
    """Apply every pending migration, each in one transaction; return the resulting version.

    The version is read again, and changed, under `BEGIN IMMEDIATE` (the write lock), so
    several processes opening a new database at once never apply a migration twice: whoever
    gets the lock second finds the work done.
    """
    version = _check_version(db, schema_version(db))
    while version < SCHEMA_VERSION:
        with transaction(db):
            version = _check_version(db, schema_version(db))
            if version >= SCHEMA_VERSION:
                break  # another process migrated while we waited for the lock
            MIGRATIONS[version](db)
            version += 1
            db.execute(f"PRAGMA user_version = {version}")
        log.info("database migrated to schema version %d", version)
    return version


def _check_version(db: sqlite_utils.Database, version: int) -> int:
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"{db.conn.execute('PRAGMA database_list').fetchone()[2]} has schema version "
            f"{version}, but this Leling only knows up to {SCHEMA_VERSION}. Upgrade Leling."
        )
    return version


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """All-or-nothing: BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception.

    Python's sqlite3 does not open a transaction before DDL, and sqlite-utils' write helpers
    (`insert_all`, `upsert`) commit on their own; so code that must be atomic runs inside this
    and writes with plain `db.execute` / `db.conn.executemany`.
    """
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()


@contextmanager
def page_cache(db: sqlite_utils.Database, kib: int) -> Iterator[sqlite_utils.Database]:
    """A page cache of `kib` KiB on this connection meanwhile (bulk writes), then the old one."""
    old = int(db.execute("PRAGMA cache_size").fetchone()[0])
    db.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield db
    finally:
        db.execute(f"PRAGMA cache_size = {old}")


def _wal(conn: sqlite3.Connection, attempts: int = 200) -> None:
    """Switch to WAL mode. Switching takes an exclusive lock and SQLite answers "database is
    locked" at once (no busy wait) when another process holds the file, e.g. several opening a
    new database together: then wait a little and look again — usually it has done it for us."""
    for _ in range(attempts):
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            time.sleep(0.02)
    conn.execute("PRAGMA journal_mode = WAL")  # one last time, raising what SQLite says


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
    _wal(conn)
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 30000")
    if _autocheckpoint is not None:
        db.execute(f"PRAGMA wal_autocheckpoint = {_autocheckpoint}")
    migrate(db)
    return db


# WAL checkpoints off the request path (issue #16). By default the commit that makes the WAL
# pass 1,000 pages copies it into the database file and syncs it (10-20 ms), inside whatever
# turn happened to write then (one forget-me in thirty). `leling run` lets the reminder
# dispatcher's thread do it every few seconds instead; the larger limit stays as a safety net
# should that thread stop.
BACKGROUND_CHECKPOINT_PAGES = 10_000


_autocheckpoint: int | None = None  # None: SQLite's own (1,000 pages)


def checkpoint_in_background(db: sqlite_utils.Database | None = None) -> None:
    """From now on, connections `open_db` opens in this process (and `db`, when given) leave WAL
    checkpoints to `checkpoint` called on another thread; each still checkpoints by itself past
    BACKGROUND_CHECKPOINT_PAGES."""
    global _autocheckpoint
    _autocheckpoint = BACKGROUND_CHECKPOINT_PAGES
    if db is not None:
        db.execute(f"PRAGMA wal_autocheckpoint = {_autocheckpoint}")


def checkpoint(db: sqlite_utils.Database) -> int:
    """Copy what the WAL holds into the database file without waiting for readers or writers
    (a passive checkpoint); the number of WAL frames now in the file."""
    row = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return max(0, row[2]) if row else 0


def fetch_one(db: sqlite_utils.Database, sql: str, params: list) -> dict | None:
    """The first row `sql` selects, as a dict by column name, or None (plain SQL: the per-user
    reads of the store, where sqlite-utils' table helpers would list the schema first)."""
    cursor = db.conn.execute(sql, params)
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row, strict=True))
