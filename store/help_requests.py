"""Help requests: a user asked for a person ("转人工", "我卡住了"); volunteers pick them up."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlite_utils

from store import users


def create(db: sqlite_utils.Database, user_id: str, reason: str, context: dict) -> int:
    """Open a help request with its context (what was asked, guide and step); return its id."""
    users.get_or_create(db, user_id)
    return (
        db["help_requests"]
        .insert(
            {
                "user_id": user_id,
                "reason": reason,
                "context": json.dumps(context, ensure_ascii=False),
                "status": "open",
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
        )
        .last_pk
    )


def open_requests(db: sqlite_utils.Database) -> list[dict]:
    """Open requests, oldest first, with their context decoded."""
    out = []
    for row in db["help_requests"].rows_where("status = 'open'", order_by="id"):
        row["context"] = json.loads(row["context"] or "{}")
        out.append(row)
    return out


def open_for_user(db: sqlite_utils.Database, user_id: str) -> list[dict]:
    """A user's open requests, oldest first, with their context decoded."""
    out = []
    for row in db["help_requests"].rows_where(
        "user_id = ? AND status = 'open'", [user_id], order_by="id"
    ):
        row["context"] = json.loads(row["context"] or "{}")
        out.append(row)
    return out


def close(db: sqlite_utils.Database, request_id: int) -> None:
    """Mark a request handled."""
    db["help_requests"].update(
        request_id,
        {"status": "closed", "closed_at": datetime.now(UTC).isoformat(timespec="seconds")},
    )
