"""The audit log: who changed what, when (catalogue imports, announcements, deletions)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
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


def latest(
    db: sqlite_utils.Database, action: str, actor: str | None = None, limit: int = 1
) -> list[dict]:
    """The newest entries of `action` (by `actor` when given), newest first, each as
    {"at", "actor", "detail"} with the detail parsed ({} when it is not JSON)."""
    where, args = "action = ?", [action]
    if actor is not None:
        where, args = where + " AND actor = ?", [action, actor]
    rows = db.execute(
        f"SELECT at, actor, detail FROM audit_log WHERE {where} ORDER BY id DESC LIMIT ?",
        [*args, limit],
    ).fetchall()
    out = []
    for at, who, detail in rows:
        try:
            parsed = json.loads(detail or "{}")
        except ValueError:
            parsed = {}
        out.append({"at": at, "actor": who, "detail": parsed if isinstance(parsed, dict) else {}})
    return out


def _key(db: sqlite_utils.Database) -> bytes:
    # One random key per database, made on first use: without it the hash of a known id
    # ("telegram:42") cannot be recomputed from the audit log alone.
    row = db.execute("SELECT value FROM audit_key WHERE id = 1").fetchone()
    if row is None:
        outer = db.conn.in_transaction  # the INSERT below opens one: commit it unless ours
        db.execute(
            "INSERT OR IGNORE INTO audit_key (id, value) VALUES (1, ?)", [secrets.token_hex(32)]
        )
        row = db.execute("SELECT value FROM audit_key WHERE id = 1").fetchone()
        if not outer:
            db.conn.commit()
    return bytes.fromhex(row[0])


def pseudonym(db: sqlite_utils.Database, user_id: str) -> str:
    """A keyed one-way hash standing for a user id in the audit log ("user:3f9a…")."""
    digest = hmac.new(_key(db), user_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"user:{digest[:24]}"


def pseudonymise(db: sqlite_utils.Database, user_id: str) -> str:
    """Replace a user id everywhere in the audit log by its pseudonym (part of erasure: the log
    still shows that something happened, no longer to whom). Returns the pseudonym.

    Runs inside the caller's transaction (plain SQL, no commit of its own).
    """
    alias = pseudonym(db, user_id)
    quoted = json.dumps(user_id, ensure_ascii=False)
    db.execute("UPDATE audit_log SET actor = ? WHERE actor = ?", [alias, user_id])
    db.execute(
        "UPDATE audit_log SET detail = replace(detail, ?, ?) WHERE instr(detail, ?) > 0",
        [quoted, json.dumps(alias), quoted],
    )
    return alias
