"""「更多」: the next page of whatever list was shown last."""

from __future__ import annotations

from dialogues.actions import centers, guides, lectures, lessons, smalltalk, subscriptions
from dialogues.context import Turn
from dialogues.models import Reply

# The list kinds (state.shown.type) and the action that pages each.
PAGERS = {
    "center": centers.more,
    "lecture": lectures.more,
    "lesson": lessons.more,
    "guide": guides.more,
    "subscription": subscriptions.more,
}


def more(t: Turn) -> list[Reply]:
    """The next page of the last list; with no list shown, say so and show the menu."""
    handler = PAGERS.get(t.state.shown.type) if t.state.shown else None
    if handler is None:
        return [smalltalk.home(t, "more.nothing")]
    return handler(t)
