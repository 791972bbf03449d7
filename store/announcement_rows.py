"""The announcements' delivery rows, sending side (the SQL of scheduler/announce.py).

The life of a `deliveries` row is the reminder outbox's (the moves of a send are written once
for both, in store/outbox_moves.py), so the same exactly-once argument holds: a row is written
`pending` for every recipient in ONE transaction when the announcement starts (its idempotency
key `a:<announcement>:<user>` is unique, so starting twice adds nothing); `mark_attempt` moves
it pending → sending and commits right BEFORE the request goes out (only while the
announcement is still running); `mark_sent` right after.
A row found `sending` by the next process (after `stale_after`) becomes `unknown` and is never
sent again.

Final row states: sent, failed (retries ran out), blocked (the user blocked the bot),
opted_out, capped (the per-user weekly cap), unknown, stopped (the announcement was stopped).
A row closed without a send gets `claimed_at` = its due time, so the retention policy
(store/retention.py: finished rows by `coalesce(sent_at, claimed_at)`) keeps it as long as the
others instead of pruning it at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlite_utils

from store import announcements as ann
from store import events
from store.announcements import iso
from store.outbox_moves import Outbox, chunks, due_page, marks, not_in, rows

_OUTBOX = Outbox("deliveries")


def start_due(db: sqlite_utils.Database, now: datetime) -> list[int]:
    """Start every scheduled announcement whose time has come: write one delivery row per
    recipient (opted-out users get an `opted_out` row) and mark it running, in one transaction
    per announcement. Returns the started ids."""
    started = []
    due = db.execute(
        "SELECT id, audience, send_at FROM announcements WHERE status = 'scheduled'"
        " AND send_at <= ? ORDER BY send_at, id",
        [iso(now)],
    ).fetchall()
    for aid, audience, send_at in due:
        select, args = ann.recipients_sql(json.loads(audience))
        with db.conn:
            cur = db.conn.execute(
                "UPDATE announcements SET status = 'running', started_at = ? WHERE id = ?"
                " AND status = 'scheduled'",
                [iso(now), aid],
            )
            if cur.rowcount != 1:
                continue
            db.conn.execute(
                "INSERT OR IGNORE INTO deliveries (announcement_id, user_id, idem_key, status,"
                " attempts, due_at, claimed_at) SELECT :aid, r.id, 'a:' || :aid || ':' || r.id,"
                " CASE WHEN r.news_off THEN 'opted_out' ELSE 'pending' END, 0, :due,"
                " CASE WHEN r.news_off THEN :due END"
                f" FROM ({select}) r",
                {**args, "aid": aid, "due": send_at},
            )
            db.conn.execute(
                "UPDATE announcements SET total = (SELECT count(*) FROM deliveries"
                " WHERE announcement_id = ?) WHERE id = ?",
                [aid, aid],
            )
        started.append(aid)
    return started


def due_rows(
    db: sqlite_utils.Database, now: datetime, limit: int, after: tuple[str, int] | None = None
) -> list[dict]:
    """Up to `limit` pending rows of running announcements due at `now`, oldest first, after
    the (due_at, id) `after`, with what sending needs to know about the user."""
    page, args = due_page("d", now, limit, after)
    cur = db.execute(
        "SELECT d.id, d.announcement_id, d.user_id, d.attempts, d.due_at, a.text, a.label,"
        " a.photo, u.lang, u.active, u.news_off, u.quiet_start, u.quiet_end"
        " FROM deliveries d JOIN announcements a ON a.id = d.announcement_id"
        f" LEFT JOIN users u ON u.id = d.user_id WHERE a.status = 'running' AND {page}",
        args,
    )
    return rows(cur)


def sent_recently(
    db: sqlite_utils.Database, user_id: str, since: datetime, announcement_id: int
) -> int:
    """Other announcements delivered to `user_id` since `since` (the weekly cap)."""
    return db.execute(
        "SELECT count(*) FROM deliveries WHERE user_id = ? AND status = 'sent' AND sent_at >= ?"
        " AND announcement_id != ?",
        [user_id, iso(since), announcement_id],
    ).fetchone()[0]


# pending → sending, committed right BEFORE the send (only while the announcement runs)
mark_attempt = _OUTBOX.mark_attempt
retry_at = _OUTBOX.retry_at  # sending → pending again, due later (a transient error)
postpone = _OUTBOX.postpone  # waiting out the user's quiet hours


def mark_sent(db: sqlite_utils.Database, row_id: int, now: datetime) -> None:
    """sending → sent."""
    with db.conn:
        _OUTBOX.set_sent(db, row_id, now)


def finish(
    db: sqlite_utils.Database, row_ids: Sequence[int], status: str, error: str | None = None
) -> None:
    """Close pending (or in-flight) rows for good with `status`; each keeps its due time as
    `claimed_at`, so retention keeps it as long as a sent row."""
    with db.conn:
        done = _OUTBOX.close(db, row_ids, status, error, ("pending", "sending"))
        for part in chunks(done):
            db.conn.execute(
                "UPDATE deliveries SET claimed_at = coalesce(claimed_at, due_at)"
                f" WHERE id IN ({marks(part)})",
                part,
            )


def recover(
    db: sqlite_utils.Database, stale_before: datetime, exclude: Iterable[int] = ()
) -> tuple[int, list[dict]]:
    """Rows a dead process left `sending` (attempted before `stale_before`, not the caller's
    own in flight) become `unknown`: NOT sent again — except web users' rows, which go back to
    `pending`: their inbox keeps one message per key, so sending again cannot double it.
    Returns (released count, the rows now unknown: `id`, `idem_key`)."""
    skip = sorted(set(exclude))
    with db.conn:
        released = db.conn.execute(
            "UPDATE deliveries SET status = 'pending', claimed_at = NULL WHERE status = 'sending'"
            f" AND claimed_at <= ? AND user_id LIKE 'web:%'{not_in(skip)}",
            [iso(stale_before), *skip],
        ).rowcount
        return released, _OUTBOX.mark_unknown(db, stale_before, skip)


def next_due_at(db: sqlite_utils.Database) -> str | None:
    """The earliest due time of a pending row of a running announcement, or None."""
    return db.execute(
        "SELECT min(d.due_at) FROM announcements a JOIN deliveries d"
        " ON d.announcement_id = a.id AND d.status = 'pending' WHERE a.status = 'running'"
    ).fetchone()[0]


def finish_done(db: sqlite_utils.Database, now: datetime) -> list[dict]:
    """Mark `done` every running announcement with nothing left to send; return those (and
    stopped ones) whose author has not been told the result yet, marking them reported."""
    stamp = iso(now)
    with db.conn:
        db.conn.execute(
            "UPDATE announcements SET status = 'done', finished_at = ? WHERE status = 'running'"
            " AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.announcement_id = announcements.id"
            " AND d.status IN ('pending', 'sending'))",
            [stamp],
        )
        ids = [
            r[0]
            for r in db.conn.execute(
                "SELECT id FROM announcements WHERE status IN ('done', 'stopped')"
                " AND reported_at IS NULL AND started_at IS NOT NULL"
            ).fetchall()
        ]
        for aid in ids:
            db.conn.execute("UPDATE announcements SET reported_at = ? WHERE id = ?", [stamp, aid])
    done = [ann.status(db, aid, now) for aid in ids]
    for st in done:  # the usage figures (store/events.py): counts only, once per announcement
        events.record(
            db,
            "announcement_sent",
            district=(st.get("audience") or {}).get("district"),
            detail={
                "announcement": st["id"],
                "state": st["state"],
                **{k: st.get(k, 0) for k in ("total", "sent", "failed", "blocked", "opted_out")},
            },
            at=now,
        )
    return done
