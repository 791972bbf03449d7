"""Dialogue fixtures: a scripted parser and an assistant over it (the catalogue, the database
and the real parser are in tests/conftest.py)."""

from __future__ import annotations

import pytest
from dialoguekit import ScriptedParser, make_assistant

from content.catalogue import Catalogue


@pytest.fixture(scope="session")
def cat(catalogue) -> Catalogue:
    """The shipped sample catalogue, in memory (read-only)."""
    return catalogue


@pytest.fixture
def dbase(db):
    """A fresh SQLite file for one test."""
    return db


@pytest.fixture
def scripted():
    """A parser that returns the parse dicts a test hands it (see dialoguekit.parse)."""
    return ScriptedParser()


@pytest.fixture
def bot(dbase, cat, scripted):
    """An Assistant over a fresh database with the scripted parser and a recording planner."""
    return make_assistant(dbase, cat, scripted)
