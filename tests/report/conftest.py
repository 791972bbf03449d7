"""The scripted month (reportkit.build_world) in a database shared by the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportkit import build_world

from content.load import import_dir
from store.db import open_db

SAMPLE = Path(__file__).resolve().parents[2] / "content" / "data"


@pytest.fixture(scope="module")
def world(tmp_path_factory, catalogue, real_parser):
    """(db, path, what happened): November and December 2026 of scripted use."""
    path = tmp_path_factory.mktemp("report") / "leling.db"
    db = open_db(path)
    assert import_dir(db, SAMPLE).ok  # guide titles for the report
    happened = build_world(db, path, catalogue, real_parser)
    yield db, path, happened
    db.conn.close()
