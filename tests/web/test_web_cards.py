"""Card details the web API adds to the engine's replies (bot/webchat/cards.py)."""

from __future__ import annotations

from types import SimpleNamespace

from webkit import NOW

from bot.webchat import cards
from content.schema import Guide
from dialogues.texts import Texts

TEXTS = Texts()


def _enrich(reply: dict, catalogue, lang: str = "zh") -> dict:
    return cards.enrich(reply, catalogue, TEXTS, lang, NOW)


def _reply(items, buttons=(), guide=None) -> dict:
    out = {"text": "…", "buttons": list(buttons), "items": list(items), "voice": False}
    if guide:
        out["guide"] = guide
    return out


def test_links_for_calling_and_maps():
    assert cards.tel_link("010-6406 9697") == "tel:01064069697"
    assert cards.tel_link("") is None and cards.tel_link("-") is None
    url = cards.map_link(39.9, 116.4, "东城分校")
    assert "position=116.400000%2C39.900000" in url and "coordinate=wgs84" in url


def test_a_lesson_card_carries_its_center_and_the_remind_payload(catalogue):
    remind = '/subscribe{"lesson":"les-dongcheng-114-1"}'
    reply = _enrich(
        _reply(
            [{"type": "lesson", "id": "les-dongcheng-114-1"}],
            [{"title": "提醒我", "payload": remind}, {"title": "回首页", "payload": "/help"}],
        ),
        catalogue,
    )
    card = reply["items"][0]["card"]
    assert card["remind"] == remind and card["when"] and card["repeat"].startswith("每")
    assert card["place"] and card["tel"].startswith("tel:")
    assert [b.get("in_card", False) for b in reply["buttons"]] == [True, False]


def test_a_cancelled_lecture_offers_no_reminder(catalogue):
    remind = '/subscribe{"lecture":"lec-xicheng-homework-1216"}'
    reply = _enrich(
        _reply(
            [{"type": "lecture", "id": "lec-xicheng-homework-1216"}],
            [{"title": "提醒我", "payload": remind}],
        ),
        catalogue,
    )
    card = reply["items"][0]["card"]
    assert card["cancelled"] is True and "remind" not in card
    assert "in_card" not in reply["buttons"][0]


def test_unknown_items_get_no_card_and_english_words(catalogue):
    reply = _enrich(
        _reply([{"type": "center", "id": "nope"}, {"type": "center", "id": "bjou-dongcheng"}]),
        catalogue,
        "en",
    )
    assert "card" not in reply["items"][0]
    assert reply["items"][1]["card"]["hours"].startswith("Open today")


def test_a_guide_step_gets_its_label_title_and_picture():
    guide = Guide.model_validate(
        {
            "id": "demo",
            "title": {"zh": "演示", "en": "Demo"},
            "steps": [
                {"text": {"zh": "第一步"}},
                {"text": {"zh": "第二步"}, "image": "demo/2.png"},
            ],
        }
    )
    catalogue = SimpleNamespace(guides={"demo": guide})
    reply = _enrich(_reply([], guide={"id": "demo", "step": 2, "total": 2}), catalogue)
    assert reply["guide"]["label"] == "第2步/共2步" and reply["guide"]["title"] == "演示"
    assert reply["guide"]["image_url"] == "/media/guides/demo/2.png"
    first = _enrich(_reply([], guide={"id": "demo", "step": 1, "total": 2}), catalogue, "en")
    assert first["guide"]["label"] == "Step 1 of 2" and "image_url" not in first["guide"]
