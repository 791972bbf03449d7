"""The conversation engine every channel shares: `Assistant.handle(Incoming) -> list[Reply]`."""

from __future__ import annotations

import contextlib
import logging
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import sqlite_utils

from content.catalogue import Catalogue
from content.timefmt import TZ
from dialogues import policy, sanitize, usage
from dialogues import state as states
from dialogues.actions import desk, smalltalk
from dialogues.context import Turn, finish
from dialogues.models import Incoming, Reply, TurnResult
from dialogues.texts import Texts
from dialogues.understand import understand
from nlu.lang import has_cjk, latin_words
from nlu.parse import Parse
from store import events, users

log = logging.getLogger(__name__)

# The per-user memory is bounded: at most this many users, least recently seen dropped first.
# It never holds a location: after a shared location it keeps the ranking of the nearest
# centers (ids and metres, for paging through "更多"), and forgets that after a while.
MEMORY_USERS = 1000
NEAR_TTL = timedelta(minutes=30)
# What a transcript Leling is not sure of may never do: subscribe, delete, send, or answer a
# question Leling asked (a misheard "好的" must not confirm a deletion).
UNSURE_BLOCKED = {"subscribe", "unsubscribe", "forget", "forget_me", "human_help", "affirm"}


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
    if detected == "zh" and has_cjk(text):
        return "zh"
    if detected == "en" and not has_cjk(text) and (first or len(latin_words(text, 2)) >= 2):
        return "en"
    return current


class Assistant:
    """Leling's conversation: understands a message, updates the user's state, answers.

    `parser` has `parse(text, now=None) -> dict` (Rasa's /model/parse shape plus "lang"), read
    into a typed `nlu.parse.Parse` that the policy and actions work with;
    `clock` returns the current aware time (tests and `leling chat --now` fix it);
    `planner` is the scheduler's planning module (loaded when omitted; None disables it).

    Synchronous and safe to call from several threads: turns of one user run one at a time (a
    lock per user), turns of different users run at once. A database in a file is opened once
    per thread (SQLite in WAL mode serialises the writers; every write is a short transaction),
    so a slow turn holds up only its own user; an in-memory database is shared, one turn at a
    time. The parser and the catalogue are therefore used from several threads at once (both
    only read after start-up; jieba's tokenizer and dateutil's rule cache are thread-safe).
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
        desk=None,
    ):
        self.db = db
        self.catalogue = catalogue
        self.parser = parser
        self.clock = clock or (lambda: datetime.now(TZ))
        self.texts = texts or Texts()
        self.planner = load_planner() if planner is Assistant._NO_PLANNER else planner
        self.default_lang = default_lang
        self.desk = desk  # dialogues.actions.desk.DeskConfig (admins, desk hours)
        self._memory: OrderedDict[str, dict] = OrderedDict()  # per user, this process only
        self._memory_lock = threading.Lock()
        self._user_locks: weakref.WeakValueDictionary[str, _UserLock] = (
            weakref.WeakValueDictionary()
        )
        self._user_locks_guard = threading.Lock()
        self._path = _file_of(db)
        self._shared = threading.Lock()  # an in-memory database: one turn at a time
        self._local = threading.local()
        self._owner = threading.current_thread()  # uses `db` itself
        self._opened: list[sqlite_utils.Database] = []

    def handle(self, incoming: Incoming) -> list[Reply]:
        """The replies to one message."""
        return self.turn(incoming).replies

    def set_language(self, user_id: str, lang: str) -> None:
        """Make `lang` ("zh"/"en") the user's language from now on (`--lang`, /lang)."""
        with self._user_lock(user_id) as db:
            users.update(db, user_id, lang=lang)
            state = states.load(db, user_id)
            state.lang = lang
            states.save(db, user_id, state)

    def turn(self, incoming: Incoming) -> TurnResult:
        """One turn: the understanding used and the replies (for `leling chat --json`)."""
        with self._user_lock(incoming.user_id) as db:
            return self._turn(incoming, db)

    def close(self) -> None:
        """Close the connections this assistant opened on worker threads."""
        for db in self._opened:
            db.conn.close()
        self._opened.clear()

    # -- concurrency --------------------------------------------------------------------------

    @contextlib.contextmanager
    def _user_lock(self, user_id: str) -> Iterator[sqlite_utils.Database]:
        """`with self._user_lock(uid) as db:` — this user's turns one at a time, on this
        thread's connection."""
        with self._user_locks_guard:
            lock = self._user_locks.get(user_id)
            if lock is None:
                lock = self._user_locks[user_id] = _UserLock()
        with lock.lock, self._shared if self._path is None else contextlib.nullcontext():
            yield self._database()

    def _database(self) -> sqlite_utils.Database:
        if self._path is None or threading.current_thread() is self._owner:
            return self.db
        db = getattr(self._local, "db", None)
        if db is None:
            from store.db import open_db

            db = self._local.db = open_db(self._path)
            self._opened.append(db)
        return db

    def _memory_of(self, uid: str, now: datetime) -> dict:
        """The user's in-process memory, most recently used last; old entries and a stale
        ranking of nearby centers are dropped."""
        with self._memory_lock:
            memory = self._memory.pop(uid, None) or {}
            self._memory[uid] = memory
            while len(self._memory) > MEMORY_USERS:
                self._memory.popitem(last=False)
        since = memory.get("near_at")
        if since is not None and now - since > NEAR_TTL:
            memory.pop("near", None)
            memory.pop("near_at", None)
        return memory

    def _turn(self, incoming: Incoming, db: sqlite_utils.Database) -> TurnResult:
        now = self.clock()
        with events.turn_clock(now):  # what the store records meanwhile happens at `now`
            return self._answer(incoming, db, now)

    def _answer(self, incoming: Incoming, db: sqlite_utils.Database, now: datetime) -> TurnResult:
        uid = incoming.user_id
        user = users.get_or_create(db, uid, lang=incoming.lang or self.default_lang)
        state = states.load(db, uid)
        first = state.lang is None
        lang = state.lang or user.get("lang") or incoming.lang or self.default_lang
        location = incoming.location
        if location is not None:
            location = sanitize.location(location)
            intent = "share_location" if location is not None else "_bad_location"
            parse = Parse.resolved("", intent, {}, lang)
        elif incoming.photo and not incoming.text.strip():
            parse = Parse.resolved("", "_photo", {}, lang)  # a picture without words
        else:
            parse, location = understand(incoming.text, state, self.parser, now, lang)
        new_lang = (
            lang
            # the desk's commands, and a volunteer composing an announcement (its text or
            # buttons say nothing about the language the volunteer reads)
            if desk.is_command(incoming.text)
            or state.in_loop("announce")
            or (incoming.text or "").startswith("/ann_")
            else _switch_language(parse, incoming.text, lang, first)
        )
        if new_lang != user.get("lang"):
            user = users.update(db, uid, lang=new_lang)
        state.lang = new_lang
        pending, state.pending = state.pending, None
        offered, offered_base = state.choices, state.choice_base
        state.choices, state.choice_base = [], 0
        memory = self._memory_of(uid, now)
        before = usage.snapshot(state)
        had_near = memory.get("near")
        t = Turn(
            db=db,
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
            desk=self.desk,
            channel=incoming.channel,
            photo=incoming.photo,
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
        except Exception as exc:
            # Ids and lengths only: what the user wrote never goes into a log.
            log.error(
                "turn failed for %s (intent %s, %d chars): %s",
                uid,
                t.intent,
                len(incoming.text or ""),
                type(exc).__name__,
                exc_info=sanitize.exc_info(exc),
            )
            replies = smalltalk.error(t)
        replies = [finish(r, t) for r in replies]
        if incoming.photo and t.text and not t.photo_taken and replies:
            # a picture with words (a screenshot of a message: "这是诈骗吗?"): the words are
            # answered, the answer first (a scam warning must lead), then what was not looked at
            replies[0].text = replies[0].text + "\n" + t.t("odd.photo_caption")
        if incoming.voice and t.text and replies:
            # Speech recognition can mishear: say what was heard, so the user can correct it.
            if not replies[0].text.startswith(t.t("heard_unsure", text=t.text[:100])):
                replies[0].text = t.t("heard", text=t.text[:100]) + "\n" + replies[0].text
            for r in replies:  # a spoken question is answered by voice too
                r.voice = True
        if memory.get("near") is not had_near:
            memory["near_at"] = now
        if memory.pop("forgotten", False):
            with self._memory_lock:
                self._memory.pop(uid, None)
            usage.record_turn(t, before, forgotten=True)
            return TurnResult(parse.to_dict(), replies)
        # The usage figures: one INSERT, no text, committed with the session below.
        usage.record_turn(t, before, commit=False)
        state.turn += 1
        state.last_intent = t.intent
        if not parse.tapped or not t.text.startswith("/"):
            state.remember(t.text)
        states.save(db, uid, state)
        return TurnResult(parse.to_dict(), replies)


class _UserLock:
    """A lock that can be weakly referenced (dropped when no turn of its user holds it)."""

    def __init__(self):
        self.lock = threading.Lock()


def _file_of(db: sqlite_utils.Database) -> str | None:
    """The database's file, or None for an in-memory database."""
    try:
        rows = db.execute("PRAGMA database_list").fetchall()
    except Exception:
        return None
    path = next((r[2] for r in rows if r[1] == "main"), "")
    return path or None
