"""The reminder outbox, sending side: the due rows a dispatcher reads and the status moves of
one send (pending → sending → sent / pending again / failed …). The row's life and the columns
are described in `store/reminders.py`, which holds the planning side; the moves the announcement
deliveries share are written once in `store/outbox_moves.py`, and this module adds what only
reminders do: the usage events, the `late` mark, leaving rows another process took alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlite_utils

from store.outbox_moves import Outbox, chunks, due_page, iso, marks, rows
from store.reminders import READ_COLUMNS, READ_FROM

_OUTBOX = Outbox("reminders")


def _with_users(db: sqlite_utils.Database, rows: list[dict]) -> list[dict]:
    users = {}
    ids = sorted({r["user_id"] for r in rows})
    for part in chunks(ids):
        for uid, lang, qs, qe, active in db.execute(
            "SELECT id, lang, quiet_start, quiet_end, active FROM users WHERE id IN "
            f"({marks(part)})",
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
_SELECT_DUE = "SELECT " + READ_COLUMNS + ", " + _COVERED + READ_FROM


def due_rows(
    db: sqlite_utils.Database, now: datetime, limit: int, after: tuple[str, int] | None = None
) -> list[dict]:
    """Up to `limit` pending rows due at `now` (oldest first; after the (due_at, id) `after`),
    with the user's lang, quiet hours and active flag, and `covered` (see above).

    Nothing is claimed: a row stays `pending` until `mark_attempt` moves it to `sending` just
    before its send, so a crash leaves nothing half-taken."""
    page, args = due_page("r", now, limit, after)
    due = rows(db.execute(f"{_SELECT_DUE} WHERE {page}", args))
    for r in due:
        r["covered"] = bool(r["covered"])
    return _with_users(db, due)


mark_attempt = _OUTBOX.mark_attempt  # pending → sending, committed right BEFORE the send
retry_at = _OUTBOX.retry_at  # sending → pending again, due later (a transient error)
postpone = _OUTBOX.postpone  # a late reminder waits out the user's quiet hours


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
    """sending → sent, `late` when more than `late_after` past due (and its usage event)."""
    with db.conn:
        _OUTBOX.set_sent(db, row_id, now)
        db.conn.execute("UPDATE reminders SET late = ? WHERE id = ?", [int(late), row_id])
        db.conn.execute(
            _EVENT.format(at="?", detail="json_object('late', ?, 'kind', r.kind)", ids="?"),
            [iso(now), "reminder_sent", int(late), row_id],
        )


def finish(
    db: sqlite_utils.Database,
    row_ids: Sequence[int],
    status: str,
    error: str | None = None,
    *,
    only_pending: bool = False,
) -> None:
    """Close rows for good: `failed`, `expired`, `skipped` or `merged` (a failure with its
    usage event). `only_pending`: leave alone any row another process has taken meanwhile."""
    with db.conn:
        done = _OUTBOX.close(db, row_ids, status, error, ("pending",) if only_pending else ())
        if status != "failed":
            return
        for part in chunks(done):
            db.conn.execute(
                _EVENT.format(at="r.due_at", detail="json_object('kind', r.kind)", ids=marks(part)),
                ["reminder_failed", *part],
            )


def recover(
    db: sqlite_utils.Database, stale_before: datetime, exclude: Iterable[int] = ()
) -> tuple[int, list[dict]]:
    """Resolve rows a dead dispatcher left behind (attempted before `stale_before`, and not in
    `exclude`, the caller's own sends in flight): `sending` rows become `unknown` and are NOT
    sent again (the request may or may not have reached the user). `claimed` rows (left by
    releases before 0.2, which claimed whole batches) go back to pending. Return (released
    count, the rows now unknown: `id`, `idem_key`)."""
    with db.conn:
        released = db.conn.execute(
            "UPDATE reminders SET status = 'pending', claimed_at = NULL "
            "WHERE status = 'claimed' AND claimed_at <= ?",
            [iso(stale_before)],
        ).rowcount
        return released, _OUTBOX.mark_unknown(db, stale_before, exclude)


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
