"""The policy: from (intent, entities, state) to the action that answers.

Rules are checked in order: odd input; answers to a question Leling asked (a place, "are you
sure?"); the flow in progress (dialogues/loops.py: "好了" means "next step" in a guide);
follow-ups on the last list ("那周末的呢?"); unclear input (ask back with the top two guesses);
then the action nlu/intents.yml names for the intent.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable

from dialogues import loops
from dialogues.actions import (
    centers,
    desk,
    guides,
    lectures,
    lessons,
    privacy,
    smalltalk,
    subscriptions,
)
from dialogues.context import Turn
from dialogues.models import Reply
from nlu import intents

# Ask back when the top two intents are this close, the top one is below this confidence, and
# the two are a pair people confuse ("有课吗": lectures or phone classes?).
AMBIGUITY_MARGIN = 0.1
AMBIGUOUS_BELOW = 0.5
CONFUSABLE = {
    frozenset(p)
    for p in (
        ("list_lectures", "list_lessons"),
        ("start_guide", "list_lessons"),
        ("find_center", "list_lessons"),
        ("subscribe", "my_subscriptions"),
        ("unsubscribe", "my_subscriptions"),
        ("subscribe", "unsubscribe"),
    )
}

_FOLLOW_UP = re.compile(
    r"^(那|那么|那再|还有|再看看)|呢\s*[?？]?$|^(what|how) about\b|^and\b", re.IGNORECASE
)
_LIST_ENTITIES = {
    "lecture": ("time", "topic", "audience", "district", "mode"),
    "lesson": ("time", "app", "topic", "district"),
    "center": ("district", "street", "landmark", "kind", "topic"),
}
# Intents a short follow-up ("那海淀区的呢?") may be mistaken for.
_FOLLOW_UP_INTENTS = {
    "out_of_scope",
    "center_info",
    "find_center",
    "list_lectures",
    "list_lessons",
    "help",
    "affirm",
    "greet",
    "goodbye",
    "deny",
    "thanks",
}


# Intents the policy answers by a rule of its own rather than an action.
RULES = frozenset({"out_of_scope"})


def _action(path: str) -> Callable[[Turn], list[Reply]]:
    """The function `module.function` of dialogues/actions/."""
    module, _, name = path.rpartition(".")
    found = getattr(importlib.import_module(f"dialogues.actions.{module}"), name, None)
    if not callable(found):
        raise ValueError(f"nlu/intents.yml names action {path!r}, which does not exist")
    return found


# Intent → the action that answers it, as declared in nlu/intents.yml.
HANDLERS: dict[str, Callable[[Turn], list[Reply]]] = {
    name: _action(intent.action) for name, intent in intents.registry().items() if intent.action
}


def _answer_to_pending(t: Turn, intent: str) -> list[Reply] | None:
    pending = t.pending
    ask = pending.ask if pending else None
    if ask in ("unsubscribe_all", "forget") and intent in ("affirm", "deny", "cancel"):
        if intent != "affirm":
            return [t.reply(t.t("confirm.kept"), plain=True)]
        if ask == "unsubscribe_all":
            return subscriptions.cancel_all(t)
        return privacy.forget_now(t)
    if ask == "clarify" and intent == "deny":
        return smalltalk.deny(t)
    if ask == "place":
        if intent == "share_location":
            return centers.share_location(t)
        if (
            intent in ("inform", "find_center", "center_info", "out_of_scope", "list_lessons")
            and centers.place_from(t) is not None
        ):
            # A whole new request ("东城区有老年大学吗") brings its own filters.
            fresh = intent == "find_center" and centers.filters_from(t)
            return centers.find_center(t, base=None if fresh else pending.query)
    return None


_FILLER = re.compile(r"(?:[\s\W_]|的|呢|吗|嘛|吧|啊|呀|呐|还有|再)+")


def _says_more_than_its_entities(t: Turn) -> bool:
    """True when the message has words of its own besides its entities ("今天天气怎么样"),
    False for a bare refinement ("周末的", "海淀区?", "online ones")."""
    text = t.text
    for e in sorted(t.parse.entities, key=lambda e: -e.start):
        text = text[: e.start] + " " + text[e.end :]
    rest = _FILLER.sub("", text)
    return len(rest) > (1 if t.lang == "zh" else 6)


def _follow_up(t: Turn, intent: str) -> list[Reply] | None:
    """ "那周末的呢?" after a lecture list: the same search with the new time (or district, …)."""
    last = t.state.shown
    kind = last.type if last else None
    wanted = _LIST_ENTITIES.get(kind or "")
    if not wanted or not any(k in t.entity_map() for k in wanted):
        return None
    marked = bool(_FOLLOW_UP.search(t.text.strip()))
    # "周末的", "海淀区?", "online ones" — unless the classifier already named the list's own
    # intent, whose handler keeps the context itself ("按您上次说的朝阳区来找").
    own = {"lecture": "list_lectures", "lesson": "list_lessons", "center": "find_center"}
    bare = intent != own.get(kind) and not _says_more_than_its_entities(t)
    if intent == "out_of_scope" and not (marked or bare):
        return None  # "今天天气怎么样" is a new question, not "那今天的呢"
    if not (intent == "out_of_scope" or ((marked or bare) and intent in _FOLLOW_UP_INTENTS)):
        return None
    base = dict(last.query)
    if kind == "lecture":
        return lectures.list_lectures(t, base=base)
    if kind == "lesson":
        return lessons.list_lessons(t, base=base)
    return centers.find_center(t, base=base)


def _unclear(t: Turn) -> list[Reply]:
    ranking = t.parse.ranking
    if ranking and ranking[0][0] in smalltalk.CLARIFIABLE:
        return smalltalk.clarify(t, t.parse.top(3))
    if centers.place_from(t) is not None:
        return centers.find_center(t)
    if t.entity("guide"):
        return guides.start_guide(t)
    return smalltalk.out_of_scope(t)


def _ambiguous(t: Turn) -> bool:
    """Two readings that lead to different answers, almost tied at low confidence (like Rasa's
    ambiguity threshold, but only for pairs people really confuse): ask back."""
    if t.parse.tapped or t.state.in_loop():
        return False
    ranking = t.parse.ranking
    if len(ranking) < 2 or ranking[0][0] != t.intent:
        return False
    (top, p1), (second, p2) = ranking[0], ranking[1]
    return (
        p1 < AMBIGUOUS_BELOW
        and p1 - p2 < AMBIGUITY_MARGIN
        and frozenset((top, second)) in CONFUSABLE
    )


def respond(t: Turn) -> list[Reply]:
    """The replies to one understood message."""
    intent = t.intent
    desk_replies = desk.respond(t)  # volunteers' commands; a user talking to their volunteer
    if desk_replies is not None:
        return desk_replies
    if intent.startswith("_"):  # odd input: answered kindly before anything else
        return HANDLERS.get(intent, smalltalk.odd_input)(t)
    answered = _answer_to_pending(t, intent)
    if answered is not None:
        return answered
    routed = loops.route(t, intent)  # a guide in progress answers first
    if not isinstance(routed, str):
        return routed
    intent = routed
    followed = _follow_up(t, intent)
    if followed is not None:
        return followed
    if intent == "out_of_scope":
        return _unclear(t)
    if _ambiguous(t):
        return smalltalk.clarify(t, t.parse.top(2))
    handler = HANDLERS.get(intent)
    if handler is None:
        return smalltalk.out_of_scope(t)
    return handler(t)
