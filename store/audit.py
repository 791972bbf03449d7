"""The audit log: who changed what, when (catalogue imports, announcements, deletions)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlite_utils


def record(db: sqlite_utils.Database, actor: str, action: str, detail: dict | None = None) -> None:
    """Append one entry to the audit log."""
    db["audit_log"].insert(
        {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "actor": actor,
            "action": action,
            "detail": json.dumps(detail or {}, ensure_ascii=False),
        }
    )


def entries(db: sqlite_utils.Database, action: str | None = None) -> list[dict]:
    """Audit entries, oldest first, optionally only one action."""
    where, args = ("action = ?", [action]) if action else (None, None)
    return list(db["audit_log"].rows_where(where, args, order_by="id"))
