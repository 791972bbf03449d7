"""Volunteers: people who answer help requests and send announcements.

An admin (listed in LELING_ADMINS, see bot/config.py) makes a one-time invite code; whoever
redeems it (`/volunteer CODE`) becomes a volunteer with the code's organisation, name and
district. Admins list and revoke volunteers. Every change is in the audit log.

    code = volunteers.invite(db, "telegram:42", org="东城区乐龄学习中心", district="东城区")
    volunteers.redeem(db, "telegram:7", code)       # the volunteer row, or None
    volunteers.get(db, "telegram:7")                # None once revoked
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime

import sqlite_utils

from store import audit
from store.db import transaction

# The columns naming a user are registered in store/users.py (USER_COLUMNS, DETACH_COLUMNS).

# Codes avoid letters that read alike (0/O, 1/I/L) — they may be read out over the phone.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_FIELD = 40


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _clean(value: str | None) -> str | None:
    value = " ".join((value or "").split())[:MAX_FIELD]
    return value or None


def normalize_code(code: str) -> str:
    """What the user typed, as a code: upper case, no spaces or dashes."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:32]


def invite(
    db: sqlite_utils.Database,
    actor: str,
    org: str | None = None,
    district: str | None = None,
    name: str | None = None,
) -> str:
    """Create a one-time invite code and return it."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    org = _clean(org) or "乐龄伴学"
    with transaction(db):
        db.execute(
            "INSERT INTO volunteer_invites (code, org, district, name, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [code, org, _clean(district), _clean(name), actor, _now()],
        )
    audit.record(db, actor, "volunteer.invite", {"org": org, "district": _clean(district)})
    return code


def redeem(
    db: sqlite_utils.Database, user_id: str, code: str, name: str | None = None
) -> dict | None:
    """Use an unused code: the user becomes (again) an active volunteer; None when the code is
    unknown or used."""
    code = normalize_code(code)
    with transaction(db):
        row = db.execute(
            "SELECT org, district, name, created_by FROM volunteer_invites"
            " WHERE code = ? AND used_by IS NULL",
            [code],
        ).fetchone()
        if row is None:
            return None
        org, district, code_name, created_by = row
        db.execute(
            "UPDATE volunteer_invites SET used_by = ?, used_at = ? WHERE code = ?",
            [user_id, _now(), code],
        )
        display = _clean(name) or code_name or "志愿者"
        districts = json.dumps([district] if district else [], ensure_ascii=False)
        db.execute(
            "INSERT INTO volunteers (user_id, name, org, districts, active, invited_by, created_at)"
            " VALUES (?, ?, ?, ?, 1, ?, ?) ON CONFLICT (user_id) DO UPDATE SET name = excluded.name,"
            " org = excluded.org, districts = excluded.districts, active = 1, revoked_at = NULL,"
            " invited_by = excluded.invited_by",
            [user_id, display, org, districts, created_by, _now()],
        )
    audit.record(db, user_id, "volunteer.join", {"org": org, "invited_by": created_by})
    return get(db, user_id)


def _row(cursor, row) -> dict:
    out = dict(zip([d[0] for d in cursor.description], row, strict=True))
    out["districts"] = json.loads(out.get("districts") or "[]")
    return out


def get(db: sqlite_utils.Database, user_id: str, include_revoked: bool = False) -> dict | None:
    """The volunteer's row (districts decoded), or None (not a volunteer, or revoked)."""
    cursor = db.conn.execute("SELECT * FROM volunteers WHERE user_id = ?", [user_id])
    row = cursor.fetchone()
    if row is None:
        return None
    out = _row(cursor, row)
    return out if out["active"] or include_revoked else None


def all_volunteers(db: sqlite_utils.Database, include_revoked: bool = False) -> list[dict]:
    """Every (active) volunteer, oldest first."""
    where = "" if include_revoked else " WHERE active = 1"
    cursor = db.conn.execute(f"SELECT * FROM volunteers{where} ORDER BY created_at, user_id")
    return [_row(cursor, r) for r in cursor.fetchall()]


def revoke(db: sqlite_utils.Database, actor: str, user_id: str) -> bool:
    """Take the role away; False when `user_id` was not an active volunteer."""
    cursor = db.conn.execute(
        "UPDATE volunteers SET active = 0, revoked_at = ? WHERE user_id = ? AND active = 1",
        [_now(), user_id],
    )
    db.conn.commit()
    if cursor.rowcount != 1:
        return False
    audit.record(db, actor, "volunteer.revoke", {"volunteer": user_id})
    return True


def label(volunteer: dict) -> str:
    """How recipients see the sender: "【东城区乐龄学习中心 · 志愿者王】"."""
    return f"【{volunteer['org']} · {volunteer['name']}】"
