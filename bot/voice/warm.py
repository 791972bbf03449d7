"""Record every guide step with the online voice while it is reachable (`leling content
import` calls this), so guides sound natural later even when the server is offline.

The lines recorded are the ones a guide step's reply is made of ("第1步/共8步", the action,
the tip), in both languages; `tts.Speaker` caches line by line, so the recordings are found
again inside any reply that contains them.
"""

from __future__ import annotations

import importlib.util


def guide_texts(catalogue) -> list[tuple[str, str]]:
    """(text, lang) for every step of every guide, as the conversation words it."""
    from dialogues.texts import Texts

    texts = Texts()
    out: list[tuple[str, str]] = []
    for guide in catalogue.guides.values():
        total = len(guide.steps)
        for n, step in enumerate(guide.steps, 1):
            for lang in ("zh", "en"):
                lines = [texts.get(lang, "guide.step_of", n=n, total=total), step.text.get(lang)]
                if step.tip is not None:
                    lines.append(texts.get(lang, "guide.tip", tip=step.tip.get(lang)))
                out.append(("\n".join(lines), lang))
    return out


def warm_guides(catalogue) -> str | None:
    """Record the guides with the online voice; a line for the operator, or None when the voice
    extra is not installed."""
    if not all(importlib.util.find_spec(m) for m in ("av", "gtts")):
        return None
    from bot.voice.tts import GttsEngine, Speaker

    speaker = Speaker.default()
    if not speaker.engines or not isinstance(speaker.engines[0], GttsEngine):
        return "Voice: the online voice is switched off (LELING_TTS); guides not recorded."
    texts = guide_texts(catalogue)
    done = speaker.warm(texts)
    if done == 0 and not speaker.engines[0].available():
        return "Voice: Google is not reachable; guides will use the offline voice."
    return f"Voice: recorded {done} new guide lines with the online voice ({len(texts)} steps)."
