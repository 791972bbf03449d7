"""Voice on the web chat over real HTTP: a recording (WebM/Opus, as Chromium's MediaRecorder
makes it) to POST /api/voice, recognised by pocketsphinx, answered with what was heard; the
replies' audio_url served as OGG/Opus; broken, oversized and forged recordings answered kindly."""

from __future__ import annotations

import importlib.util

import pytest

if not all(importlib.util.find_spec(m) for m in ("av", "pocketsphinx", "espeakng_loader")):
    pytest.skip("the voice extra is not installed", allow_module_level=True)

from test_web_api import Client  # noqa: E402
from webkit import LiveServer  # noqa: E402

from bot.voice import audio, espeak  # noqa: E402
from bot.voice.asr import Recognizer, SphinxBackend, nlu_sentences  # noqa: E402
from bot.voice.tts import EspeakEngine, Speaker  # noqa: E402


def webm(text: str) -> bytes:
    """`text` read by espeak-ng, as WebM/Opus at 48 kHz (what Chromium records)."""
    pcm, rate = espeak.synthesize(text, "en-us")
    return audio.encode(pcm, rate, fmt="webm", codec="libopus", out_rate=48_000)


@pytest.fixture(scope="module")
def recognizer():
    return Recognizer([SphinxBackend(nlu_sentences("en"))])


@pytest.fixture
def voiced(tmp_path, web_parser, recognizer):
    speaker = Speaker([EspeakEngine()], None)
    with LiveServer(tmp_path, web_parser, transcribe=recognizer, speak=speaker.speak) as server:
        client = Client(server.url)
        yield client
        client.close()


def post_voice(client: Client, data: bytes, csrf: str | None = None, lang: str = "en"):
    return client.http.post(
        "/api/voice",
        content=data,
        headers={
            "X-CSRF-Token": csrf or client.csrf,
            "Content-Type": "audio/webm;codecs=opus",
            "X-Leling-Lang": lang,
        },
    )


def test_a_recording_is_heard_answered_and_can_be_played(voiced):
    voiced.replies(payload='/set_lang{"lang":"en"}')
    r = post_voice(voiced, webm("where is the nearest senior university"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["heard"] == "where is the nearest senior university"
    first = body["replies"][0]
    assert first["text"].startswith('I heard: "where is the nearest senior university"')
    assert first["voice"] is True  # the page reads it aloud at once
    spoken = voiced.http.get(first["audio_url"])
    assert spoken.status_code == 200 and spoken.headers["content-type"] == "audio/ogg"
    assert audio.duration(spoken.content) > 1.0


def test_typed_replies_carry_an_audio_url_for_the_listen_button(voiced):
    reply = voiced.replies(text="你好")[0]
    assert reply["voice"] is False
    assert voiced.http.get(reply["audio_url"]).content[:4] == b"OggS"
    assert voiced.http.get("/api/audio/0123456789abcdef0123456789abcdef").status_code == 404


def test_broken_empty_and_oversized_recordings_get_a_kind_reply(voiced):
    r = post_voice(voiced, b"OggS\x00\x02" + bytes(300), lang="zh")
    assert r.status_code == 400 and "打不开" in r.json()["replies"][0]["text"]
    r = post_voice(voiced, b"", lang="zh")
    assert r.status_code == 400 and "没听到声音" in r.json()["replies"][0]["text"]
    r = post_voice(voiced, b"\0" * (950 * 1024), lang="zh")
    assert r.status_code == 413 and "太大" in r.json()["replies"][0]["text"]


def test_a_recording_needs_the_csrf_token(voiced):
    r = post_voice(voiced, webm("hello"), csrf="forged")
    assert r.status_code == 403


def test_without_speech_recognition_the_page_is_told_to_type(live):
    client = Client(live.url)
    r = post_voice(client, webm("hello"), lang="zh")
    assert r.status_code == 503 and "打字" in r.json()["replies"][0]["text"]
    client.close()
