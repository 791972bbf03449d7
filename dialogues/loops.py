"""Multi-step flows (like Rasa's `active_loop`): while one is in progress it answers first.

A flow is started by its action (`t.state.start_loop("guide")`) and left by its action or by
the user going elsewhere. While it is active, `route` gives it each message before the general
rules: the flow may answer at once (replies), or hand on the intent to answer — possibly a
different one ("好了" means "next step" inside a guide). An intent that is neither the flow's own
nor marked `keeps_loop` in nlu/intents.yml leaves the flow; what it had reached (the guide's
step) stays in the state, so it can be resumed.

To add a flow (the announcement composer, the help desk): subclass `Loop`, list its own
intents, override `route` where it differs, and add it to `LOOPS`.
"""

from __future__ import annotations

from dialogues.actions import guides
from dialogues.context import Turn
from dialogues.models import Reply
from nlu import intents


class Loop:
    """A multi-step flow: its name, its own intents, and how it routes a message."""

    name: str = ""
    own: frozenset[str] = frozenset()

    def keeps(self, t: Turn, intent: str) -> bool:
        """True when `intent` is answered without leaving the flow."""
        return intent in self.own or intent in intents.flagged("keeps_loop")

    def route(self, t: Turn, intent: str) -> str | list[Reply]:
        """The intent to answer (the flow stays or is left), or the flow's own replies."""
        if not self.keeps(t, intent):
            t.state.end_loop(self.name)
        return intent


class GuideLoop(Loop):
    """A step-by-step guide: "好了" is the next step, "不学了" pauses it, a question about
    something else pauses it too (and "继续上次的" resumes it)."""

    name = "guide"
    own = frozenset(
        {"guide_next", "guide_back", "guide_repeat", "guide_stuck", "resume_guide", "start_guide"}
    )
    # The buttons under a reminder message ("收到", "不去了，取消提醒"): tapping them mid-guide
    # neither advances nor pauses the guide.
    REMINDER_BUTTONS = frozenset({"affirm", "unsubscribe"})

    def keeps(self, t: Turn, intent: str) -> bool:
        return super().keeps(t, intent) or (t.parse.tapped and intent in self.REMINDER_BUTTONS)

    def route(self, t: Turn, intent: str) -> str | list[Reply]:
        if intent == "affirm" and not t.parse.tapped:  # "好了" / "好的"; not a reminder's "收到"
            return "guide_next"
        if intent in ("cancel", "deny"):
            return guides.stop(t)
        return super().route(t, intent)


LOOPS: dict[str, Loop] = {loop.name: loop for loop in (GuideLoop(),)}


def active(t: Turn) -> Loop | None:
    """The flow in progress, if any (an unknown name, from a newer version, is dropped)."""
    if t.state.loop is None:
        return None
    loop = LOOPS.get(t.state.loop.name)
    if loop is None:
        t.state.end_loop()
    return loop


def route(t: Turn, intent: str) -> str | list[Reply]:
    """Give the message to the flow in progress first (see the module docstring)."""
    loop = active(t)
    return intent if loop is None else loop.route(t, intent)
