"""Dialogue fixtures: the shipped catalogue, a fresh database, a scripted and a real parser."""

from __future__ import annotations

import pytest
from dialoguekit import NOW, SAMPLE, ScriptedParser, make_assistant

from content.catalogue import Catalogue
from content.validate import read_catalogue_dir
from store.db import open_db


@pytest.fixture(scope="session")
def cat() -> Catalogue:
    """The shipped sample catalogue, in memory (read-only)."""
    data, problems = read_catalogue_dir(SAMPLE)
    assert not [p for p in problems if p.level == "error"]
    return Catalogue(data)


@pytest.fixture
def dbase(tmp_path):
    """A fresh SQLite file for one test."""
    database = open_db(tmp_path / "leling.db")
    yield database
    database.conn.close()


@pytest.fixture(scope="session")
def nlu_model_dir(tmp_path_factory):
    """One NLU model folder per test session (shared with `leling chat` subprocesses)."""
    return tmp_path_factory.mktemp("nlu-model")


@pytest.fixture(scope="session")
def real_parser(nlu_model_dir):
    """The real NLU over the shipped catalogue's gazetteer (trained once per session)."""
    from content.gazetteer import build
    from nlu import load_parser

    parser = load_parser(build(SAMPLE), model_dir=nlu_model_dir)
    parser.parse("你好", now=NOW)
    return parser


@pytest.fixture
def scripted():
    """A parser that returns the parse dicts a test hands it (see dialoguekit.parse)."""
    return ScriptedParser()


@pytest.fixture
def bot(dbase, cat, scripted):
    """An Assistant over a fresh database with the scripted parser and a recording planner."""
    return make_assistant(dbase, cat, scripted)
