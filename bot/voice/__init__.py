"""Voice in and out — the seam the channels call.

Until the voice pipeline is installed, both functions return None and the channels fall back
to text: a voice message gets a kind "please type it" reply, and replies are sent as text only.

- `recognizer()` → None, or `transcribe(audio: bytes, mime_type: str | None, lang: str) -> str`
  (the transcript; "" when nothing was understood). Audio is what the user sent (OGG/Opus for
  Telegram voice notes).
- `synthesizer()` → None, or `speak(text: str, lang: str) -> bytes | None` (OGG/Opus, or None
  when this text cannot be spoken).
"""

from __future__ import annotations

from collections.abc import Callable

Transcribe = Callable[[bytes, "str | None", str], str]
Speak = Callable[[str, str], "bytes | None"]


def recognizer() -> Transcribe | None:
    """Speech-to-text for incoming voice messages, or None when no ASR is available."""
    return None


def synthesizer() -> Speak | None:
    """Text-to-speech (OGG/Opus) for spoken replies, or None when no TTS is available."""
    return None
