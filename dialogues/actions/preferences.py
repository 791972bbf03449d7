"""Voice or text replies; inside a guide, the current step follows (so it is heard at once)."""

from __future__ import annotations

from dialogues.actions import guides, smalltalk
from dialogues.context import Turn
from dialogues.models import Reply


def prefer_voice(t: Turn) -> list[Reply]:
    """ "读出来吧": spoken replies on (and the current guide step again, spoken)."""
    return smalltalk.prefer_voice(t) + guides.still_on(t)


def prefer_text(t: Turn) -> list[Reply]:
    """ "别念了": spoken replies off (and the current guide step again)."""
    return smalltalk.prefer_text(t) + guides.still_on(t)
