"""WeChat channel fixtures: the fake WeChat API and a live Leling server configured for it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from wxkit import FakeWeChat, WeChatServer  # noqa: E402


@pytest.fixture
def fake():
    """The fake WeChat API server (real HTTP on 127.0.0.1)."""
    with FakeWeChat() as server:
        yield server


@pytest.fixture
def wx(tmp_path, real_parser, fake):
    """Leling with the Official Account configured (plain mode)."""
    with WeChatServer(tmp_path, real_parser, fake) as server:
        yield server
