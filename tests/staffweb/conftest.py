"""Fixtures for the staff pages: the real web app under uvicorn (tests/web/webkit.py) with an
admin configured, and a second database connection for the test's own look-ups."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))

from staffkit import ADMIN  # noqa: E402
from webkit import LiveServer  # noqa: E402

from store.db import open_db  # noqa: E402


@pytest.fixture
def live(tmp_path, real_parser):
    """The web app with LELING_ADMINS=telegram:1; `live.db` is the test's own connection."""
    with LiveServer(tmp_path, real_parser) as server:
        server.services.settings = replace(server.settings, admins=(ADMIN,))
        server.db = open_db(server.settings.db)
        try:
            yield server
        finally:
            server.db.conn.close()
