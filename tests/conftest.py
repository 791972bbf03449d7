"""Fixtures shared by every test folder: the shipped catalogue (as a folder copy, in a database,
in memory), fresh SQLite files, and the real NLU trained once per session.

Every test runs with LELING_DB pointing into its own temporary folder and LELING_NLU_MODEL_DIR at
the session's model folder (subprocesses inherit both), so no test reads or writes the user's
real database or model cache, and the model is trained once per session, not once per command.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# No test reaches the network: the online voice (gTTS) is not even probed, here and in the
# `leling` subprocesses tests start (they inherit the environment).
os.environ.setdefault("LELING_TTS", "offline")

from content.load import import_dir, load_catalogue
from store.db import open_db

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "data"
NLU_DATA = ROOT / "nlu" / "data"


@pytest.fixture(scope="session")
def nlu_model_dir(tmp_path_factory) -> Path:
    """One NLU model folder per test session (shared with `leling` subprocesses)."""
    return tmp_path_factory.mktemp("nlu-model")


@pytest.fixture(scope="session", autouse=True)
def _session_env(nlu_model_dir):
    """For the whole session (module fixtures that start processes too): the session's model
    folder; no Rasa server, Telegram token or catalogue folder from the developer's shell."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LELING_NLU_MODEL_DIR", str(nlu_model_dir))
        for name in ("LELING_CONTENT", "LELING_NLU_URL", "TELEGRAM_BOT_TOKEN"):
            mp.delenv(name, raising=False)
        yield


@pytest.fixture(autouse=True)
def _isolated_db(tmp_path, monkeypatch):
    """Each test's own LELING_DB, so no command a test runs touches the user's database."""
    monkeypatch.setenv("LELING_DB", str(tmp_path / "env-leling.db"))


@pytest.fixture(scope="module")
def browser():
    """Headless chromium under Playwright, one per test module (tests/browserkit.py)."""
    from browserkit import chromium

    with chromium() as b:
        yield b


@pytest.fixture
def cli_imports():
    """cli_imports(argv) → the modules a fresh Python process has imported once
    `bot.cli.main(argv)` returned (or exited): what a command costs to start."""

    def imported(argv: list[str]) -> set[str]:
        code = (
            "import json, sys\n"
            "from bot import cli\n"
            "try:\n"
            f"    cli.main({argv!r})\n"
            "except SystemExit:\n"
            "    pass\n"
            "print(json.dumps(sorted(sys.modules)))\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
        ).stdout
        return set(json.loads(out.strip().splitlines()[-1]))

    return imported


@pytest.fixture
def run_leling():
    """run_leling(*args, stdin=b"", **env) → the finished `python -m bot.cli ARGS` process, run
    in the repository with this test's environment plus `env` (output as bytes)."""

    def run(*args: str, stdin: str | bytes = b"", **env: str) -> subprocess.CompletedProcess:
        data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", *args],
            input=data,
            capture_output=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONIOENCODING": "utf-8", **env},
            timeout=300,
        )

    return run


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


@pytest.fixture(scope="session")
def gazetteer(catalogue) -> dict:
    """Entity → value → aliases of the shipped catalogue, as the service builds it."""
    from bot.app import catalogue_gazetteer

    return catalogue_gazetteer(catalogue)


@pytest.fixture(scope="session")
def trained(gazetteer, nlu_model_dir):
    """(model, path): the shipped catalogue's model, trained once per session."""
    from nlu.model import load_or_train

    model, path, _ = load_or_train(gazetteer, NLU_DATA, nlu_model_dir)
    return model, path


@pytest.fixture(scope="session")
def real_parser(trained):
    """A warmed-up local parser over the session's model."""
    from nlu import Parser

    parser = Parser(trained[0])
    parser.warm_up()
    return parser
