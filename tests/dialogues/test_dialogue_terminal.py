"""The terminal channel: translation only (lines in, replies or JSON turns out)."""

from __future__ import annotations

import io
import json

from dialoguekit import make_assistant

from bot.channels.terminal import TerminalChannel, parse_location, render_text


def channel(dbase, cat, scripted, json_mode=True):
    out = io.StringIO()
    ch = TerminalChannel(
        make_assistant(dbase, cat, scripted), "terminal:t", json_mode=json_mode, out=out
    )
    return ch, out


def turns(out: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def test_parse_location():
    assert parse_location("/location 39.88,116.41") == (39.88, 116.41)
    assert parse_location("/location 39.88, 116.41") == (39.88, 116.41)
    assert parse_location("/location 39.88 116.41") == (39.88, 116.41)
    assert parse_location("/location abc") is None
    assert parse_location("/location 91,0") is None


def test_blank_lines_are_skipped_and_json_turns_have_the_contract_shape(dbase, cat, scripted):
    scripted.add("你好", "greet")
    ch, out = channel(dbase, cat, scripted)
    ch.run(["\n", "   \n", "你好\n", "/location 39.88,116.41\n", "/quit\n", "never sent\n"])
    got = turns(out)
    assert len(got) == 2
    first = got[0]
    assert set(first) == {"input", "nlu", "replies"}
    assert first["input"]["text"] == "你好"
    assert first["nlu"]["intent"]["name"] == "greet"
    reply = first["replies"][0]
    assert set(reply) == {"text", "buttons", "items", "voice"}
    assert set(reply["buttons"][0]) == {"title", "payload"}
    second = got[1]
    assert second["input"]["location"] == {"lat": 39.88, "lon": 116.41}
    first_item = second["replies"][0]["items"][0]
    assert first_item["type"] == "center" and first_item["id"] == "lc-dongcheng-2"
    assert 900 < first_item["distance_m"] < 1100


def test_typing_a_button_title_presses_it(dbase, cat, scripted):
    scripted.add("你好", "greet")
    ch, out = channel(dbase, cat, scripted)
    ch.send("你好")
    ch.send("学用手机")
    last = turns(out)[-1]
    assert last["input"] == {"user": "terminal:t", "text": "/start_guide", "typed": "学用手机"}
    assert "学用手机" not in scripted.calls


def test_the_guide_step_is_in_the_json(dbase, cat, scripted):
    ch, out = channel(dbase, cat, scripted)
    ch.send('/start_guide{"guide":"wechat_video_call"}')
    assert turns(out)[0]["replies"][0]["guide"] == {
        "id": "wechat_video_call",
        "step": 1,
        "total": 7,
    }


def test_text_mode_shows_buttons(dbase, cat, scripted):
    scripted.add("你好", "greet")
    ch, out = channel(dbase, cat, scripted, json_mode=False)
    ch.send("你好")
    assert "[找学习点]" in out.getvalue()


def test_render_text_marks_voice_and_guide():
    from dialogues import GuideStep, Reply

    text = render_text([Reply("第1步", guide=GuideStep("g", 1, 3), voice=True)])
    assert "(g 1/3)" in text and "🔊" in text
