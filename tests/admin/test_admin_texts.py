"""The console's words exist in Mandarin and English, with the same fields to fill in; an admin
who talks to Leling in English gets the console in English."""

from __future__ import annotations

import re
import string
from dataclasses import replace

from adminkit import ADMIN, admin

from bot.admin.texts import NLU, TEXTS, USAGE, intent_label
from nlu import intents
from store import users


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_text_is_in_both_languages_with_the_same_fields():
    for table in (TEXTS, USAGE, NLU):
        assert set(table["zh"]) == set(table["en"])
        for key, zh in table["zh"].items():
            assert _fields(zh) == _fields(table["en"][key]), key
            assert zh.strip() and table["en"][key].strip()
            assert not re.search(r"[\u4e00-\u9fff]", table["en"][key]), key


def test_intents_are_offered_in_plain_words():
    registry = intents.registry()
    public = set(intents.nlu_intents()) - {"out_of_scope"}
    # every intent an operator may assign has Mandarin words in the registry
    assert not [name for name in public if not registry[name].description_zh]
    assert intent_label("zh", registry["list_lessons"]) == "手机课程 (list_lessons)"
    assert intent_label("en", registry["list_lessons"]) == (
        f"{registry['list_lessons'].description} (list_lessons)"
    )
    # an intent added later without Mandarin words yet shows its description, never fails
    bare = replace(registry["list_lessons"], description_zh=None)
    assert intent_label("zh", bare) == f"{bare.description} (list_lessons)"


def test_an_english_speaking_admin_gets_the_console_in_english(live):
    users.get_or_create(live.db, ADMIN)
    live.db.execute("UPDATE users SET lang = 'en' WHERE id = ?", [ADMIN])
    live.db.conn.commit()
    a = admin(live)
    page = a.http.get("/admin/catalogue").text
    assert "<h1>Catalogue</h1>" in page and "Upload a new catalogue" in page
    assert 'lang="en"' in page
    usage = a.http.get("/admin/usage").text
    assert "Conversations" in usage and "对话次数" not in usage
    nu = a.http.get("/admin/not-understood").text
    assert "What Leling did not understand" in nu
    a.close()
