"""English parity (issue #11, item 9): every guide, app and topic is reachable in English."""

from __future__ import annotations

import pytest
from dialoguekit import make_assistant, say

from content.tags import APPS, KINDS, TOPICS
from dialogues import labels
from dialogues import state as states

U = "test:en"
# Every lecture is family education and every class is a smartphone class: as topics these
# narrow nothing, so they list everything of their kind.
UMBRELLAS = {"家庭教育", "智能手机"}


def _guides(catalogue):
    return sorted(catalogue.guides.values(), key=lambda g: g.id)


@pytest.fixture
def bot(real_parser, cat, db):
    b = make_assistant(db, cat, real_parser)
    b.set_language(U, "en")
    return b


def test_every_guide_starts_from_its_english_title(bot, cat):
    missed = []
    for g in _guides(cat):
        say(bot, f"teach me: {g.title.en.lower()}", user=U)
        got = states.load(bot.db, U).guide
        if got is None or got.id != g.id:
            missed.append((g.id, g.title.en, got.id if got else None))
        say(bot, "stop", user=U)
    assert missed == []


@pytest.mark.parametrize("app", sorted(APPS))
def test_every_app_is_understood_in_english(bot, app):
    name = labels.tag(app, "en")
    say(bot, f"are there classes about {name.lower()}", user=U)
    shown = states.load(bot.db, U).shown
    assert shown is not None and shown.type == "lesson", (app, name, shown)
    assert shown.query.get("app") == app or shown.query.get("topic"), (app, name, shown.query)


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_every_topic_is_understood_in_english(bot, topic):
    name = labels.tag(topic, "en")
    say(bot, f"any lectures or classes on {name.lower()}", user=U)
    shown = states.load(bot.db, U).shown
    assert shown is not None and shown.type in ("lecture", "lesson"), (topic, name, shown)
    if topic not in UMBRELLAS:
        assert topic in shown.query.values() or shown.query.get("app"), (topic, name, shown.query)


def test_every_guide_starts_from_each_english_alias(bot, cat):
    missed = []
    for g in _guides(cat):
        for alias in g.aliases.en:
            say(bot, f"teach me {alias}", user=U)
            got = states.load(bot.db, U).guide
            if got is None or got.id != g.id:
                missed.append((g.id, alias, got.id if got else None))
            say(bot, "stop", user=U)
    assert missed == []


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_of_center_is_understood_in_english_plural(bot, cat, kind):
    where = next(c.district for c in cat.centers.values() if c.kind == kind)
    say(bot, f"{KINDS[kind][1]}s in {labels.place(where, 'en')}", user=U)
    shown = states.load(bot.db, U).shown
    assert shown is not None and shown.type == "center", (kind, shown)
    assert shown.query.get("kind") == kind, shown.query
