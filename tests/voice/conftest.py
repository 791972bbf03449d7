"""Voice fixtures: real audio synthesised offline with espeak-ng, through the real codecs."""

from __future__ import annotations

import importlib.util

import pytest

if importlib.util.find_spec("av") is None:  # the voice extra is not installed
    pytest.skip("PyAV (the voice extra) is not installed", allow_module_level=True)

from voicekit import need_espeak  # noqa: E402

from bot.voice import audio, espeak  # noqa: E402


@pytest.fixture(scope="session")
def english_ogg():
    """speak(text) -> OGG/Opus bytes of an English sentence read by espeak-ng."""
    need_espeak()

    def make(text: str) -> bytes:
        pcm, rate = espeak.synthesize(text, "en-us")
        return audio.encode_ogg(pcm, rate)

    return make
