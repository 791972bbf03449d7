"""The policy: from (intent, entities, state) to the action that answers.

Rules are checked in order: odd input; a senior in trouble (a scam, an emergency, a health
question: answered at once, whatever else is going on); answers to a question Leling asked (a
place, "are you sure?"); the guide in progress ("好了" means "next step" there, "点错了" means
back, "输啥密码" gets the guide's own safety tip); follow-ups on the last list ("那周末的呢?");
unclear input (ask back with the top two guesses); then one action per intent.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from dialogues.actions import (
    about,
    centers,
    guide_help,
    guides,
    handoff,
    lectures,
    lessons,
    privacy,
    safety,
    smalltalk,
    subscriptions,
)
from dialogues.context import Turn
from dialogues.models import Reply

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

# The buttons under a reminder message ("收到", "不去了，取消提醒"): tapping them mid-guide
# neither advances nor pauses the guide.
REMINDER_BUTTONS = {"affirm", "unsubscribe"}

# Intents that do not interrupt a guide in progress.
GUIDE_KEEPS = {
    "guide_next",
    "guide_back",
    "guide_repeat",
    "guide_stuck",
    "affirm",
    "thanks",
    "human_help",
    "prefer_voice",
    "prefer_text",
    "set_lang",
    "resume_guide",
    "start_guide",
    "mydata",
    "my_data",
    "call",
    "greet",
}

# A senior in trouble comes first: never behind a pending question, a clarification or a guide.
SAFETY = {
    "emergency": safety.emergency,
    "scam_alert": safety.scam_alert,
    "health_question": safety.health_question,
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


def _more(t: Turn) -> list[Reply]:
    kind = (t.state.shown or {}).get("type")
    handler = {
        "center": centers.more,
        "lecture": lectures.more,
        "lesson": lessons.more,
        "guide": guides.more,
        "subscription": subscriptions.more,
    }.get(kind)
    if handler is None:
        return [smalltalk.home(t, "more.nothing")]
    return handler(t)


def _inform(t: Turn) -> list[Reply]:
    return centers.find_center(t)


HANDLERS: dict[str, Callable[[Turn], list[Reply]]] = {
    "greet": smalltalk.greet,
    "help": smalltalk.help_,
    "thanks": smalltalk.thanks,
    "goodbye": smalltalk.goodbye,
    "affirm": smalltalk.affirm,
    "deny": smalltalk.deny,
    "cancel": smalltalk.cancel,
    "find_center": centers.find_center,
    "center_info": centers.center_info,
    "share_location": centers.share_location,
    "ask_place": centers.ask_place_action,
    "inform": _inform,
    "list_lectures": lectures.list_lectures,
    "list_lessons": lessons.list_lessons,
    "start_guide": guides.start_guide,
    "guide_next": guides.next_step,
    "guide_back": guides.back,
    "guide_repeat": guides.repeat,
    "guide_stuck": guides.stuck,
    "resume_guide": guides.resume,
    "subscribe": subscriptions.subscribe,
    "unsubscribe": subscriptions.unsubscribe,
    "my_subscriptions": subscriptions.my_subscriptions,
    "human_help": handoff.human_help,
    "prefer_voice": lambda t: smalltalk.prefer_voice(t) + guides.still_on(t),
    "prefer_text": lambda t: smalltalk.prefer_text(t) + guides.still_on(t),
    "set_lang": smalltalk.set_lang,
    "more": _more,
    "mydata": privacy.mydata,
    "my_data": privacy.mydata,
    "forget": privacy.forget,
    "forget_me": privacy.forget,
    "about": about.about,
    "call": safety.call,
}


def _answer_to_pending(t: Turn, intent: str) -> list[Reply] | None:
    pending = t.pending or {}
    ask = pending.get("ask")
    if ask in ("unsubscribe_all", "forget") and intent in ("affirm", "deny", "cancel"):
        if intent != "affirm":
            return [t.reply(t.t("confirm.kept"), plain=True)]
        return subscriptions.cancel_all(t) if ask == "unsubscribe_all" else privacy.forget_now(t)
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
            return centers.find_center(t, base=None if fresh else pending.get("query"))
    return None


_FILLER = re.compile(r"(?:[\s\W_]|的|呢|吗|嘛|吧|啊|呀|呐|还有|再)+")


def _says_more_than_its_entities(t: Turn) -> bool:
    """True when the message has words of its own besides its entities ("今天天气怎么样"),
    False for a bare refinement ("周末的", "海淀区?", "online ones")."""
    text = t.text
    for e in sorted(t.parse.get("entities") or [], key=lambda e: -e.get("start", 0)):
        start, end = e.get("start"), e.get("end")
        if isinstance(start, int) and isinstance(end, int):
            text = text[:start] + " " + text[end:]
    rest = _FILLER.sub("", text)
    return len(rest) > (1 if t.lang == "zh" else 6)


def _follow_up(t: Turn, intent: str) -> list[Reply] | None:
    """ "那周末的呢?" after a lecture list: the same search with the new time (or district, …)."""
    last = t.state.shown or {}
    kind = last.get("type")
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
    base = dict(last.get("query") or {})
    if kind == "lecture":
        return lectures.list_lectures(t, base=base)
    if kind == "lesson":
        return lessons.list_lessons(t, base=base)
    return centers.find_center(t, base=base)


def _unclear(t: Turn) -> list[Reply]:
    ranking = t.parse.get("intent_ranking") or []
    if ranking and ranking[0].get("name") in smalltalk.CLARIFIABLE:
        return smalltalk.clarify(t, ranking[:3])
    if centers.place_from(t) is not None:
        return centers.find_center(t)
    if t.entity("guide"):
        return guides.start_guide(t)
    return smalltalk.out_of_scope(t)


def _ambiguous(t: Turn) -> bool:
    """Two readings that lead to different answers, almost tied at low confidence (like Rasa's
    ambiguity threshold, but only for pairs people really confuse): ask back."""
    if t.parse.get("source") == "engine" or (t.state.guide or {}).get("active"):
        return False
    ranking = t.parse.get("intent_ranking") or []
    if len(ranking) < 2 or ranking[0].get("name") != t.intent:
        return False
    top, second = ranking[0], ranking[1]
    return (
        top.get("confidence", 1) < AMBIGUOUS_BELOW
        and top.get("confidence", 1) - second.get("confidence", 0) < AMBIGUITY_MARGIN
        and frozenset((top.get("name"), second.get("name"))) in CONFUSABLE
    )


def respond(t: Turn) -> list[Reply]:
    """The replies to one understood message."""
    intent = t.intent
    if intent == "_no_such_choice":
        return smalltalk.no_such_choice(t)
    if intent.startswith("_"):
        return smalltalk.kind(t, intent)
    in_guide = guide_help.route(t, intent)
    if in_guide is not None and intent not in ("emergency", "health_question"):
        return in_guide  # "它让我输密码": the guide's own tip, not a scam alarm
    if intent in SAFETY:
        return SAFETY[intent](t)
    answered = _answer_to_pending(t, intent)
    if answered is not None:
        return answered
    guide = t.state.guide
    tapped = t.parse.get("source") == "engine"
    if guide and guide.get("active"):
        if intent == "affirm" and not tapped:  # "好了" / "好的"; not a reminder's "收到"
            intent = "guide_next"
        elif intent in ("cancel", "deny"):
            return guides.stop(t)
        elif intent not in GUIDE_KEEPS and not (tapped and intent in REMINDER_BUTTONS):
            guide["active"] = False
    followed = _follow_up(t, intent)
    if followed is not None:
        return followed
    if intent == "affirm" and not tapped and about.is_question(t):
        # "你们这个收钱吗 上课要交钱不" read as "好的": a question never gets a bare "好的".
        return about.about(t) if about.asks_about_leling(t) else _unclear(t)
    if intent == "out_of_scope":
        return _unclear(t)
    if _ambiguous(t):
        return smalltalk.clarify(t, t.parse["intent_ranking"][:2])
    handler = HANDLERS.get(intent)
    if handler is None:
        return smalltalk.out_of_scope(t)
    return handler(t)
