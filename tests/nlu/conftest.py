"""NLU fixtures: the gazetteer of the shipped catalogue and one model trained per session."""

from __future__ import annotations

import pytest
from nlukit import CATALOGUE, DATA, NOW

from content.gazetteer import build
from nlu import Parser, train


@pytest.fixture(scope="session")
def gazetteer() -> dict:
    """Entity → value → aliases of the shipped sample catalogue."""
    return build(CATALOGUE)


@pytest.fixture(scope="session")
def trained(gazetteer, tmp_path_factory):
    """(model, path): trained once per test session into a temporary model folder."""
    return train(gazetteer, DATA, tmp_path_factory.mktemp("nlu-model"))


@pytest.fixture(scope="session")
def parser(trained) -> Parser:
    """A warmed-up local parser over the session's model."""
    p = Parser(trained[0])
    p.warm_up()
    return p


@pytest.fixture
def parse(parser):
    """parse(text) with the clock fixed at NOW."""
    return lambda text: parser.parse(text, NOW)
