"""`leling chat` as a real process: flags, guests, text mode, encodings."""

from __future__ import annotations

import json

import pytest

from store.db import open_db

pytestmark = pytest.mark.slow


@pytest.fixture
def chat(tmp_path, run_leling):
    """chat(*args, stdin=...) → a finished `leling chat` over tmp_path/leling.db."""
    return lambda *args, stdin="": run_leling(
        "chat", *args, stdin=stdin, LELING_DB=str(tmp_path / "leling.db")
    )


def test_bad_now_is_refused(chat):
    proc = chat("--now", "next tuesday")
    assert proc.returncode == 2
    assert b"--now" in proc.stderr


def test_a_guest_leaves_nothing_behind(chat, tmp_path, real_parser):
    proc = chat(
        "--now",
        "2026-12-04T15:00",
        stdin='你好\n/subscribe{"lecture":"lec-capital-series"}\n',
    )
    assert proc.returncode == 0, proc.stderr
    assert "[找学习点]" in proc.stdout.decode("utf-8")
    db = open_db(tmp_path / "leling.db")
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM subscriptions").fetchone()[0] == 0


def test_english_and_json(chat, tmp_path, real_parser):
    proc = chat(
        "--json",
        "--lang",
        "en",
        "--user",
        "ann",
        "--now",
        "2026-12-04T15:00",
        stdin="/help\n",
    )
    assert proc.returncode == 0, proc.stderr
    [turn] = [json.loads(x) for x in proc.stdout.decode("utf-8").splitlines()]
    assert turn["input"]["user"] == "terminal:ann"
    assert "Find a center" in turn["replies"][0]["text"]


def test_undecodable_bytes_and_crlf_are_handled(chat, tmp_path, real_parser):
    proc = chat(
        "--json",
        "--now",
        "2026-12-04T15:00",
        stdin=b"\xff\xfe\xfa\r\n\xe4\xbd\xa0\xe5\xa5\xbd\r\n",
    )
    assert proc.returncode == 0, proc.stderr
    turns = [json.loads(x) for x in proc.stdout.decode("utf-8").splitlines()]
    assert len(turns) == 2
    assert turns[1]["nlu"]["intent"]["name"] == "greet"
