"""Help requests: a user asked for a person ("转人工", "我卡住了"); volunteers pick them up."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlite_utils

from store import events, users
from store.db import fetch_one


def create(
    db: sqlite_utils.Database,
    user_id: str,
    reason: str,
    context: dict,
    now: datetime | None = None,
) -> int:
    """Open a help request with its context (what was asked, guide and step); return its id."""
    user = users.get_or_create(db, user_id)
    rid = (
        db["help_requests"]
        .insert(
            {
                "user_id": user_id,
                "reason": reason,
                "context": json.dumps(context, ensure_ascii=False),
                "status": "open",
                "created_at": (now or datetime.now(UTC))
                .astimezone(UTC)
                .isoformat(timespec="seconds"),
            }
        )
        .last_pk
    )
    events.record(
        db,
        "help_created",
        user_id=user_id,
        district=user.get("home_district"),
        detail={"request": rid, "reason": reason},
        at=now,
    )
    return rid


def _event(db: sqlite_utils.Database, kind: str, request_id: int, field: str) -> None:
    """A claimed / closed event with the seconds since the request was made (usage figures)."""
    row = db.conn.execute(
        "SELECT h.created_at, h.user_id, u.home_district FROM help_requests h "
        "LEFT JOIN users u ON u.id = h.user_id WHERE h.id = ?",
        [request_id],
    ).fetchone()
    if row is None:
        return
    now = events.current()
    try:
        seconds = max(0, round((now - datetime.fromisoformat(row[0])).total_seconds()))
    except (TypeError, ValueError):
        seconds = None
    events.record(
        db,
        kind,
        user_id=row[1],
        district=row[2],
        detail={"request": request_id, field: seconds},
        at=now,
    )


def _decoded(
    db: sqlite_utils.Database,
    where: str,
    params: list | None = None,
    order_by: str = "id",
    limit: int | None = None,
) -> list[dict]:
    """The requests `where` selects, in `order_by` order, each with its context decoded."""
    rows = db["help_requests"].rows_where(where, params or [], order_by=order_by, limit=limit)
    return [{**row, "context": json.loads(row["context"] or "{}")} for row in rows]


def open_requests(db: sqlite_utils.Database) -> list[dict]:
    """Open requests, oldest first, with their context decoded."""
    return _decoded(db, "status = 'open'")


def open_for_user(db: sqlite_utils.Database, user_id: str) -> list[dict]:
    """A user's open requests, oldest first, with their context decoded."""
    return _decoded(db, "user_id = ? AND status = 'open'", [user_id])


def close(db: sqlite_utils.Database, request_id: int) -> None:
    """Mark a request handled."""
    db["help_requests"].update(
        request_id,
        {"status": "closed", "closed_at": datetime.now(UTC).isoformat(timespec="seconds")},
    )
    _event(db, "help_closed", request_id, "open_s")


def get(db: sqlite_utils.Database, request_id: int) -> dict | None:
    """One request with its context decoded, or None."""
    out = fetch_one(db, "SELECT * FROM help_requests WHERE id = ?", [request_id])
    if out is not None:
        out["context"] = json.loads(out["context"] or "{}")
    return out


def waiting(db: sqlite_utils.Database) -> list[dict]:
    """Requests not closed (open or claimed), oldest first, context decoded."""
    return _decoded(db, "status IN ('open', 'claimed')", limit=200)


def claim(db: sqlite_utils.Database, request_id: int, volunteer_id: str) -> bool:
    """open → claimed by `volunteer_id`; False when it is no longer open (claimed, closed)."""
    cursor = db.conn.execute(
        "UPDATE help_requests SET status = 'claimed', volunteer_id = ?, claimed_at = ?"
        " WHERE id = ? AND status = 'open'",
        [volunteer_id, datetime.now(UTC).isoformat(timespec="seconds"), request_id],
    )
    db.conn.commit()
    if cursor.rowcount == 1:
        _event(db, "help_claimed", request_id, "wait_s")
    return cursor.rowcount == 1


def active_for_user(db: sqlite_utils.Database, user_id: str) -> dict | None:
    """The user's newest request that is open or claimed, or None."""
    rows = _decoded(
        db, "user_id = ? AND status IN ('open', 'claimed')", [user_id], order_by="id desc", limit=1
    )
    return rows[0] if rows else None


def end(db: sqlite_utils.Database, request_id: int, by: str) -> bool:
    """Close an open or claimed request (by the user, or the volunteer); False if already
    closed. A volunteer who closes an unclaimed request becomes its volunteer, so `ended_by` is
    always the asker or the volunteer (what /forget relies on)."""
    cursor = db.conn.execute(
        "UPDATE help_requests SET status = 'closed', closed_at = ?, ended_by = ?,"
        " volunteer_id = CASE WHEN user_id = ? THEN volunteer_id ELSE COALESCE(volunteer_id, ?) END"
        " WHERE id = ? AND status IN ('open', 'claimed')",
        [datetime.now(UTC).isoformat(timespec="seconds"), by, by, by, request_id],
    )
    db.conn.commit()
    if cursor.rowcount == 1:
        _event(db, "help_closed", request_id, "open_s")
    return cursor.rowcount == 1


def unclaimed_since(db: sqlite_utils.Database, before: str) -> list[dict]:
    """Open requests created before `before` (ISO, UTC) and not yet announced again."""
    return _decoded(db, "status = 'open' AND reannounced_at IS NULL AND created_at <= ?", [before])


def mark_reannounced(db: sqlite_utils.Database, request_id: int) -> bool:
    """Record the one re-announcement; False when it was already made (or it is no longer
    open)."""
    cursor = db.conn.execute(
        "UPDATE help_requests SET reannounced_at = ? WHERE id = ? AND status = 'open'"
        " AND reannounced_at IS NULL",
        [datetime.now(UTC).isoformat(timespec="seconds"), request_id],
    )
    db.conn.commit()
    return cursor.rowcount == 1
