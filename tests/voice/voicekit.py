"""Helpers for the voice tests (imported by name, like tgkit and dialoguekit)."""

from __future__ import annotations

import pytest

from bot.voice import espeak


def need_espeak() -> None:
    """Skip the test when the offline voice is not installed."""
    if not espeak.available():
        pytest.skip("espeakng-loader (the offline voice) is not installed")
