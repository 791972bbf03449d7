"""Fixtures for the /admin console: the real web app under uvicorn (tests/web/webkit.py) with an
admin configured, its NLU training data and model folder moved into the test's own folder, and
a second database connection for the test's own look-ups."""

from __future__ import annotations

import shutil
import sys
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))

from adminkit import ADMIN  # noqa: E402
from webkit import LiveServer  # noqa: E402

from store.db import open_db  # noqa: E402

NLU_DATA = Path(__file__).resolve().parents[2] / "nlu" / "data"


@pytest.fixture
def live(tmp_path, real_parser):
    """The web app with LELING_ADMINS=telegram:1; `live.db` is the test's own connection,
    `live.app` the Starlette app, `live.nlu_data` a copy of nlu/data the console writes to."""
    with LiveServer(tmp_path, real_parser) as server:
        server.services.settings = replace(server.settings, admins=(ADMIN,))
        server.db = open_db(server.settings.db)
        server.app = server.server.config.app
        server.nlu_data = tmp_path / "nlu-data"
        shutil.copytree(NLU_DATA, server.nlu_data)
        server.app.state.nlu_data = server.nlu_data
        server.app.state.nlu_model_dir = tmp_path / "nlu-models"
        try:
            yield server
        finally:
            retrainer = getattr(server.app.state, "retrainer", None)
            if retrainer is not None:
                retrainer.wait(600)
            server.db.conn.close()
