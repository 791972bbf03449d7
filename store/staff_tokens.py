"""One-time sign-in tokens for the staff pages (/desk, /admin): `/weblogin` on Telegram or
`leling volunteers login-link USER_ID` makes one; `/staff/login?t=…` uses it.

    token = staff_tokens.issue(db, "telegram:7")        # valid 10 minutes, once
    staff_tokens.redeem(db, token)                      # "telegram:7"; None the second time

Only a SHA-256 of the token is stored, so a copy of the database signs nobody in. A token is
spent by one atomic UPDATE, so two tabs racing with the same link sign in once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import sqlite_utils

# The column naming a user is registered in store/users.py (USER_COLUMNS).
MAX_TOKEN = 100  # characters; a token is 32
KEEP_SPENT = timedelta(days=1)  # spent and expired rows are deleted after this


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def issue(
    db: sqlite_utils.Database, user_id: str, ttl_min: int = 10, *, now: datetime | None = None
) -> str:
    """A new single-use token for `user_id`, valid `ttl_min` minutes; only its hash is kept."""
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(24)
    db.conn.execute("DELETE FROM staff_tokens WHERE expires_at < ?", [_iso(now - KEEP_SPENT)])
    db.conn.execute(
        "INSERT INTO staff_tokens (token_hash, user_id, created_at, expires_at)"
        " VALUES (?, ?, ?, ?)",
        [_hash(token), user_id, _iso(now), _iso(now + timedelta(minutes=ttl_min))],
    )
    db.conn.commit()
    return token


def redeem(db: sqlite_utils.Database, token: str, *, now: datetime | None = None) -> str | None:
    """The user id the token was made for, spending it; None when it is unknown, spent or
    expired."""
    if not token or len(token) > MAX_TOKEN:
        return None
    now = now or datetime.now(UTC)
    digest = _hash(token)
    cursor = db.conn.execute(
        "UPDATE staff_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
        " AND expires_at > ?",
        [_iso(now), digest, _iso(now)],
    )
    db.conn.commit()
    if cursor.rowcount != 1:
        return None
    row = db.conn.execute(
        "SELECT user_id FROM staff_tokens WHERE token_hash = ?", [digest]
    ).fetchone()
    return row[0] if row else None
