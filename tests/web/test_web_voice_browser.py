"""Hold-to-talk in a real browser: headless Chromium with a fake microphone that plays a WAV of
an English question (read by espeak-ng), MediaRecorder's WebM/Opus through POST /api/voice,
Whisper, and the answer shown with what was heard. And a browser without MediaRecorder is
told kindly to type."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from browserkit import chromium
from test_web_browser import Page
from webkit import LiveServer

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not all(importlib.util.find_spec(m) for m in ("av", "pocketsphinx", "espeakng_loader")),
        reason="the voice extra is not installed",
    ),
]

QUESTION = "where is the nearest senior university"


@pytest.fixture(scope="module")
def question_wav(tmp_path_factory):
    from bot.voice import audio, espeak

    pcm, rate = espeak.synthesize(QUESTION, "en-us")
    # half a second before, three after: the fake microphone loops its file
    silence = np.zeros(rate // 2, np.int16)
    path = tmp_path_factory.mktemp("mic") / "question.wav"
    path.write_bytes(
        audio.encode_wav(np.concatenate([silence, pcm, silence, *[silence] * 6]), rate)
    )
    return path, len(pcm) / rate


@pytest.fixture(scope="module")
def mic_browser(question_wav):
    path, _ = question_wav
    with chromium(
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={path}",
    ) as b:
        yield b


@pytest.fixture(scope="module")
def recognizer(catalogue):
    """Whisper when its model is installed (CI has it): Chromium's audio processing (gain,
    noise suppression) changes the recording enough that pocketsphinx's grammar misses it."""
    from bot.voice.asr import Recognizer, WhisperBackend, prompts_from_catalogue, whisper_installed
    from bot.voice.model import looks_installed, model_dir

    if not whisper_installed() or not looks_installed(model_dir()):
        pytest.skip(f"no Whisper model in {model_dir()}: run `make voice-model`")
    return Recognizer([WhisperBackend(model_dir(), prompts_from_catalogue(catalogue))])


@pytest.fixture
def voiced(tmp_path, web_parser, recognizer):
    from bot.voice.tts import EspeakEngine, Speaker

    speaker = Speaker([EspeakEngine()], None)
    with LiveServer(tmp_path, web_parser, transcribe=recognizer, speak=speaker.speak) as server:
        yield server


def test_hold_to_talk_sends_the_recording_and_shows_what_was_heard(
    mic_browser, voiced, question_wav
):
    _, seconds = question_wav
    page = Page(mic_browser, voiced.url, permissions=["microphone"])
    page.open()
    page.page.get_by_role("button", name="English").click()
    page.page.wait_for_function("() => document.documentElement.lang === 'en'")
    before = page.bot_count()
    talk = page.page.locator("#talk-btn")
    box = talk.bounding_box()
    page.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.page.mouse.down()
    page.page.wait_for_selector("#talk-btn.recording")
    page.page.wait_for_timeout(int((seconds + 1.2) * 1000))
    page.page.mouse.up()
    page.page.wait_for_function(
        f"() => document.querySelectorAll('#log .msg-bot').length > {before}"
        " && !document.getElementById('log').hasAttribute('aria-busy')",
        timeout=60_000,
    )
    reply = page.last_reply().inner_text()
    said = page.page.locator("#log .msg-user").last.inner_text()
    assert "nearest senior university" in said.lower(), said
    assert reply.split("\n", 2)[-1].startswith("I heard:"), reply
    page.shot("voice")
    page.close()


def test_a_browser_that_cannot_record_explains_kindly(mic_browser, voiced):
    page = Page(mic_browser, voiced.url)
    page.page.add_init_script("delete window.MediaRecorder;")
    page.open()
    before = page.bot_count()
    page.page.locator("#talk-btn").click()
    page.page.wait_for_function(
        f"() => document.querySelectorAll('#log .msg-bot').length > {before}"
    )
    assert "打字" in page.last_reply().inner_text()
    page.close()
