"""Text from outside made safe to store and send, before anything else sees it.

JSON and some clients can hand Python a lone surrogate (`"\\ud800"`) or a Unicode noncharacter;
neither can be written as UTF-8 (SQLite, Telegram and the logs all need it), so each becomes
U+FFFD. Text is also cut to `MAX_TEXT` characters: nothing a person types is longer, and every
later step (cleaning, the NLU, the session) then has a bounded amount to do.
"""

from __future__ import annotations

import math
import re

MAX_TEXT = 4096
REPLACEMENT = "\ufffd"

# Lone surrogates, and the 66 noncharacters (U+FDD0–U+FDEF and the last two of every plane).
_UNSAFE = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(17))
    + "]"
)


def text(value: object, limit: int = MAX_TEXT) -> str:
    """`value` as text of at most `limit` characters that always encodes as UTF-8."""
    if not isinstance(value, str):
        value = "" if value is None else str(value)
    return _UNSAFE.sub(REPLACEMENT, value[:limit])


def location(value: object) -> tuple[float, float] | None:
    """(lat, lon) when `value` is a finite point on Earth, else None."""
    try:
        lat, lon = (float(x) for x in value)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def exc_info(exc: BaseException) -> tuple:
    """`exc_info` for a log line that keeps the traceback but drops the exception's message:
    an exception's text can quote what the user wrote (a KeyError of a name, a ValueError of a
    date, a repr of the session); the traceback's source lines cannot."""
    try:
        clean = type(exc).__new__(type(exc))
    except Exception:
        clean = RuntimeError(type(exc).__name__)
    return (type(clean), clean, exc.__traceback__)
