"""Subscriptions: what a user asked to be reminded of.

kind "lecture" / "lesson": one catalogue item (every session of a series or lesson).
kind "filter": future matching events, e.g. {"event": "lecture", "district": "朝阳区",
"topic": "亲子沟通"}. `offsets` are reminder offsets as strings the scheduler understands:
"-1d@18:00" (the day before at 18:00) and "-60m" (an hour before) by default.
"""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime

import sqlite_utils

from store import events, users

DEFAULT_OFFSETS = ("-1d@18:00", "-60m")


def _decode(row: dict) -> dict:
    row = dict(row)
    row["filter"] = json.loads(row["filter"]) if row.get("filter") else None
    row["offsets"] = list(_offsets(row["offsets"])) if row.get("offsets") else list(DEFAULT_OFFSETS)
    return row


@functools.lru_cache(maxsize=4096)
def _offsets(text: str) -> tuple:
    # A million subscriptions share a few distinct offset lists: parse each text once.
    return tuple(json.loads(text))


def add(
    db: sqlite_utils.Database,
    user_id: str,
    kind: str,
    target_id: str | None = None,
    filter: dict | None = None,
    offsets: list[str] | None = None,
) -> tuple[dict, bool]:
    """Subscribe; return (subscription, created). Subscribing twice to the same thing is a no-op
    that returns the existing subscription (with its offsets updated if new ones were given)."""
    if kind not in ("lecture", "lesson", "filter"):
        raise ValueError(f"unknown subscription kind {kind!r}")
    if (kind == "filter") != (filter is not None) or (kind != "filter" and not target_id):
        raise ValueError("lecture/lesson subscriptions need target_id; filter ones need filter")
    users.get_or_create(db, user_id)
    filter_json = json.dumps(filter, ensure_ascii=False, sort_keys=True) if filter else None
    for row in db["subscriptions"].rows_where(
        "user_id = ? AND active = 1 AND kind = ? AND coalesce(target_id, '') = ? "
        "AND coalesce(filter, '') = ?",
        [user_id, kind, target_id or "", filter_json or ""],
    ):
        if offsets and list(offsets) != _decode(row)["offsets"]:
            db["subscriptions"].update(row["id"], {"offsets": json.dumps(list(offsets))})
            row = db["subscriptions"].get(row["id"])
        return _decode(row), False
    sid = (
        db["subscriptions"]
        .insert(
            {
                "user_id": user_id,
                "kind": kind,
                "target_id": target_id,
                "filter": filter_json,
                "offsets": json.dumps(list(offsets or DEFAULT_OFFSETS)),
                "active": 1,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
        )
        .last_pk
    )
    events.record(
        db,
        "subscribed",
        user_id=user_id,
        district=_district(db, kind, target_id, filter),
        detail={"kind": kind, "target": target_id},
    )
    return _decode(db["subscriptions"].get(sid)), True


def _district(db: sqlite_utils.Database, kind: str, target_id: str | None, filter: dict | None):
    """The district of what was subscribed to (the lecture's, the class's or its center's, the
    filter's), for the usage figures."""
    if kind == "filter":
        return (filter or {}).get("district")
    sql = {
        "lecture": "SELECT l.district, c.district FROM lectures l "
        "LEFT JOIN centers c ON c.id = l.center WHERE l.id = ?",
        "lesson": "SELECT l.district, c.district FROM lessons l "
        "LEFT JOIN centers c ON c.id = l.center WHERE l.id = ?",
    }[kind]
    row = db.conn.execute(sql, [target_id]).fetchone()
    return (row[0] or row[1]) if row else None


def get(db: sqlite_utils.Database, sub_id: int) -> dict | None:
    """One subscription by id."""
    rows = list(db["subscriptions"].rows_where("id = ?", [sub_id]))
    return _decode(rows[0]) if rows else None


def active_for(db: sqlite_utils.Database, user_id: str) -> list[dict]:
    """A user's active subscriptions, oldest first."""
    return [
        _decode(r)
        for r in db["subscriptions"].rows_where(
            "user_id = ? AND active = 1", [user_id], order_by="id"
        )
    ]


def count_active(db: sqlite_utils.Database, user_id: str) -> int:
    """How many active subscriptions the user has (one cheap query, for every web turn)."""
    return db.conn.execute(
        "SELECT COUNT(*) FROM subscriptions WHERE user_id = ? AND active = 1", [user_id]
    ).fetchone()[0]


_ACTIVE_COLUMNS = (
    "id",
    "user_id",
    "kind",
    "target_id",
    "filter",
    "offsets",
    "active",
    "created_at",
    "cancelled_at",
)


def active_after(db: sqlite_utils.Database, after_id: int, limit: int) -> list[dict]:
    """Up to `limit` active subscriptions of active users with id > `after_id`, by id: one
    page of a walk over all of them that never holds more than a page (reminder planning)."""
    return [
        _decode(dict(zip(_ACTIVE_COLUMNS, r, strict=True)))
        for r in db.execute(
            "SELECT s.id, s.user_id, s.kind, s.target_id, s.filter, s.offsets, s.active, "
            "s.created_at, s.cancelled_at FROM subscriptions s JOIN users u "
            "ON u.id = s.user_id WHERE s.id > ? AND s.active = 1 AND u.active = 1 "
            "ORDER BY s.id LIMIT ?",
            [after_id, limit],
        )
    ]


def all_active(db: sqlite_utils.Database) -> list[dict]:
    """Every active subscription of an active user, by id."""
    out: list[dict] = []
    while page := active_after(db, out[-1]["id"] if out else 0, 10_000):
        out += page
    return out


def deactivate(db: sqlite_utils.Database, sub_id: int) -> bool:
    """Unsubscribe; True if it was active. Pending reminders are the scheduler's to drop."""
    cur = db.execute(
        "UPDATE subscriptions SET active = 0, cancelled_at = ? WHERE id = ? AND active = 1",
        [datetime.now(UTC).isoformat(timespec="seconds"), sub_id],
    )
    db.conn.commit()
    return cur.rowcount > 0


def deactivate_all(db: sqlite_utils.Database, user_id: str) -> int:
    """Unsubscribe a user from everything; return how many were active."""
    cur = db.execute(
        "UPDATE subscriptions SET active = 0, cancelled_at = ? WHERE user_id = ? AND active = 1",
        [datetime.now(UTC).isoformat(timespec="seconds"), user_id],
    )
    db.conn.commit()
    return cur.rowcount
