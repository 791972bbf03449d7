"""Web chat fixtures: the real NLU (trained once per session) and a live server per test."""

from __future__ import annotations

import pytest
from webkit import NOW, SAMPLE, LiveServer


@pytest.fixture(scope="session")
def web_parser(tmp_path_factory):
    """The real NLU over the shipped catalogue's gazetteer."""
    from content.gazetteer import build
    from nlu import load_parser

    parser = load_parser(build(SAMPLE), model_dir=tmp_path_factory.mktemp("nlu-model"))
    parser.parse("你好", now=NOW)
    return parser


@pytest.fixture
def live(tmp_path, web_parser):
    """A web server over a fresh database (default limits)."""
    with LiveServer(tmp_path, web_parser) as server:
        yield server
