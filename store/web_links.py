"""One-time links from a WeChat chat to the web chat (`web_links`): only a token's SHA-256 is
kept; `redeem` checks and spends a token in one statement, so two opens at once cannot both sign
in. The channel side (the URL, the page) is bot/channels/wechat_link.py."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

import sqlite_utils

TTL = timedelta(minutes=15)
KEEP = timedelta(days=1)  # used and expired rows are deleted this long after they expire
TOKEN_MAX = 64  # characters of a `wx` parameter looked at
_START = re.compile(r"^(lecture|guide|lesson|center)_[A-Za-z0-9_-]{1,64}$")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat(timespec="seconds")


def issue(
    db: sqlite_utils.Database,
    user_id: str,
    *,
    start: str | None = None,
    ttl: timedelta = TTL,
    now: datetime | None = None,
) -> str:
    """A new one-time token signing the web chat in as `user_id`; `start` (a deep link such as
    `guide_<id>`) is what the page opens on. Rows long expired are swept on the way."""
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    start = start if start and _START.match(start) else None
    with db.conn:
        db.execute("DELETE FROM web_links WHERE expires_at < ?", [_iso(now - KEEP)])
        db.execute(
            "INSERT INTO web_links (token_hash, user_id, start, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [_hash(token), user_id, start, _iso(now), _iso(now + ttl)],
        )
    return token


def redeem(
    db: sqlite_utils.Database, token: str, now: datetime | None = None
) -> tuple[str, str | None, str | None]:
    """("ok" | "used" | "expired" | "unknown", user id, start): "ok" only the first time, within
    its lifetime; the token is marked used by the same statement."""
    if not token or len(token) > TOKEN_MAX:
        return "unknown", None, None
    now = now or datetime.now(UTC)
    key = _hash(token)
    with db.conn:
        cur = db.execute(
            "UPDATE web_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL "
            "AND expires_at > ?",
            [_iso(now), key, _iso(now)],
        )
        row = db.execute(
            "SELECT user_id, start, used_at FROM web_links WHERE token_hash = ?", [key]
        ).fetchone()
    if row is None:
        return "unknown", None, None
    if cur.rowcount == 1:
        return "ok", row[0], row[1]
    return ("used" if row[2] else "expired"), row[0], None
