"""The reminder outbox, sending side: the due rows a dispatcher reads and the status moves of
one send (pending → sending → sent / pending again / failed …). The row's life and the columns
are described in `store/reminders.py`, which holds the planning side; all SQL stays in `store/`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlite_utils

from store.reminders import _FROM, _JOINED, COLUMNS, _chunks, _rows, iso


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


# The usage event of a reminder sent or failed (store/events.py), written in the same transaction
# as the status: its channel from the user id, its district from the lecture or class (or its
# center), no user key. A failure counts at the time the reminder was due.
_DISTRICT = (
    "CASE r.event_kind WHEN 'lecture' THEN (SELECT coalesce(e.district, c.district) "
    "FROM lectures e LEFT JOIN centers c ON c.id = e.center WHERE e.id = r.event_id) "
    "WHEN 'lesson' THEN (SELECT coalesce(e.district, c.district) FROM lessons e "
    "LEFT JOIN centers c ON c.id = e.center WHERE e.id = r.event_id) END"
)
_EVENT = (
    "INSERT INTO events (at, kind, channel, district, detail) SELECT {at}, ?, "
    "substr(r.user_id, 1, instr(r.user_id, ':') - 1), " + _DISTRICT + ", {detail} "
    "FROM reminders r WHERE r.id IN ({ids})"
)


def mark_sent(db: sqlite_utils.Database, row_id: int, now: datetime, late: bool) -> None:
    """sending → sent (and its usage event)."""
    with db.conn:
        db.conn.execute(
            "UPDATE reminders SET status = 'sent', sent_at = ?, late = ?, "
            "last_error = NULL WHERE id = ?",
            [iso(now), int(late), row_id],
        )
        db.conn.execute(
            _EVENT.format(at="?", detail="json_object('late', ?, 'kind', r.kind)", ids="?"),
            [iso(now), "reminder_sent", int(late), row_id],
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
            done = db.conn.execute(
                f"UPDATE reminders SET status = ?, last_error = ? WHERE id IN "
                f"({','.join('?' * len(part))}){guard} RETURNING id",
                [status, error, *part],
            ).fetchall()
            if status == "failed" and done:
                ids = [r[0] for r in done]
                db.conn.execute(
                    _EVENT.format(
                        at="r.due_at",
                        detail="json_object('kind', r.kind)",
                        ids=",".join("?" * len(ids)),
                    ),
                    ["reminder_failed", *ids],
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
