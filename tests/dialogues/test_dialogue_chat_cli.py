"""`leling chat` as a real process: flags, guests, text mode, encodings."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from dialoguekit import ROOT

from store.db import open_db

pytestmark = pytest.mark.slow


def chat(tmp_path, model_dir, *args: str, stdin: str | bytes = "") -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        LELING_DB=str(tmp_path / "leling.db"),
        LELING_NLU_MODEL_DIR=str(model_dir),
        PYTHONIOENCODING="utf-8",
    )
    env.pop("LELING_CONTENT", None)
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", *args],
        input=data,
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )


def test_bad_now_is_refused(tmp_path, nlu_model_dir):
    proc = chat(tmp_path, nlu_model_dir, "--now", "next tuesday")
    assert proc.returncode == 2
    assert b"--now" in proc.stderr


def test_a_guest_leaves_nothing_behind(tmp_path, nlu_model_dir, real_parser):
    proc = chat(
        tmp_path,
        nlu_model_dir,
        "--now",
        "2026-12-04T15:00",
        stdin='你好\n/subscribe{"lecture":"lec-capital-series"}\n',
    )
    assert proc.returncode == 0, proc.stderr
    assert "[找学习点]" in proc.stdout.decode("utf-8")
    db = open_db(tmp_path / "leling.db")
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM subscriptions").fetchone()[0] == 0


def test_english_and_json(tmp_path, nlu_model_dir, real_parser):
    proc = chat(
        tmp_path,
        nlu_model_dir,
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


def test_undecodable_bytes_and_crlf_are_handled(tmp_path, nlu_model_dir, real_parser):
    proc = chat(
        tmp_path,
        nlu_model_dir,
        "--json",
        "--now",
        "2026-12-04T15:00",
        stdin=b"\xff\xfe\xfa\r\n\xe4\xbd\xa0\xe5\xa5\xbd\r\n",
    )
    assert proc.returncode == 0, proc.stderr
    turns = [json.loads(x) for x in proc.stdout.decode("utf-8").splitlines()]
    assert len(turns) == 2
    assert turns[1]["nlu"]["intent"]["name"] == "greet"
