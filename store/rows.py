"""Reading rows as dicts with plain SQL (sqlite-utils' table helpers list the schema first, two
queries more per look-up)."""

from __future__ import annotations

import sqlite_utils


def fetch_one(db: sqlite_utils.Database, sql: str, params: list) -> dict | None:
    """The first row `sql` selects, as {column: value}, or None."""
    cursor = db.conn.execute(sql, params)
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row, strict=True))
