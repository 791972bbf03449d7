"""The reminder outbox: one row per reminder or change notice; all of its SQL lives here.

A row's life (`status`):

    pending ──attempt──> sending ──> sent
       │                      ├──> pending   (transient error: due again later)
       │                      ├──> failed    (permanent error / out of retries)
       │                      └──> unknown   (process died mid-send: NOT resent)
       ├──> expired (the event began first, or the user is inactive)
       ├──> skipped (covered: a reminder closer to the session, or the same notice, went out)
       └──> merged  (a notice ledger row folded into another notice; never sent)

A row is `sending` only from just before its request goes out until the answer is recorded, so
a crash leaves at most the sends in flight `sending` (then `unknown`). `claimed` is a status of
older releases (whole batches were claimed); `recover` returns such rows to pending.

`idem_key` is UNIQUE, so planning twice inserts nothing new. Times are ISO-8601 strings in
Asia/Shanghai with +08:00 and whole seconds, so string order is time order.

A reminder row's `message` is NULL: what it says about its session lives once per session in
`reminder_events.snapshot` (JSON) and is joined in when read. A notice row's `message` is its
own JSON ({"change", "event", "new"}).

This module is the planning side (what the planner writes) and reading (the CLI, tests);
`store/sending.py` is the dispatcher's side: due rows and the moves of a send.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlite_utils

from store.outbox_moves import chunks, iso, marks, rows

COLUMNS = (
    "id",
    "subscription_id",
    "user_id",
    "kind",
    "event_kind",
    "event_id",
    "occurrence",
    "offset_minutes",
    "due_at",
    "status",
    "idem_key",
    "attempts",
    "claimed_at",
    "sent_at",
    "late",
    "last_error",
    "message",
)
# Filled by the database (id) or by the sending side (store/sending.py), never when planning.
_SET_WHEN_SENDING = ("id", "attempts", "claimed_at", "sent_at", "late", "last_error")
# A notice (or its ledger row) is inserted with every other column …
NOTICE_COLUMNS = tuple(c for c in COLUMNS if c not in _SET_WHEN_SENDING)
# … a new pending reminder without these, which take their defaults ('reminder', 'pending', NULL).
REMINDER_COLUMNS = tuple(c for c in NOTICE_COLUMNS if c not in ("kind", "status", "message"))
# How a row is read (by the CLI here, by the dispatcher in store/sending.py): every column, a
# reminder's message joined in from its session's snapshot.
READ_COLUMNS = (
    ", ".join(f"r.{c}" for c in COLUMNS if c != "message")
    + ", coalesce(r.message, e.snapshot) AS message"
)
READ_FROM = (
    " FROM reminders r LEFT JOIN reminder_events e ON e.event_kind = r.event_kind AND "
    "e.event_id = r.event_id AND e.occurrence = r.occurrence"
)
_SELECT = "SELECT " + READ_COLUMNS + READ_FROM


# -- planning -----------------------------------------------------------------------------


# The columns `rows_for_planning` reads, in the order of its tuples.
PLANNING_FIELDS = (
    "id",
    "subscription_id",
    "kind",
    "event_kind",
    "event_id",
    "occurrence",
    "due_at",
    "status",
    "idem_key",
    "attempts",
)


def rows_for_planning(
    db: sqlite_utils.Database, subscription_ids: Sequence[int], now: datetime
) -> dict[int, list[tuple]]:
    """Per subscription: its rows for events that have not begun yet, and all its notices, as
    plain tuples in `PLANNING_FIELDS` order (a daily re-plan reads millions of them).

    The ids come a page at a time in id order, so they are read as one range of the
    (subscription_id, status) index and rows of subscriptions not asked for are skipped."""
    out: dict[int, list[tuple]] = {sid: [] for sid in subscription_ids}
    if not out:
        return out
    cur = db.conn.execute(
        f"SELECT {', '.join(PLANNING_FIELDS)} FROM reminders "
        "WHERE subscription_id BETWEEN ? AND ? AND (occurrence > ? OR kind = 'notice')",
        [min(out), max(out), iso(now)],
    )
    get = out.get
    for row in cur.fetchall():
        rows = get(row[1])
        if rows is not None:
            rows.append(row)
    return out


def quiet_hours(db: sqlite_utils.Database, user_ids: Iterable[str]) -> dict[str, tuple]:
    """user id → (quiet_start, quiet_end, active) for the given users."""
    ids = sorted(set(user_ids))
    out: dict[str, tuple] = {}
    for part in chunks(ids):
        for uid, qs, qe, active in db.execute(
            f"SELECT id, quiet_start, quiet_end, active FROM users WHERE id IN ({marks(part)})",
            list(part),
        ).fetchall():
            out[uid] = (qs, qe, active)
    return out


def apply_plan(
    db: sqlite_utils.Database,
    inserts: Sequence[tuple],
    updates: Sequence[tuple[str, int, int]],
    deletes: Sequence[int],
    snapshots: Sequence[tuple[str, str, str, str]] = (),
    notices: Sequence[dict] = (),
) -> int:
    """In one transaction: save session snapshots ((event_kind, event_id, occurrence, JSON)),
    insert new pending reminders (tuples in `REMINDER_COLUMNS` order) and notices (dicts with
    `NOTICE_COLUMNS`) — existing idem keys are left alone —, move pending rows (`updates`:
    (due_at, offset_minutes, id)) and delete pending rows. Return how many rows were inserted."""
    with db.conn:
        if snapshots:
            db.conn.executemany(
                "INSERT INTO reminder_events (event_kind, event_id, occurrence, snapshot) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (event_kind, event_id, occurrence) DO UPDATE "
                "SET snapshot = excluded.snapshot WHERE snapshot IS NOT excluded.snapshot",
                snapshots,
            )
        before = db.conn.total_changes
        for columns, rows in (
            (REMINDER_COLUMNS, inserts),
            (NOTICE_COLUMNS, [tuple(n[c] for c in NOTICE_COLUMNS) for n in notices]),
        ):
            if rows:
                db.conn.executemany(
                    f"INSERT OR IGNORE INTO reminders ({', '.join(columns)}) VALUES "
                    f"({', '.join('?' * len(columns))})",
                    rows,
                )
        inserted = db.conn.total_changes - before
        if updates:
            db.conn.executemany(
                "UPDATE reminders SET due_at = ?, offset_minutes = ? "
                "WHERE id = ? AND status = 'pending'",
                updates,
            )
        for part in chunks(list(deletes)):
            db.conn.execute(
                f"DELETE FROM reminders WHERE status = 'pending' AND id IN ({marks(part)})",
                list(part),
            )
    return inserted


def snapshot(
    db: sqlite_utils.Database, event_kind: str, event_id: str, occurrence: str
) -> str | None:
    """The stored snapshot (JSON) of one session, or None."""
    row = db.execute(
        "SELECT snapshot FROM reminder_events WHERE event_kind = ? AND "
        "event_id = ? AND occurrence = ?",
        [event_kind, event_id, occurrence],
    ).fetchone()
    return row[0] if row else None


def drop_for_subscription(db: sqlite_utils.Database, subscription_id: int) -> int:
    """Delete a subscription's pending rows (unsubscribed); return how many."""
    with db.conn:
        return db.conn.execute(
            "DELETE FROM reminders WHERE subscription_id = ? AND status = 'pending'",
            [subscription_id],
        ).rowcount


def drop_for_user(db: sqlite_utils.Database, user_id: str) -> int:
    """Delete all of a user's pending rows (they blocked the bot); return how many."""
    with db.conn:
        return db.conn.execute(
            "DELETE FROM reminders WHERE user_id = ? AND status = 'pending'", [user_id]
        ).rowcount


def drop_orphans(db: sqlite_utils.Database) -> int:
    """Delete pending rows whose subscription or user is no longer active; return how many."""
    with db.conn:
        return db.conn.execute(
            "DELETE FROM reminders WHERE status = 'pending' AND subscription_id IN ("
            "SELECT s.id FROM subscriptions s JOIN users u ON u.id = s.user_id "
            "WHERE s.active = 0 OR u.active = 0)"
        ).rowcount


def count_pending(db: sqlite_utils.Database, subscription_id: int | None = None) -> int:
    """Pending rows, of one subscription or of all."""
    if subscription_id is None:
        return db.execute("SELECT count(*) FROM reminders WHERE status = 'pending'").fetchone()[0]
    return db.execute(
        "SELECT count(*) FROM reminders WHERE subscription_id = ? AND status = 'pending'",
        [subscription_id],
    ).fetchone()[0]


# -- reading ------------------------------------------------------------------------------


def list_rows(
    db: sqlite_utils.Database,
    *,
    user_id: str | None = None,
    statuses: Sequence[str] | None = None,
    limit: int | None = None,
) -> list[dict]:
    """Outbox rows (merged notice ledger rows left out), by due time."""
    where, args = ["r.status != 'merged'"], []
    if user_id:
        where.append("r.user_id = ?")
        args.append(user_id)
    if statuses:
        where.append(f"r.status IN ({marks(statuses)})")
        args.extend(statuses)
    sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY r.due_at, r.id"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return rows(db.execute(sql, args))


def status_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """How many rows are in each status."""
    return dict(db.execute("SELECT status, count(*) FROM reminders GROUP BY status").fetchall())


def last_id(db: sqlite_utils.Database) -> int:
    """The newest outbox row's id (0 for an empty outbox): rows planned later have larger ids."""
    return db.execute("SELECT COALESCE(MAX(id), 0) FROM reminders").fetchone()[0]


def notices_after(db: sqlite_utils.Database, after_id: int) -> list[tuple]:
    """The pending notices planned after row `after_id`, one row per event: (event_kind,
    event_id, change, title JSON, how many people)."""
    return db.execute(
        "SELECT event_kind, event_id, json_extract(message, '$.change'), "
        "json_extract(message, '$.event.title'), COUNT(DISTINCT user_id) FROM reminders "
        "WHERE kind = 'notice' AND status = 'pending' AND id > ? "
        "GROUP BY event_kind, event_id ORDER BY event_kind, event_id",
        [after_id],
    ).fetchall()
