"""The conversation engine every channel shares: `Assistant.handle(Incoming) -> list[Reply]`."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from datetime import datetime

import sqlite_utils

from content.catalogue import Catalogue
from content.timefmt import TZ
from dialogues import policy
from dialogues import state as states
from dialogues.actions import smalltalk
from dialogues.context import Turn, finish
from dialogues.models import Incoming, Reply, TurnResult
from dialogues.texts import Texts
from dialogues.understand import understand
from nlu.parse import Parse
from store import users

log = logging.getLogger(__name__)

_CJK = re.compile(r"[\u3400-\u9fff]")
# What a transcript Leling is not sure of may never do: subscribe, delete, send, or answer a
# question Leling asked (a misheard "好的" must not confirm a deletion).
UNSURE_BLOCKED = {"subscribe", "unsubscribe", "forget", "forget_me", "human_help", "affirm"}
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def load_planner():
    """The scheduler's planning module (plans and drops reminder rows)."""
    from scheduler import planning

    return planning


def _switch_language(parse: Parse, text: str, current: str, first: bool) -> str:
    """The language to answer in: follow the user when they clearly write in the other one."""
    if parse.tapped:
        return current
    detected = parse.lang
    if detected not in ("zh", "en") or detected == current:
        return current
    if detected == "zh" and _CJK.search(text):
        return "zh"
    if (
        detected == "en"
        and not _CJK.search(text)
        and (first or len(_LATIN_WORD.findall(text)) >= 2)
    ):
        return "en"
    return current


class Assistant:
    """Leling's conversation: understands a message, updates the user's state, answers.

    `parser` has `parse(text, now=None) -> dict` (Rasa's /model/parse shape plus "lang"), read
    into a typed `nlu.parse.Parse` that the policy and actions work with;
    `clock` returns the current aware time (tests and `leling chat --now` fix it);
    `planner` is the scheduler's planning module (loaded when omitted; None disables it).
    Synchronous and safe to call from several threads (one turn at a time).
    """

    _NO_PLANNER = object()

    def __init__(
        self,
        db: sqlite_utils.Database,
        catalogue: Catalogue,
        parser,
        clock: Callable[[], datetime] | None = None,
        *,
        texts: Texts | None = None,
        planner=_NO_PLANNER,
        default_lang: str = "zh",
    ):
        self.db = db
        self.catalogue = catalogue
        self.parser = parser
        self.clock = clock or (lambda: datetime.now(TZ))
        self.texts = texts or Texts()
        self.planner = load_planner() if planner is Assistant._NO_PLANNER else planner
        self.default_lang = default_lang
        self._memory: dict[str, dict] = {}  # per user, this process only (a shared location)
        self._lock = threading.Lock()

    def handle(self, incoming: Incoming) -> list[Reply]:
        """The replies to one message."""
        return self.turn(incoming).replies

    def set_language(self, user_id: str, lang: str) -> None:
        """Make `lang` ("zh"/"en") the user's language from now on (`--lang`, /lang)."""
        with self._lock:
            users.update(self.db, user_id, lang=lang)
            state = states.load(self.db, user_id)
            state.lang = lang
            states.save(self.db, user_id, state)

    def turn(self, incoming: Incoming) -> TurnResult:
        """One turn: the understanding used and the replies (for `leling chat --json`)."""
        with self._lock:
            return self._turn(incoming)

    def _turn(self, incoming: Incoming) -> TurnResult:
        now = self.clock()
        uid = incoming.user_id
        user = users.get_or_create(self.db, uid, lang=incoming.lang or self.default_lang)
        state = states.load(self.db, uid)
        first = state.lang is None
        lang = state.lang or user.get("lang") or incoming.lang or self.default_lang
        location = incoming.location
        if location is not None:
            parse = Parse.resolved("", "share_location", {}, lang)
        else:
            parse, location = understand(incoming.text, state, self.parser, now, lang)
        new_lang = _switch_language(parse, incoming.text, lang, first)
        if new_lang != user.get("lang"):
            user = users.update(self.db, uid, lang=new_lang)
        state.lang = new_lang
        pending, state.pending = state.pending, None
        offered, offered_base = state.choices, state.choice_base
        state.choices, state.choice_base = [], 0
        memory = self._memory.setdefault(uid, {})
        t = Turn(
            db=self.db,
            cat=self.catalogue,
            texts=self.texts,
            user_id=uid,
            user=user,
            state=state,
            lang=new_lang,
            now=now,
            parse=parse,
            text=(incoming.text or "").strip(),
            location=location,
            memory=memory,
            planner=self.planner,
            pending=pending,
            offered=offered,
            offered_base=offered_base,
        )
        try:
            if (
                incoming.voice
                and incoming.unsure
                and (pending is not None or t.intent in UNSURE_BLOCKED)
            ):
                state.pending = pending  # the question still stands
                replies = [t.reply(t.t("heard_unsure", text=t.text[:100]), [t.home_button()])]
            else:
                replies = policy.respond(t)
        except Exception:
            log.exception("turn failed for %s on %r", uid, (incoming.text or "")[:80])
            replies = smalltalk.error(t)
        replies = [finish(r, t) for r in replies]
        if incoming.voice and t.text and replies:
            # Speech recognition can mishear: say what was heard, so the user can correct it.
            if not replies[0].text.startswith(t.t("heard_unsure", text=t.text[:100])):
                replies[0].text = t.t("heard", text=t.text[:100]) + "\n" + replies[0].text
            for r in replies:  # a spoken question is answered by voice too
                r.voice = True
        if memory.pop("forgotten", False):
            self._memory.pop(uid, None)
            return TurnResult(parse.to_dict(), replies)
        state.turn += 1
        state.last_intent = t.intent
        if not parse.tapped or not t.text.startswith("/"):
            state.remember(t.text)
        states.save(self.db, uid, state)
        return TurnResult(parse.to_dict(), replies)
