"""Button payloads in Rasa's `/intent{"entity":"value"}` form, kept within 64 bytes.

Telegram's `callback_data` holds at most 64 bytes of UTF-8, so payloads carry ids, never titles,
and `encode` refuses anything longer (the caller then falls back to a shorter form).
"""

from __future__ import annotations

import json
import re

from nlu.parse import Parse

MAX_BYTES = 64

_PAYLOAD = re.compile(r"^/([A-Za-z_][A-Za-z0-9_]{0,40})(\{.*\})?$", re.DOTALL)


class PayloadTooLong(ValueError):
    """The payload would not fit in Telegram's 64-byte callback_data."""


def encode(intent: str, **entities: str | int) -> str:
    """`/intent{"k":"v"}` with compact JSON; raises PayloadTooLong past 64 bytes UTF-8."""
    body = ""
    if entities:
        body = json.dumps(
            {k: str(v) for k, v in entities.items()}, ensure_ascii=False, separators=(",", ":")
        )
    text = f"/{intent}{body}"
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise PayloadTooLong(text)
    return text


def fits(text: str) -> bool:
    """True when `text` fits in a Telegram callback_data."""
    return len(text.encode("utf-8")) <= MAX_BYTES


def decode(text: str) -> tuple[str, dict[str, str]] | None:
    """(intent, entities) of a payload, or None when `text` is not one.

    Malformed JSON after the intent makes it not a payload (None), so "/location abc" and a
    stray "/" go to the understanding step like any other text.
    """
    m = _PAYLOAD.match(text.strip())
    if not m:
        return None
    intent, body = m.group(1), m.group(2)
    entities: dict[str, str] = {}
    if body:
        try:
            data = json.loads(body)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        for key, value in data.items():
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                entities[str(key)] = str(value)
    return intent, entities


def as_parse(text: str, intent: str, entities: dict[str, str], lang: str) -> Parse:
    """The parse of a payload: confidence 1, like Rasa's own; `source` "engine" tells it apart
    from the NLU's output (the language is not re-detected)."""
    return Parse.resolved(text, intent, entities, lang)
