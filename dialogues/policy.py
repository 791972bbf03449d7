"""The policy: from (intent, entities, state) to the action that answers.

Rules are checked in order: odd input; a senior in trouble (a scam, an emergency, a health
question: answered at once, whatever else is going on — only "它让我输密码" inside a guide gets
the guide's own safety tip instead); answers to a question Leling asked (a place, "are you
sure?"); the flow in progress (dialogues/loops.py: "好了" means "next step" in a guide, "点错了"
goes back); follow-ups on the last list ("那周末的呢?"); a question read as a bare "yes";
unclear input (ask back with the top two guesses); then the action nlu/intents.yml names for
the intent.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable

from dialogues import loops
from dialogues.actions import (
    about,
    announce_compose,
    centers,
    desk,
    guide_help,
    guides,
    lectures,
    lessons,
    privacy,
    safety,
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
    r"^(那|那么|那再|还有|再看看|换成|换到|改成|改到|换个|只要|要)|呢\s*[?？]?$|的有吗|的有没有|"
    r"^(what|how) about\b|^and\b|^(switch|change) to\b|^only\b|^any\b|\binstead\b",
    re.IGNORECASE,
)
_LIST_ENTITIES = {
    "lecture": ("time", "topic", "audience", "district", "mode"),
    "lesson": ("time", "app", "topic", "district"),
    "center": ("district", "street", "landmark", "kind", "topic"),
}
# Intents that mean something of their own even when phrased like a follow-up.
_NOT_FOLLOW_UPS = {"subscribe", "unsubscribe", "my_subscriptions", "human_help", "cancel"}
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


# A senior in trouble comes first: never behind a pending question, a clarification or a guide.
SAFETY = {
    "emergency": safety.emergency,
    "scam_alert": safety.scam_alert,
    "health_question": safety.health_question,
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
    named = set(t.entity_map())
    if kind in ("lecture", "lesson") and "guide" in named:
        named.add("topic")  # "那防诈骗的呢": a guide's alias names the topic too
    if not wanted or not named & set(wanted):
        return None
    marked = bool(_FOLLOW_UP.search(t.text.strip()))
    sure_guide = intent == "start_guide" and t.parse.confidence >= 0.8  # "那教我扫码付钱呢"
    if marked and intent not in _NOT_FOLLOW_UPS and not sure_guide:
        # "换成朝阳的", "what about next week": a marked follow-up naming a slot of the list
        # keeps the list, whatever the classifier guessed from so few words.
        intent = "out_of_scope"
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
    composed = announce_compose.respond(t)  # /announce: a volunteer writing an announcement
    if composed is not None:
        return composed
    desk_replies = desk.respond(t)  # volunteers' commands; a user talking to their volunteer
    if desk_replies is not None:
        return desk_replies
    if intent.startswith("_"):  # odd input: answered kindly before anything else
        return HANDLERS.get(intent, smalltalk.odd_input)(t)
    in_guide = guide_help.route(t, intent)  # "点错了", "它让我输密码", "我要学的是发语音"
    if in_guide is not None and intent not in ("emergency", "health_question"):
        return in_guide
    if intent in SAFETY:
        return SAFETY[intent](t)
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
    if intent == "affirm" and not t.parse.tapped and about.is_question(t):
        # "你们这个收钱吗 上课要交钱不" read as "好的": a question never gets a bare "好的".
        return about.about(t) if about.asks_about_leling(t) else _unclear(t)
    if intent == "out_of_scope":
        return _unclear(t)
    if _ambiguous(t):
        return smalltalk.clarify(t, t.parse.top(2))
    handler = HANDLERS.get(intent)
    if handler is None:
        return smalltalk.out_of_scope(t)
    return handler(t)
