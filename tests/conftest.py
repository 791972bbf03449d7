"""Shared fixtures: a copy of the shipped catalogue to break, and fresh SQLite files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# No test reaches the network: the online voice (gTTS) is not even probed, here and in the
# `leling` subprocesses tests start (they inherit the environment).
os.environ.setdefault("LELING_TTS", "offline")

from content.load import import_dir, load_catalogue
from store.db import open_db

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "data"


@pytest.fixture
def sample_dir(tmp_path) -> Path:
    """A writable copy of the shipped sample catalogue."""
    dest = tmp_path / "catalogue"
    shutil.copytree(SAMPLE, dest)
    return dest


@pytest.fixture
def db(tmp_path):
    """A new, migrated SQLite database file."""
    database = open_db(tmp_path / "leling.db")
    yield database
    database.conn.close()


@pytest.fixture(scope="session")
def catalogue(tmp_path_factory):
    """The shipped catalogue, imported into a real SQLite file and loaded (shared, read-only)."""
    database = open_db(tmp_path_factory.mktemp("cat") / "leling.db")
    result = import_dir(database, SAMPLE)
    assert result.ok, [str(p) for p in result.problems]
    return load_catalogue(database)
