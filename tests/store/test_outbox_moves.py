"""store/outbox_moves.py: one send's moves, the same for reminders and announcement deliveries.

Each test runs the reminder outbox (store/sending.py) and the delivery rows
(store/announcement_rows.py) through the same moves on a real SQLite file and reads the rows
back, so the two tables cannot drift apart again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from store import announcement_rows, sending, subscriptions, users
from store.outbox_moves import ERROR_CHARS, STOPPED_DURING_SEND, TABLES, Outbox, iso

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 4, 15, 0, tzinfo=TZ)
USER = "telegram:81"
OUTBOXES = {"reminders": sending, "deliveries": announcement_rows}


def _seed(db, table: str, n: int = 2) -> list[int]:
    """`n` pending rows of `table`, due at NOW, for one user (a running announcement's
    deliveries, or one subscription's reminders); their ids."""
    users.get_or_create(db, USER)
    ids = []
    with db.conn:
        if table == "reminders":
            sub, _ = subscriptions.add(db, USER, "lecture", "lec-1")
            for i in range(n):
                ids.append(
                    db.conn.execute(
                        "INSERT INTO reminders (subscription_id, user_id, event_kind, event_id,"
                        " occurrence, offset_minutes, due_at, idem_key) VALUES"
                        " (?, ?, 'lecture', 'lec-1', ?, ?, ?, ?) RETURNING id",
                        [sub["id"], USER, iso(NOW + timedelta(days=1)), i, iso(NOW), f"r{i}"],
                    ).fetchone()[0]
                )
        else:
            aid = db.conn.execute(
                "INSERT INTO announcements (author, audience, text, status, created_at)"
                " VALUES ('telegram:1', '{}', 'x', 'running', ?) RETURNING id",
                [iso(NOW)],
            ).fetchone()[0]
            for i in range(n):
                ids.append(
                    db.conn.execute(
                        "INSERT INTO deliveries (announcement_id, user_id, idem_key, due_at)"
                        " VALUES (?, ?, ?, ?) RETURNING id",
                        [aid, f"{USER}{i}", f"a:{aid}:{i}", iso(NOW)],
                    ).fetchone()[0]
                )
    return ids


def _row(db, table: str, row_id: int) -> dict:
    cols = ("status", "attempts", "due_at", "claimed_at", "sent_at", "last_error")
    return dict(
        zip(
            cols,
            db.execute(f"SELECT {', '.join(cols)} FROM {table} WHERE id = ?", [row_id]).fetchone(),
            strict=True,
        )
    )


def test_only_the_outbox_tables_reach_the_sql():
    assert TABLES == ("reminders", "deliveries")
    for name in ("users", "reminders; DROP TABLE users", ""):
        with pytest.raises(ValueError):
            Outbox(name)


@pytest.mark.parametrize("table", TABLES)
def test_a_send_attempted_retried_and_sent(db, table):
    mod, (rid, _other) = OUTBOXES[table], _seed(db, table)
    assert mod.mark_attempt(db, rid, NOW)
    assert not mod.mark_attempt(db, rid, NOW)  # taken: never twice
    assert _row(db, table, rid)["status"] == "sending"
    later = NOW + timedelta(minutes=1)
    mod.retry_at(db, rid, later, "TimeoutError: " + "x" * 2000)
    row = _row(db, table, rid)
    assert (row["status"], row["due_at"], row["claimed_at"]) == ("pending", iso(later), None)
    assert len(row["last_error"]) == ERROR_CHARS  # the same cut for both outboxes
    assert not mod.mark_attempt(db, rid, NOW)  # not due yet
    assert mod.mark_attempt(db, rid, later)
    if table == "reminders":
        mod.mark_sent(db, rid, later, late=False)
    else:
        mod.mark_sent(db, rid, later)
    row = _row(db, table, rid)
    assert (row["status"], row["attempts"], row["sent_at"], row["last_error"]) == (
        "sent",
        2,
        iso(later),
        None,
    )


@pytest.mark.parametrize("table", TABLES)
def test_closing_for_good_keeps_the_same_length_of_error(db, table):
    mod, (rid, _other) = OUTBOXES[table], _seed(db, table)
    mod.finish(db, [rid], "failed", "E" * 2000)
    row = _row(db, table, rid)
    assert (row["status"], row["last_error"]) == ("failed", "E" * ERROR_CHARS)


@pytest.mark.parametrize("table", TABLES)
def test_quiet_hours_move_only_pending_rows(db, table):
    mod, (rid, other) = OUTBOXES[table], _seed(db, table)
    assert mod.mark_attempt(db, other, NOW)
    tomorrow = NOW + timedelta(hours=16)
    mod.postpone(db, [rid, other], tomorrow)
    assert _row(db, table, rid)["due_at"] == iso(tomorrow)
    assert _row(db, table, other)["due_at"] == iso(NOW)  # in flight: left alone


@pytest.mark.parametrize("table", TABLES)
def test_rows_left_sending_become_unknown_except_the_callers_own(db, table):
    mod, (stale, mine) = OUTBOXES[table], _seed(db, table)
    assert mod.mark_attempt(db, stale, NOW) and mod.mark_attempt(db, mine, NOW)
    released, unknown = mod.recover(db, NOW + timedelta(seconds=60), exclude=[mine])
    assert released == 0
    assert [r["id"] for r in unknown] == [stale]
    assert unknown[0]["idem_key"]  # what the log names the row by
    row = _row(db, table, stale)
    assert (row["status"], row["last_error"]) == ("unknown", STOPPED_DURING_SEND)
    assert _row(db, table, mine)["status"] == "sending"
    assert not mod.mark_attempt(db, stale, NOW + timedelta(hours=1))  # never sent again
    # not yet stale: a send still on the wire of another process is left alone
    assert mod.recover(db, NOW - timedelta(seconds=1)) == (0, [])
