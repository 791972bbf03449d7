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
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlite_utils

TZ = ZoneInfo("Asia/Shanghai")
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
# A new pending reminder (the other columns take their defaults) …
REMINDER_COLUMNS = (
    "subscription_id",
    "user_id",
    "event_kind",
    "event_id",
    "occurrence",
    "offset_minutes",
    "due_at",
    "idem_key",
)
# … and a notice (or its ledger row).
NOTICE_COLUMNS = (
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
    "message",
)
_JOINED = (
    ", ".join(f"r.{c}" for c in COLUMNS if c != "message")
    + ", coalesce(r.message, e.snapshot) AS message"
)
_FROM = (
    " FROM reminders r LEFT JOIN reminder_events e ON e.event_kind = r.event_kind AND "
    "e.event_id = r.event_id AND e.occurrence = r.occurrence"
)
_SELECT = "SELECT " + _JOINED + _FROM
_CHUNK = 500  # SQLite's variable limit is 32766; stay well below it


def iso(when: datetime) -> str:
    """The stored form of a time: Asia/Shanghai, whole seconds, with +08:00."""
    return when.astimezone(TZ).replace(microsecond=0).isoformat()


def _rows(cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# -- planning -----------------------------------------------------------------------------


def rows_for_planning(
    db: sqlite_utils.Database, subscription_ids: Sequence[int], now: datetime
) -> dict[int, list[dict]]:
    """Per subscription: its rows for events that have not begun yet, and all its notices
    (`sqlite3.Row`s: read them by column name)."""
    out: dict[int, list[dict]] = {sid: [] for sid in subscription_ids}
    for part in _chunks(list(subscription_ids)):
        marks = ",".join("?" * len(part))
        cur = db.conn.cursor()
        # sqlite3.Row, made in C, read by name like a dict: a daily re-plan reads millions.
        cur.row_factory = sqlite3.Row
        cur.execute(
            "SELECT id, subscription_id, kind, event_kind, event_id, occurrence, due_at, status, "
            f"idem_key, attempts FROM reminders WHERE subscription_id IN ({marks}) "
            "AND (occurrence > ? OR kind = 'notice')",
            [*part, iso(now)],
        )
        for row in cur.fetchall():
            out[row[1]].append(row)
    return out


def quiet_hours(db: sqlite_utils.Database, user_ids: Iterable[str]) -> dict[str, tuple]:
    """user id → (quiet_start, quiet_end, active) for the given users."""
    ids = sorted(set(user_ids))
    out: dict[str, tuple] = {}
    for part in _chunks(ids):
        marks = ",".join("?" * len(part))
        for uid, qs, qe, active in db.execute(
            f"SELECT id, quiet_start, quiet_end, active FROM users WHERE id IN ({marks})",
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
        for part in _chunks(list(deletes)):
            db.conn.execute(
                f"DELETE FROM reminders WHERE status = 'pending' AND id IN "
                f"({','.join('?' * len(part))})",
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


# -- dispatching --------------------------------------------------------------------------


def _with_users(db: sqlite_utils.Database, rows: list[dict]) -> list[dict]:
    users = {}
    ids = sorted({r["user_id"] for r in rows})
    for part in _chunks(ids):
        for uid, lang, qs, qe, active in db.execute(
            "SELECT id, lang, quiet_start, quiet_end, active FROM users WHERE id IN "
            f"({','.join('?' * len(part))})",
            list(part),
        ).fetchall():
            users[uid] = {"lang": lang, "quiet_start": qs, "quiet_end": qe, "active": active}
    for r in rows:
        r.update(
            users.get(
                r["user_id"], {"lang": "zh", "quiet_start": None, "quiet_end": None, "active": 0}
            )
        )
    rows.sort(key=lambda r: (r["due_at"], r["id"]))
    return rows


# A due row is "covered" when a sibling for the same user and session makes sending it pointless:
# for reminders, one planned closer to the session (smaller offset_minutes; the smaller id on a
# tie) that is due too, or already in flight or sent — so after downtime only the latest offset
# goes out, across batches and restarts; for notices, the same notice through another
# subscription (smaller id) that is due, in flight or sent. The siblings are found through the
# user's subscriptions (indexed), never by a scan.
_COVERED = """EXISTS (SELECT 1 FROM reminders s WHERE s.subscription_id IN (
    SELECT id FROM subscriptions WHERE user_id = r.user_id)
  AND s.event_kind = r.event_kind AND s.event_id = r.event_id AND s.occurrence = r.occurrence
  AND s.kind = r.kind AND s.id != r.id
  AND (s.status IN ('claimed', 'sending', 'sent', 'unknown')
       OR (s.status = 'pending' AND s.due_at <= :now))
  AND CASE WHEN r.kind = 'reminder'
      THEN s.offset_minutes < r.offset_minutes
           OR (s.offset_minutes = r.offset_minutes AND s.id < r.id)
      ELSE s.message IS r.message AND s.id < r.id END) AS covered"""
_SELECT_DUE = "SELECT " + _JOINED + ", " + _COVERED + _FROM


def due_rows(
    db: sqlite_utils.Database, now: datetime, limit: int, after: tuple[str, int] | None = None
) -> list[dict]:
    """Up to `limit` pending rows due at `now` (oldest first; after the (due_at, id) `after`),
    with the user's lang, quiet hours and active flag, and `covered` (see above).

    Nothing is claimed: a row stays `pending` until `mark_attempt` moves it to `sending` just
    before its send, so a crash leaves nothing half-taken."""
    where = "r.status = 'pending' AND r.due_at <= :now"
    args: dict = {"now": iso(now), "limit": limit}
    if after is not None:
        where += " AND r.due_at >= :after_due AND (r.due_at > :after_due OR r.id > :after_id)"
        args.update(after_due=after[0], after_id=after[1])
    cur = db.execute(
        f"{_SELECT_DUE} WHERE {where} ORDER BY r.due_at, r.id LIMIT :limit",
        args,
    )
    rows = _rows(cur)
    for r in rows:
        r["covered"] = bool(r["covered"])
    return _with_users(db, rows)


def mark_attempt(db: sqlite_utils.Database, row_id: int, now: datetime) -> bool:
    """pending → sending (attempts + 1, `claimed_at` = now), committed right BEFORE the send.
    False when the row is no longer pending and due (sent by another process, unsubscribed,
    moved by a re-plan): then it must not be sent."""
    stamp = iso(now)
    with db.conn:
        return (
            db.conn.execute(
                "UPDATE reminders SET status = 'sending', attempts = attempts + 1, "
                "claimed_at = ? WHERE id = ? AND status = 'pending' AND due_at <= ?",
                [stamp, row_id, stamp],
            ).rowcount
            == 1
        )


def mark_sent(db: sqlite_utils.Database, row_id: int, now: datetime, late: bool) -> None:
    """sending → sent."""
    with db.conn:
        db.conn.execute(
            "UPDATE reminders SET status = 'sent', sent_at = ?, late = ?, "
            "last_error = NULL WHERE id = ?",
            [iso(now), int(late), row_id],
        )


def retry_at(db: sqlite_utils.Database, row_id: int, due: datetime, error: str) -> None:
    """sending → pending again, due at `due` (transient error)."""
    with db.conn:
        db.conn.execute(
            "UPDATE reminders SET status = 'pending', due_at = ?, last_error = ?, "
            "claimed_at = NULL WHERE id = ?",
            [iso(due), error[:500], row_id],
        )


def finish(
    db: sqlite_utils.Database,
    row_ids: Sequence[int],
    status: str,
    error: str | None = None,
    *,
    only_pending: bool = False,
) -> None:
    """Close rows for good: `failed`, `expired`, `skipped` or `merged`. `only_pending`: leave
    alone any row another process has taken meanwhile."""
    guard = " AND status = 'pending'" if only_pending else ""
    with db.conn:
        for part in _chunks(list(row_ids)):
            db.conn.execute(
                f"UPDATE reminders SET status = ?, last_error = ? WHERE id IN "
                f"({','.join('?' * len(part))}){guard}",
                [status, error, *part],
            )


def postpone(db: sqlite_utils.Database, row_ids: Sequence[int], due: datetime) -> None:
    """Pending rows now due at `due` instead (a late reminder waits out quiet hours)."""
    with db.conn:
        for part in _chunks(list(row_ids)):
            db.conn.execute(
                "UPDATE reminders SET due_at = ? WHERE status = 'pending' AND id IN "
                f"({','.join('?' * len(part))})",
                [iso(due), *part],
            )


def recover(
    db: sqlite_utils.Database, stale_before: datetime, exclude: Iterable[int] = ()
) -> tuple[int, list[dict]]:
    """Resolve rows a dead dispatcher left behind (attempted before `stale_before`, and not in
    `exclude`, the caller's own sends in flight): `sending` rows become `unknown` and are NOT
    sent again (the request may or may not have reached the user). `claimed` rows (left by
    releases before 0.2, which claimed whole batches) go back to pending. Return (released
    count, the rows now unknown)."""
    stamp = iso(stale_before)
    skip = sorted(set(exclude))
    mine = f" AND id NOT IN ({','.join('?' * len(skip))})" if skip else ""
    with db.conn:
        released = db.conn.execute(
            "UPDATE reminders SET status = 'pending', claimed_at = NULL "
            "WHERE status = 'claimed' AND claimed_at <= ?",
            [stamp],
        ).rowcount
        unknown = _rows(
            db.conn.execute(
                "UPDATE reminders SET status = 'unknown', last_error = 'process stopped during send' "
                f"WHERE status = 'sending' AND claimed_at <= ?{mine} RETURNING "
                + ", ".join(COLUMNS),
                [stamp, *skip],
            )
        )
    return released, unknown


def next_due_at(db: sqlite_utils.Database, after: tuple[str, int] | None = None) -> str | None:
    """The earliest due time among pending rows (after the (due_at, id) `after`)."""
    if after is None:
        return db.execute("SELECT min(due_at) FROM reminders WHERE status = 'pending'").fetchone()[
            0
        ]
    return db.execute(
        "SELECT min(due_at) FROM reminders WHERE status = 'pending' AND due_at >= ? "
        "AND (due_at > ? OR id > ?)",
        [after[0], after[0], after[1]],
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
        where.append(f"r.status IN ({','.join('?' * len(statuses))})")
        args.extend(statuses)
    sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY r.due_at, r.id"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return _rows(db.execute(sql, args))


def status_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """How many rows are in each status."""
    return dict(db.execute("SELECT status, count(*) FROM reminders GROUP BY status").fetchall())
