"""The channel's translation, update by update, in python-telegram-bot's own test style:
updates built with `Update.de_json`, run through `application.process_update`, and the Bot API
calls recorded by an offline request object (no network)."""

from __future__ import annotations

import json
import logging

from tgkit import FakeAssistant, sent_texts

from bot.channels.telegram import post_init
from dialogues.models import SHARE_LOCATION, Button, Item, Reply
from store import users


async def test_start_goes_to_the_assistant_and_buttons_become_one_column(harness, assistant):
    h = await harness()
    calls = await h.text(42, "/start")
    assert assistant.seen[0].text == "/start"
    assert assistant.seen[0].user_id == "telegram:42"
    assert assistant.seen[0].lang == "zh"
    (msg,) = [c for c in calls if c.method == "sendMessage"]
    assert msg.params["parse_mode"] == "HTML"
    assert msg.params["text"] == "echo: /start"
    rows = msg.params["reply_markup"]["inline_keyboard"]
    assert [[b["callback_data"] for b in row] for row in rows] == [["/guide_next"], ["/help"]]


async def test_commands_are_handed_over_as_the_assistant_understands_them(harness, assistant):
    h = await harness()
    await h.text(42, "/start lecture_lec-teen-2026")
    await h.text(42, "/start guide_wechat_video_call")
    await h.text(42, "/help@leling_test_bot")
    await h.text(42, "/centers 朝阳区")
    await h.text(42, "/lang en")
    await h.text(42, "/mysubs")
    assert [m.text for m in assistant.seen] == [
        "/start lecture_lec-teen-2026",
        "/start guide_wechat_video_call",
        "/help",
        "朝阳区",
        '/set_lang{"lang":"en"}',
        "/mysubs",
    ]


async def test_english_clients_get_an_english_hint(harness, assistant):
    h = await harness()
    await h.text(7, "hello", lang="en-GB")
    assert assistant.seen[0].lang == "en"


async def test_text_is_escaped_for_html(harness):
    h = await harness(FakeAssistant(lambda m: [Reply("<b>1 < 2</b> & 3 > 2 — 北京&朝阳")]))
    calls = await h.text(42, "hi")
    (msg,) = [c for c in calls if c.method == "sendMessage"]
    assert msg.status == 200  # the fake server refuses broken HTML, as Telegram does
    assert msg.params["text"] == "&lt;b&gt;1 &lt; 2&lt;/b&gt; &amp; 3 &gt; 2 — 北京&amp;朝阳"


async def test_long_replies_are_split_at_sentence_ends_with_buttons_on_the_last(harness):
    sentence = "这是一个很长的句子,用来测试分段发送是否正确&安全。"
    long_text = sentence * 400  # about 11,000 characters
    h = await harness(FakeAssistant(lambda m: [Reply(long_text, [Button("回首页", "/help")])]))
    calls = await h.text(42, "hi")
    msgs = [c for c in calls if c.method == "sendMessage"]
    assert len(msgs) == 3 and all(c.status == 200 for c in msgs)
    texts = [m.params["text"].replace("&amp;", "&") for m in msgs]
    assert "".join(texts) == long_text
    assert all(t.endswith("。") for t in texts)
    assert [("reply_markup" in m.params) for m in msgs] == [False, False, True]


async def test_button_press_is_answered_first_then_handled(harness, assistant):
    h = await harness()
    calls = await h.do(h.api.press, 42, '/subscribe{"lecture":"lec-1"}')
    assert [c.method for c in calls][:2] == ["answerCallbackQuery", "sendMessage"]
    assert assistant.seen[0].text == '/subscribe{"lecture":"lec-1"}'


async def test_payloads_over_64_bytes_travel_as_short_keys(harness, assistant):
    long_payload = '/start_guide{"guide":"' + "x" * 80 + '"}'
    h = await harness(FakeAssistant(lambda m: [Reply("ok", [Button("开始", long_payload)])]))
    calls = await h.text(42, "hi")
    data = calls[-1].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert data.startswith("k:") and len(data.encode()) <= 64
    await h.do(h.api.press, 42, data)
    assert h.services.assistant.seen[-1].text == long_payload


async def test_share_location_becomes_a_request_location_keyboard(harness):
    share = Button("发送我的位置", SHARE_LOCATION)
    h = await harness(
        FakeAssistant(
            lambda m: (
                [Reply("您在哪儿?", [share])]
                if m.text == "a"
                else [
                    Reply(
                        "您在哪儿?", [share, Button("朝阳区", '/find_center{"district":"朝阳区"}')]
                    )
                ]
            )
        )
    )
    (msg,) = [c for c in await h.text(42, "a") if c.method == "sendMessage"]
    assert msg.params["reply_markup"]["keyboard"] == [
        [{"text": "发送我的位置", "request_location": True}]
    ]
    msgs = [c for c in await h.text(42, "b") if c.method == "sendMessage"]
    assert "inline_keyboard" in msgs[0].params["reply_markup"]
    assert msgs[1].params["reply_markup"]["keyboard"][0][0]["request_location"] is True


async def test_a_location_or_venue_is_a_shared_location(harness, assistant):
    h = await harness()
    await h.do(h.api.send_location, 42, 39.8822, 116.4066)
    await h.do(h.api.send_venue, 42, 39.9, 116.4, "天坛", "东城区天坛路")
    first, second = assistant.seen
    assert first.location == (39.8822, 116.4066)
    assert first.text == ""  # never the coordinates: session history must not keep them
    assert second.location == (39.9, 116.4)


async def test_a_contact_gets_a_kind_note(harness, assistant):
    h = await harness()
    calls = await h.do(h.api.send_contact, 42, "+8613800000000")
    assert not assistant.seen
    assert "电话号码" in sent_texts(calls)[0]
    assert home_button(calls[-1])


def home_button(call) -> bool:
    """The channel's own sentences carry a "回首页" button to the assistant's home menu."""
    rows = call.params.get("reply_markup", {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row] == ["/help"]


async def test_a_sticker_is_answered_without_promising_voice(harness, assistant):
    h = await harness()
    sticker = {
        "file_id": "s1",
        "file_unique_id": "s1u",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
    calls = await h.do(lambda: h.api.push("message", h.api.message(42, sticker=sticker)))
    assert not assistant.seen
    said = sent_texts(calls)[0]
    assert "看不懂" in said and "语音" not in said  # no speech recognition here
    assert home_button(calls[-1])
    h2 = await harness(transcribe=lambda audio, mime, lang: "")
    calls = await h2.do(lambda: h2.api.push("message", h2.api.message(43, sticker=sticker)))
    assert "听懂语音" in sent_texts(calls)[0]


async def test_voice_without_speech_recognition_asks_to_type(harness, assistant):
    h = await harness()
    calls = await h.do(h.api.send_voice, 42, b"OggS fake")
    assert not assistant.seen
    assert "请打字" in sent_texts(calls)[0]
    assert home_button(calls[-1])


async def test_voice_with_speech_recognition_goes_to_the_assistant(harness, assistant):
    heard = []

    def transcribe(audio, mime, lang):
        heard.append((audio, mime, lang))
        return "教我用微信视频"

    h = await harness(transcribe=transcribe)
    calls = await h.do(h.api.send_voice, 42, b"OggS voice bytes")
    assert heard == [(b"OggS voice bytes", "audio/ogg", "zh")]
    assert "getFile" in [c.method for c in calls]
    assert assistant.seen[0].text == "教我用微信视频" and assistant.seen[0].voice


async def test_an_unsure_transcript_reaches_the_assistant_marked_unsure(harness, assistant):
    from bot.voice.asr import Transcript

    h = await harness(transcribe=lambda a, m, lang: Transcript("提醒我", 0.2, "whisper", lang))
    await h.do(h.api.send_voice, 42, b"OggS voice bytes")
    assert assistant.seen[0].text == "提醒我" and assistant.seen[0].unsure


async def test_broken_and_overlong_recordings_get_a_kind_reply(harness, assistant):
    from bot.voice.audio import AudioError

    def transcribe(audio, mime, lang):
        raise AudioError("corrupt")

    h = await harness(transcribe=transcribe)
    calls = await h.do(h.api.send_voice, 42, b"OggS broken")
    assert "打不开" in sent_texts(calls)[0] and home_button(calls[-1])
    calls = await h.do(h.api.send_voice, 42, b"OggS long", 75)
    assert "太长" in sent_texts(calls)[0]
    assert "getFile" not in [c.method for c in calls]  # not even downloaded
    assert not assistant.seen


async def test_a_slow_recogniser_says_it_is_listening(harness, assistant, monkeypatch):
    import time

    from bot.channels import telegram as channel

    monkeypatch.setattr(channel, "LISTENING_AFTER", 0.05)

    def transcribe(audio, mime, lang):
        time.sleep(0.3)
        return "你好"

    h = await harness(transcribe=transcribe)
    calls = await h.do(h.api.send_voice, 42, b"OggS voice bytes")
    assert sent_texts(calls)[0] == "我在听…"
    assert assistant.seen[0].text == "你好"


async def test_voice_replies_are_spoken_before_the_text(harness):
    h = await harness(
        FakeAssistant(lambda m: [Reply("第1步", voice=True)]),
        speak=lambda text, lang: b"OggS spoken " + text.encode(),
    )
    calls = await h.text(42, "hi")
    methods = [c.method for c in calls if c.method.startswith("send")]
    assert methods == ["sendVoice", "sendMessage"]
    assert calls[0].files["voice"][1] == "OggS spoken 第1步".encode()


async def test_one_center_is_also_sent_as_a_venue(harness, catalogue):
    center = next(iter(catalogue.centers.values()))
    h = await harness(
        FakeAssistant(lambda m: [Reply(center.name, items=[Item("center", center.id, 800)])])
    )
    calls = await h.text(42, "hi")
    (venue,) = [c for c in calls if c.method == "sendVenue"]
    assert (venue.params["latitude"], venue.params["title"]) == (center.lat, center.name)


async def test_groups_answer_only_commands_and_mentions(harness, assistant):
    h = await harness()
    assert not [c for c in await h.text(-100, "大家好") if c.method == "sendMessage"]
    await h.text(-100, "@leling_test_bot 附近的老年大学")
    await h.text(-100, "/help@leling_test_bot")
    assert [m.text for m in assistant.seen] == ["附近的老年大学", "/help"]
    assert assistant.seen[0].user_id == "telegram:-100"


async def test_edited_messages_are_handled_again(harness, assistant):
    h = await harness()
    await h.text(42, "朝阰区")
    await h.do(h.api.edit_text, 42, 1000, "朝阳区")
    assert [m.text for m in assistant.seen] == ["朝阰区", "朝阳区"]


async def test_blocking_and_unblocking_the_bot(harness, db):
    h = await harness()
    await h.text(42, "/start")
    users.get_or_create(db, "telegram:42")
    await h.do(h.api.member_status, 42, "kicked")
    assert users.get(db, "telegram:42")["active"] == 0
    await h.do(h.api.member_status, 42, "member", old="kicked")
    assert users.get(db, "telegram:42")["active"] == 1


async def test_a_reply_to_a_user_who_blocked_the_bot_marks_them_inactive(harness, db):
    h = await harness()
    users.get_or_create(db, "telegram:43")
    h.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await h.text(43, "hi")
    assert users.get(db, "telegram:43")["active"] == 0


async def test_errors_are_logged_with_the_update_id_and_the_user_hears_kindly(harness, caplog):
    def broken(message):
        raise RuntimeError("boom")

    h = await harness(FakeAssistant(broken))
    with caplog.at_level(logging.ERROR):
        mark = h.api.mark()
        update_id = h.api.send_text(42, "hi")
        await h.process(update_id)
    assert f"update {update_id} failed" in caplog.text
    assert "出了点问题" in sent_texts(h.api.calls[mark:])[0]
    assert home_button(h.api.calls[-1])


async def test_mydata_sends_the_summary_and_a_json_document(harness, assistant, db):
    h = await harness()
    users.get_or_create(db, "telegram:42")
    calls = await h.text(42, "/mydata")
    assert assistant.seen[0].text == "/mydata"
    (doc,) = [c for c in calls if c.method == "sendDocument"]
    name, body, _ = doc.files["document"]
    assert name == "leling-mydata.json"
    assert json.loads(body)["user"]["id"] == "telegram:42"


async def test_forget_goes_to_the_assistant_and_only_in_private(harness, assistant):
    h = await harness()
    await h.text(42, "/forget")
    assert assistant.seen[0].text == "/forget"
    calls = await h.text(-100, "/forget@leling_test_bot")
    assert len(assistant.seen) == 1 and "私聊" in sent_texts(calls)[0]


async def test_command_menu_is_registered_per_language(harness, api):
    h = await harness()
    await post_init(h.app)
    assert set(api.commands) == {"zh", "en", ""}
    assert {"start", "mydata", "forget", "cancel"} <= {c["command"] for c in api.commands["en"]}
