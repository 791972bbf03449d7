"""Short keys for button payloads that do not fit Telegram's 64-byte `callback_data`.

Payloads normally fit (`/intent{"entity":"value"}` with ids), and then `callback_data` is the
payload itself. A longer one is stored here under a key derived from its hash, and the button
carries `k:<key>` instead; the key is stable, so the same payload always gets the same key and
a button still works after a restart.

    data = callbacks.to_callback_data(db, payload)   # payload, or "k:3f9a…"
    callbacks.resolve(db, data)                       # the payload, or None if unknown
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime

import sqlite_utils

MAX_BYTES = 64
PREFIX = "k:"


def fits(payload: str) -> bool:
    """True when `payload` can travel as callback_data as it is."""
    return len(payload.encode("utf-8")) <= MAX_BYTES and not payload.startswith(PREFIX)


def key_for(payload: str) -> str:
    """The short key of a payload (16 URL-safe characters of its SHA-256)."""
    digest = hashlib.sha256(payload.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:16]


def to_callback_data(db: sqlite_utils.Database, payload: str) -> str:
    """`payload` itself when it fits, else `k:<key>` with the payload stored under the key."""
    if fits(payload):
        return payload
    key = key_for(payload)
    db.execute(
        "INSERT INTO callbacks (key, payload, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT(key) DO UPDATE SET created_at = excluded.created_at",
        [key, payload, datetime.now(UTC).isoformat(timespec="seconds")],
    )
    db.conn.commit()
    return PREFIX + key


def needs_store(data: str) -> bool:
    """True when `data` is a short key that must be looked up."""
    return data.startswith(PREFIX)


def resolve(db: sqlite_utils.Database, data: str) -> str | None:
    """The payload behind callback_data: itself, or the stored payload (None if unknown)."""
    if not needs_store(data):
        return data
    row = db.execute(
        "SELECT payload FROM callbacks WHERE key = ?", [data[len(PREFIX) :]]
    ).fetchone()
    return row[0] if row else None
