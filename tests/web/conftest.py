"""Web chat fixtures: a live server per test over the session's real NLU (tests/conftest.py)."""

from __future__ import annotations

import pytest
from webkit import LiveServer


@pytest.fixture
def web_parser(real_parser):
    """The real NLU, trained once per session."""
    return real_parser


@pytest.fixture
def live(tmp_path, web_parser):
    """A web server over a fresh database (default limits)."""
    with LiveServer(tmp_path, web_parser) as server:
        yield server
