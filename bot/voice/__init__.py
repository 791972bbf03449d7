"""Voice in and out — the seam the channels call.

- `recognizer(catalogue)` → None (no speech recognition installed, or LELING_ASR=off), or an
  `asr.Recognizer`: calling it, `rec(audio, mime_type, lang)`, returns an `asr.Transcript`
  (`.text`, "" when nothing was understood, and `.sure`); `await rec.hear(...)` does the same
  on its own two worker threads. Unusable audio raises `audio.AudioError` (`.reason`: empty,
  corrupt, too_long, too_big); a full queue raises `asr.Busy`.
- `synthesizer()` → None (LELING_TTS=off, or PyAV missing), or `speak(text, lang) -> bytes |
  None` (OGG/Opus; None when no engine can say it, and the reply goes as text only).

The parts: `audio` (decode/encode with PyAV), `asr`, `tts` and `speech_text` (what a voice
reads), `espeak` (the offline voice), `model` (the Whisper model, `make voice-model`).
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

Transcribe = Callable[[bytes, "str | None", str], object]
Speak = Callable[[str, str], "bytes | None"]


def have_av() -> bool:
    """PyAV (the audio codecs) is installed."""
    return importlib.util.find_spec("av") is not None


def recognizer(catalogue=None):
    """Speech-to-text for incoming voice messages, or None when no ASR is available."""
    if not have_av():
        return None
    from bot.voice.asr import Recognizer

    rec = Recognizer.from_env(catalogue)
    if rec is not None:
        log.info("speech recognition: %s", ", ".join(b.name for b in rec.backends))
    return rec


def synthesizer() -> Speak | None:
    """Text-to-speech (OGG/Opus) for spoken replies, or None when no TTS is available."""
    if not have_av():
        return None
    from bot.voice.tts import Speaker

    speaker = Speaker.default()
    return speaker.speak if speaker.engines else None
