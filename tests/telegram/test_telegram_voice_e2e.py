"""A Telegram voice message end to end: `leling run` against the fake Bot API server, real audio
through the real codecs. espeak-ng reads an English question into OGG/Opus; the bot fetches it
with getFile and the file download path, recognises it (pocketsphinx, the fast backend), answers
with what it heard, and speaks the answer back with sendVoice."""

from __future__ import annotations

import importlib.util

import pytest
from test_telegram_e2e import Leling, ask

pytestmark = pytest.mark.slow

if not all(importlib.util.find_spec(m) for m in ("av", "pocketsphinx", "espeakng_loader")):
    pytest.skip(
        "the voice extra (av, pocketsphinx, espeakng-loader) is not installed",
        allow_module_level=True,
    )

from bot.voice import audio, espeak  # noqa: E402


@pytest.fixture(scope="module")
def leling(fake, tmp_path_factory):
    folder = tmp_path_factory.mktemp("voice")
    with Leling(fake, folder, "polling", {"LELING_ASR": "pocketsphinx"}) as proc:
        yield proc


def english(text: str) -> bytes:
    pcm, rate = espeak.synthesize(text, "en-us")
    return audio.encode_ogg(pcm, rate)


def test_a_spoken_question_is_heard_answered_and_spoken_back(leling, fake):
    ask(fake, 201, "/lang en")
    mark = fake.mark()
    fake.send_voice(201, english("where is the nearest senior university"))
    spoken = fake.wait_for("sendVoice", chat_id=201, after=mark, timeout=60)
    heard = 'I heard: "where is the nearest senior university"'
    text = fake.wait_for(
        "sendMessage",
        chat_id=201,
        after=mark,
        timeout=15,
        where=lambda c: "heard" in c.params["text"],
    )
    assert heard in text.params["text"]
    assert "getFile" in [c.method for c in fake.calls[mark:]]
    ogg = spoken.files["voice"][1]
    assert ogg[:4] == b"OggS" and audio.duration(ogg) > 1.0


def test_a_broken_recording_gets_a_kind_reply(leling, fake):
    mark = fake.mark()
    fake.send_voice(202, b"OggS\x00\x02" + bytes(200))
    reply = fake.wait_for("sendMessage", chat_id=202, after=mark, timeout=15)
    assert "打字" in reply.params["text"]
