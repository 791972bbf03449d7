"""Help-request queries the conversation needs (kept apart from `store.help_requests`)."""

from __future__ import annotations

import json

import sqlite_utils


def open_for_user(db: sqlite_utils.Database, user_id: str) -> list[dict]:
    """A user's open help requests, oldest first, with their context decoded."""
    out = []
    for row in db["help_requests"].rows_where("user_id = ? AND status = 'open'", [user_id],
                                              order_by="id"):
        row["context"] = json.loads(row["context"] or "{}")
        out.append(row)
    return out
