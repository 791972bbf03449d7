"""What the two outboxes share: the moves of one send, written once for both tables.

Reminders (`reminders`: store/reminders.py, store/sending.py) and announcement deliveries
(`deliveries`: store/announcement_rows.py) live the same exactly-once life:

    pending ──mark_attempt──> sending ──set_sent──> sent
       │                         ├──retry_at──> pending   (a transient error: due again later)
       │                         ├──close─────> failed, blocked, …   (for good)
       │                         └──mark_unknown──> unknown (the process died mid-send)
       └──postpone──> pending, due later;  close──> expired, skipped, opted_out, …

`mark_attempt` commits right BEFORE the request goes out and the sent mark right after, so a
crash leaves at most the sends in flight `sending`. The next process (after its `stale_after`)
makes them `unknown` and never sends them again: the request may or may not have reached the
user, and a lost message is better than a duplicate.

`Outbox(table)` takes the table from `TABLES`, a fixed list: no caller's string reaches the SQL.
`mark_attempt`, `retry_at` and `postpone` are moves of their own (one transaction each);
`set_sent`, `close` and `mark_unknown` are steps run inside the caller's transaction
(`with db.conn:`), so each table's module adds what only it does — a reminder's usage event, a
closed delivery's retention stamp, releasing rows that may safely go out again — in the same
commit. The small helpers those modules share (`iso`, `rows`, `chunks`) are here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence, Sized
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlite_utils

TZ = ZoneInfo("Asia/Shanghai")
CHUNK = 500  # ids per `IN (…)`: SQLite's variable limit is 32766; stay well below it
ERROR_CHARS = 500  # how much of an error a row keeps in `last_error`
STOPPED_DURING_SEND = "process stopped during send"  # the `last_error` of an `unknown` row

# The outbox tables, each with what else must hold for one of its rows to go out: a delivery
# only while its announcement is running (a stopped announcement sends nothing more).
_SENDABLE = {
    "reminders": "",
    "deliveries": " AND (SELECT status FROM announcements a WHERE a.id = announcement_id)"
    " = 'running'",
}
TABLES = tuple(_SENDABLE)


def iso(when: datetime) -> str:
    """The stored form of a time: Asia/Shanghai, whole seconds, with +08:00."""
    return when.astimezone(TZ).replace(microsecond=0).isoformat()


def rows(cursor) -> list[dict]:
    """A cursor's rows as dicts by column name."""
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    """`items` in slices of at most `size` (for `IN (…)` lists)."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def due_page(
    alias: str, now: datetime, limit: int, after: tuple[str, int] | None = None
) -> tuple[str, dict]:
    """The tail of a read of an outbox's due queue (`alias`: the outbox table's alias in the
    query) and its named parameters: up to `limit` pending rows due at `now`, oldest first, after
    the (due_at, id) `after`. A sender reads the queue page after page, each row once a pass,
    along the (status, due_at) index."""
    if not alias.isidentifier():
        raise ValueError(f"not a table alias: {alias!r}")
    where = f"{alias}.status = 'pending' AND {alias}.due_at <= :now"
    args: dict = {"now": iso(now), "limit": limit}
    if after is not None:
        where += (
            f" AND {alias}.due_at >= :after_due"
            f" AND ({alias}.due_at > :after_due OR {alias}.id > :after_id)"
        )
        args.update(after_due=after[0], after_id=after[1])
    return f"{where} ORDER BY {alias}.due_at, {alias}.id LIMIT :limit", args


def marks(items: Sized) -> str:
    """`?, ?, …`: one placeholder per item."""
    return ",".join("?" * len(items))


class Outbox:
    """The moves of a send in one outbox table (`TABLES`)."""

    def __init__(self, table: str):
        if table not in _SENDABLE:
            raise ValueError(f"not an outbox table: {table!r}")
        self.table = table

    def mark_attempt(self, db: sqlite_utils.Database, row_id: int, now: datetime) -> bool:
        """pending → sending (attempts + 1, `claimed_at` = now), committed right BEFORE the
        send. False when the row is no longer pending and due (sent by another process,
        unsubscribed, moved, its announcement stopped): then it must not be sent."""
        stamp = iso(now)
        with db.conn:
            return (
                db.conn.execute(
                    f"UPDATE {self.table} SET status = 'sending', attempts = attempts + 1, "
                    "claimed_at = ? WHERE id = ? AND status = 'pending' AND due_at <= ?"
                    + _SENDABLE[self.table],
                    [stamp, row_id, stamp],
                ).rowcount
                == 1
            )

    def retry_at(self, db: sqlite_utils.Database, row_id: int, due: datetime, error: str) -> None:
        """sending → pending again, due at `due` (a transient error)."""
        with db.conn:
            db.conn.execute(
                f"UPDATE {self.table} SET status = 'pending', due_at = ?, last_error = ?, "
                "claimed_at = NULL WHERE id = ?",
                [iso(due), error[:ERROR_CHARS], row_id],
            )

    def postpone(self, db: sqlite_utils.Database, row_ids: Sequence[int], due: datetime) -> None:
        """Pending rows now due at `due` instead (waiting out the user's quiet hours)."""
        with db.conn:
            for part in chunks(list(row_ids)):
                db.conn.execute(
                    f"UPDATE {self.table} SET due_at = ? WHERE status = 'pending' "
                    f"AND id IN ({marks(part)})",
                    [iso(due), *part],
                )

    def set_sent(self, db: sqlite_utils.Database, row_id: int, now: datetime) -> None:
        """sending → sent (a step: the caller commits)."""
        db.conn.execute(
            f"UPDATE {self.table} SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?",
            [iso(now), row_id],
        )

    def close(
        self,
        db: sqlite_utils.Database,
        row_ids: Sequence[int],
        status: str,
        error: str | None = None,
        only: Sequence[str] = (),
    ) -> list[int]:
        """Close rows for good with `status` (a step: the caller commits); `only`: leave alone
        rows not in one of these statuses (e.g. taken by another process meanwhile). Returns
        the ids closed."""
        guard = f" AND status IN ({marks(only)})" if only else ""
        error = error[:ERROR_CHARS] if error is not None else None
        done: list[int] = []
        for part in chunks(list(row_ids)):
            done += [
                r[0]
                for r in db.conn.execute(
                    f"UPDATE {self.table} SET status = ?, last_error = ? "
                    f"WHERE id IN ({marks(part)}){guard} RETURNING id",
                    [status, error, *part, *only],
                ).fetchall()
            ]
        return done

    def mark_unknown(
        self, db: sqlite_utils.Database, stale_before: datetime, exclude: Iterable[int] = ()
    ) -> list[dict]:
        """Rows a dead process left `sending` (attempted before `stale_before`, and not in
        `exclude`, the caller's own sends in flight) become `unknown`, NOT to be sent again
        (a step: the caller commits). Returns them, each as its `id` and `idem_key`."""
        skip = sorted(set(exclude))
        return rows(
            db.conn.execute(
                f"UPDATE {self.table} SET status = 'unknown', last_error = ? "
                f"WHERE status = 'sending' AND claimed_at <= ?{not_in(skip)} "
                "RETURNING id, idem_key",
                [STOPPED_DURING_SEND, iso(stale_before), *skip],
            )
        )


def not_in(ids: Sequence[int]) -> str:
    """` AND id NOT IN (?, …)` for `ids` (nothing when there are none)."""
    return f" AND id NOT IN ({marks(ids)})" if ids else ""
