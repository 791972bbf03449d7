"""Hardening of the engine: text made safe at the edge, no user text in logs, a bounded per-user
memory, and turns of different users running concurrently."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
from dialoguekit import NOW, check_reply_rules, make_assistant, say, texts

from dialogues import Incoming, engine, policy, sanitize
from dialogues import state as states

SECRET_WORDS = "我的暗号是紫色长颈鹿7731"


# -- text at the edge ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["\ud800", "你好\udfff", '/list_lessons{"app":"\\ud800"}', "\ufffe\uffff\U0010ffff", "x\ud83d"],
)
def test_unencodable_text_is_replaced_before_it_is_stored(bot, text):
    replies = say(bot, text)
    check_reply_rules(replies)
    state = states.load(bot.db, "test:1")
    for line in state.history:
        line.encode("utf-8")  # never raises
    assert state.turn == 1


def test_the_edge_replaces_surrogates_and_noncharacters_and_caps_length():
    assert sanitize.text("a\ud800b\ufdd0c\U0001fffe") == "a\ufffdb\ufffdc\ufffd"
    assert len(Incoming("u", "字" * 100_000).text) == sanitize.MAX_TEXT
    assert Incoming("u\ud800", "x").user_id == "u\ufffd"
    assert sanitize.text(None) == ""


@pytest.mark.parametrize(
    "point", [(float("nan"), 116.4), (39.9, float("inf")), (91.0, 0.0), (0.0, 181.0), ("a", "b")]
)
def test_a_forged_location_is_answered_kindly(bot, point):
    replies = bot.handle(Incoming("test:1", location=point))
    assert "没看明白" in texts(replies)
    check_reply_rules(replies)


# -- logs -------------------------------------------------------------------------------------


def test_no_user_text_in_logs_at_any_level(bot, scripted, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    say(bot, SECRET_WORDS)  # an ordinary turn
    say(bot, '/subscribe{"' + SECRET_WORDS + '":"1"}')  # a rejected payload

    def boom(t):
        raise ValueError(f"could not read {t.text!r} in {t.state.to_dict()}")

    monkeypatch.setattr(policy, "respond", boom)
    replies = say(bot, SECRET_WORDS + " again")  # a failing turn
    assert "抱歉" in texts(replies) or "问题" in texts(replies)
    monkeypatch.undo()

    class BrokenParser:
        def parse(self, text, now=None):
            raise KeyError(text)

    bot.parser = BrokenParser()
    say(bot, SECRET_WORDS + " once more")  # the NLU fails
    assert "turn failed for test:1" in caplog.text
    assert "NLU failed" in caplog.text
    assert "紫色长颈鹿" not in caplog.text
    for record in caplog.records:
        assert "紫色长颈鹿" not in str(record.args)


# -- the per-user memory ------------------------------------------------------------------------


def test_the_per_user_memory_is_bounded(bot, monkeypatch):
    monkeypatch.setattr(engine, "MEMORY_USERS", 5)
    for i in range(12):
        say(bot, "/help", user=f"test:{i}")
    assert len(bot._memory) == 5
    assert list(bot._memory) == [f"test:{i}" for i in range(7, 12)]


def _numbers(value) -> list[float]:
    """Every number inside a nested memory value (to look for coordinates)."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [value]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list | tuple | set):
        return [n for v in value for n in _numbers(v)]
    return []


def test_the_memory_holds_no_coordinates_after_a_shared_location(dbase, cat, scripted):
    bot = make_assistant(dbase, cat, scripted)
    bot.clock = lambda: NOW
    first = bot.handle(Incoming("test:1", location=(39.88, 116.41)))[0]
    memory = bot._memory["test:1"]
    assert set(memory) <= {"near", "near_at"}
    # Whole metres only: no float anywhere, so no latitude or longitude either.
    assert all(isinstance(n, int) for n in _numbers(memory["near"]))
    # ...and "更多" still pages through the nearest centers, with distances.
    more = say(bot, "/more")
    shown = [i.id for i in first.items] + [i.id for r in more for i in r.items]
    assert len(set(shown)) == len(shown) > 3
    assert all(i.distance_m is not None for r in more for i in r.items)


def test_the_nearby_ranking_is_forgotten_after_a_while(dbase, cat, scripted):
    clock = {"now": NOW}
    bot = make_assistant(dbase, cat, scripted)
    bot.clock = lambda: clock["now"]
    bot.handle(Incoming("test:1", location=(39.88, 116.41)))
    assert bot._memory["test:1"]["near"]
    say(bot, "/more")
    clock["now"] = NOW + engine.NEAR_TTL + timedelta(minutes=1)
    say(bot, "/help")
    assert "near" not in bot._memory["test:1"]
    # Paging now asks for the location again, kindly.
    assert "没有保存您的位置" in say(bot, "/more")[0].text


# -- concurrency ----------------------------------------------------------------------------------


class GatedParser:
    """Blocks on "slow" until released; records the order things happen in."""

    def __init__(self):
        self.entered = threading.Event()
        self.release = threading.Event()
        self.events: list[str] = []
        self.lock = threading.Lock()

    def note(self, what: str) -> None:
        with self.lock:
            self.events.append(what)

    def parse(self, text, now=None):
        self.note(f"parse {text}")
        if text.startswith("slow"):
            self.entered.set()
            assert self.release.wait(30), "never released"
        return {
            "text": text,
            "intent": {"name": "greet", "confidence": 0.99},
            "entities": [],
            "intent_ranking": [{"name": "greet", "confidence": 0.99}],
            "lang": "zh",
        }


def test_a_slow_turn_delays_only_its_own_user(dbase, cat):
    parser = GatedParser()
    bot = make_assistant(dbase, cat, parser)
    done: dict[str, list] = {}

    def turn(user: str, text: str) -> None:
        done[text] = bot.handle(Incoming(user, text))
        parser.note(f"done {text}")

    slow = threading.Thread(target=turn, args=("test:a", "slow 1"))
    slow.start()
    assert parser.entered.wait(30)
    # User B is answered in full while A's turn is stuck in the middle.
    turn("test:b", "你好 b")
    assert "done 你好 b" in parser.events and "done slow 1" not in parser.events
    # A's next message waits for A's first one.
    second = threading.Thread(target=turn, args=("test:a", "然后 a"))
    second.start()
    second.join(0.3)  # a short look: it must still be waiting for the first
    assert second.is_alive() and "parse 然后 a" not in parser.events
    parser.release.set()
    slow.join(30)
    second.join(30)
    events = parser.events
    assert events.index("done slow 1") < events.index("parse 然后 a")
    for replies in done.values():
        check_reply_rules(replies)
    assert states.load(dbase, "test:a").turn == 2
    assert states.load(dbase, "test:b").turn == 1
    bot.close()
