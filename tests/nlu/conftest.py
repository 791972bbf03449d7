"""NLU fixtures (the gazetteer, the trained model and the parser are in tests/conftest.py)."""

from __future__ import annotations

import pytest
from nlukit import NOW


@pytest.fixture(scope="session")
def parser(real_parser):
    """The session's warmed-up local parser."""
    return real_parser


@pytest.fixture
def parse(parser):
    """parse(text) with the clock fixed at NOW."""
    return lambda text: parser.parse(text, NOW)
