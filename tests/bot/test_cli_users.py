"""`leling reminders list --user NAME`: operators name people the short way."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from store import users
from store.db import open_db


@pytest.fixture
def leling(tmp_path, monkeypatch, capsys):
    """run(*args) → (exit code, stdout, stderr) against a database with four users."""
    path = tmp_path / "leling.db"
    db = open_db(path)
    for user_id in ("terminal:c3", "telegram:42", "web:42", "terminal:alice"):
        users.get_or_create(db, user_id)
    db.conn.close()
    monkeypatch.setenv("LELING_DB", str(path))

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["reminders", "list", *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_find_takes_the_whole_id_or_the_name_after_the_channel(db):
    for user_id in ("terminal:c3", "telegram:42", "web:42"):
        users.get_or_create(db, user_id)
    assert users.find(db, "terminal:c3") == ["terminal:c3"]
    assert users.find(db, "c3") == ["terminal:c3"]
    assert users.find(db, "42") == ["telegram:42", "web:42"]
    assert users.find(db, "terminal") == []


def test_a_unique_short_name_finds_the_user_and_says_so(leling):
    code, out, err = leling("--user", "c3", "--json")
    assert (code, json.loads(out)) == (0, [])
    assert "c3 is terminal:c3" in err


def test_the_whole_id_is_used_silently(leling):
    assert leling("--user", "terminal:c3") == (0, "no reminders for terminal:c3\n", "")


def test_an_ambiguous_name_lists_the_candidates(leling):
    code, out, err = leling("--user", "42")
    assert (code, out) == (1, "")
    assert "telegram:42, web:42" in err


def test_an_unknown_name_is_said_plainly(leling):
    code, out, err = leling("--user", "zoe")
    assert (code, out) == (1, "")
    assert "no user 'zoe'" in err
