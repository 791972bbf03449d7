"""The conversation: one engine for every channel.

    from dialogues import Assistant, Incoming
    assistant = Assistant(db, catalogue, parser)
    for reply in assistant.handle(Incoming("terminal:alice", "离我最近的老年大学在哪儿?")):
        ...

Channels translate their platform's messages into `Incoming` and render each `Reply`
(text, `Button`s with Rasa-style payloads, catalogue `Item`s, the `GuideStep`, the voice flag).
"""

from dialogues.engine import Assistant
from dialogues.models import SHARE_LOCATION, Button, GuideStep, Incoming, Item, Reply, TurnResult

__all__ = [
    "SHARE_LOCATION",
    "Assistant",
    "Button",
    "GuideStep",
    "Incoming",
    "Item",
    "Reply",
    "TurnResult",
]
