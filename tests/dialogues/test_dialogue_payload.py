"""Button payloads: Rasa's /intent{"entity":"value"} form, always within 64 bytes."""

from __future__ import annotations

import pytest
from dialoguekit import make_assistant, say

from dialogues import payload
from dialogues.context import Turn
from dialogues.models import Incoming
from dialogues.state import SessionState


def test_encode_and_decode_round_trip():
    text = payload.encode("subscribe", lecture="lec-capital-series")
    assert text == '/subscribe{"lecture":"lec-capital-series"}'
    assert payload.decode(text) == ("subscribe", {"lecture": "lec-capital-series"})
    assert payload.decode("/guide_next") == ("guide_next", {})


@pytest.mark.parametrize(
    "text", ["hello", "/", "/location abc", '/x{"a":', "/x[1]", '/x{"a": [1]}extra', "//guide_next"]
)
def test_not_payloads(text):
    assert payload.decode(text) is None


def test_non_string_values_are_kept_as_text_and_lists_dropped():
    assert payload.decode('/unsubscribe{"subscription_id": 12, "x": [1], "y": true}') == (
        "unsubscribe",
        {"subscription_id": "12"},
    )


def test_too_long_is_refused():
    with pytest.raises(payload.PayloadTooLong):
        payload.encode("subscribe", lecture="x" * 60)
    # Chinese characters take three bytes each.
    assert payload.fits('/inform{"district":"朝阳区"}')
    assert not payload.fits("/x" + "区" * 21)


def test_long_ids_fall_back_to_a_short_reference(dbase, cat, scripted):
    bot = make_assistant(dbase, cat, scripted)
    state = SessionState()
    t = Turn(
        db=dbase,
        cat=cat,
        texts=bot.texts,
        user_id="test:1",
        user={},
        state=state,
        lang="zh",
        now=bot.clock(),
        parse={},
    )
    long_id = "lec-" + "a" * 60
    button = t.button("提醒我", "subscribe", lecture=long_id)
    assert payload.fits(button.payload)
    intent, ents = payload.decode(button.payload)
    assert intent == "subscribe" and state.refs[ents["ref"]] == {"lecture": long_id}
    # The same entities reuse the same key.
    assert t.button("again", "subscribe", lecture=long_id).payload == button.payload


def test_a_reference_payload_is_resolved_from_the_state(bot, scripted):
    from dialogues import state as states

    st = states.load(bot.db, "test:1")
    key = st.add_ref({"lecture": "lec-capital-series"})
    states.save(bot.db, "test:1", st)
    replies = say(bot, payload.encode("list_lectures", ref=key))
    assert [i.id for r in replies for i in r.items] == ["lec-capital-series"]


def test_every_catalogue_id_fits_in_the_buttons_that_carry_it(cat):
    longest = max(
        [len(payload.encode("center_info", center=c)) for c in cat.centers]
        + [len(payload.encode("subscribe", lecture=x)) for x in cat.lectures]
        + [len(payload.encode("list_lessons", lesson=x)) for x in cat.lessons]
        + [len(payload.encode("start_guide", guide=g, step=1)) for g in cat.guides]
        + [len(payload.encode("inform", district=d).encode()) for d in ("石景山区", "门头沟区")]
    )
    assert longest <= payload.MAX_BYTES


def test_incoming_payload_with_unknown_intent_is_answered_kindly(bot):
    replies = bot.handle(Incoming("test:1", "/launch_rockets"))
    assert "不认识" in replies[0].text
