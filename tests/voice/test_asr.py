"""bot/voice/asr.py on real audio: espeak-ng reads a question, it goes through OGG/Opus and back,
is recognised, and the NLU finds the right intent. Mandarin needs the Whisper model
(`make voice-model`); without it those tests are skipped and say so."""

from __future__ import annotations

import asyncio
import threading

import numpy as np
import pytest
from voicekit import need_espeak

from bot.voice import audio, espeak
from bot.voice.asr import (
    Backend,
    Busy,
    Recognizer,
    SphinxBackend,
    Transcript,
    WhisperBackend,
    clean,
    nlu_sentences,
    prompts_from_catalogue,
    sphinx_installed,
    whisper_installed,
)
from bot.voice.model import looks_installed, model_dir
from bot.voice.tts import to_pinyin

ENGLISH = [
    ("where is the nearest senior university", "find_center"),
    ("how can i increase the font size", "start_guide"),
    ("cancel all reminders", "unsubscribe"),
]


@pytest.fixture(scope="module")
def sphinx():
    if not sphinx_installed():
        pytest.skip("pocketsphinx is not installed")
    return Recognizer([SphinxBackend(nlu_sentences("en"))])


@pytest.fixture(scope="module")
def whisper(catalogue):
    if not whisper_installed():
        pytest.skip("faster-whisper is not installed (pip install -e '.[voice]')")
    if not looks_installed(model_dir()):
        pytest.skip(f"no Whisper model in {model_dir()}: run `make voice-model`")
    return Recognizer([WhisperBackend(model_dir(), prompts_from_catalogue(catalogue))])


@pytest.fixture(scope="module")
def parser():
    import nlu
    from bot.config import SHIPPED_CONTENT
    from content.gazetteer import build

    return nlu.load_parser(build(SHIPPED_CONTENT))


def intent(parser, text: str) -> str:
    return (parser.parse(text).get("intent") or {}).get("name")


@pytest.mark.parametrize(("question", "expected"), ENGLISH)
def test_english_questions_are_heard_by_pocketsphinx(
    sphinx, parser, english_ogg, question, expected
):
    heard = sphinx.transcribe(english_ogg(question), "audio/ogg", "en")
    assert heard.backend == "pocketsphinx-grammar"
    assert intent(parser, heard.text) == expected


def test_pocketsphinx_is_never_sure_because_its_grammar_forces_a_match(sphinx, english_ogg):
    # out-of-grammar speech comes back as some example sentence, often with a high posterior
    heard = sphinx.transcribe(english_ogg("the weather is nice and my cat is black"), None, "en")
    assert not heard.sure
    assert not sphinx.transcribe(english_ogg("cancel all reminders"), None, "en").sure


def test_the_grammar_comes_from_the_nlu_examples():
    sentences = nlu_sentences("en")
    assert "where is the nearest senior university" in sentences
    assert all(s == s.lower() and "[" not in s for s in sentences)


@pytest.mark.slow
@pytest.mark.parametrize(("question", "expected"), ENGLISH[:1])
def test_english_questions_are_heard_by_whisper(whisper, parser, english_ogg, question, expected):
    heard = whisper.transcribe(english_ogg(question), "audio/ogg", "en")
    assert heard.sure
    assert intent(parser, heard.text) == expected


@pytest.mark.slow
def test_mandarin_is_heard_by_whisper_in_simplified_chinese(whisper, parser):
    need_espeak()
    # espeak-ng's Mandarin is robotic; this sentence is one Whisper base hears exactly from it.
    pcm, rate = espeak.synthesize(to_pinyin("我想学用手机挂号"), "cmn-latn-pinyin", 140)
    heard = whisper.transcribe(audio.encode_ogg(pcm, rate), "audio/ogg", "zh")
    assert heard.text.rstrip("。") == "我想学用手机挂号"
    assert intent(parser, heard.text) == "start_guide"


def test_transcripts_are_simplified_and_never_a_payload():
    assert clean("我想學用手機掛號", "zh") == "我想学用手机挂号"
    assert clean("/forget", "en") == "forget"
    assert clean("center０?", "en") == "center0?"


def test_the_prompt_holds_short_catalogue_words(catalogue):
    prompts = prompts_from_catalogue(catalogue)
    assert "海淀区" in prompts["zh"] and len(prompts["zh"]) <= 120
    assert "，" not in prompts["zh"]  # no sentences for Whisper to copy


class Slow(Backend):
    name = "slow"
    langs = ("zh",)

    def __init__(self):
        self.gate = threading.Event()

    def recognize(self, samples, lang):
        self.gate.wait(10)
        return Transcript("你好", 0.9, self.name, lang)


async def test_the_queue_is_bounded_and_the_event_loop_stays_free():
    backend = Slow()
    rec = Recognizer([backend], workers=2, backlog=1)
    clip = audio.encode_wav((np.sin(np.arange(16_000) / 5) * 8000).astype(np.int16), 16_000)
    tasks = [asyncio.ensure_future(rec.hear(clip, None, "zh")) for _ in range(3)]
    await asyncio.sleep(0.2)  # the loop runs while three recordings wait on two workers
    with pytest.raises(Busy):
        await rec.hear(clip, None, "zh")
    backend.gate.set()
    assert [t.text for t in await asyncio.gather(*tasks)] == ["你好"] * 3


def test_a_language_without_a_backend_hears_nothing(english_ogg):
    need_espeak()
    rec = Recognizer([Slow()])
    assert rec.transcribe(english_ogg("hello"), None, "en").backend == "none"


def test_bad_audio_raises_the_kind_error():
    from bot.voice.audio import AudioError

    with pytest.raises(AudioError):
        Recognizer([Slow()]).transcribe(b"not audio" * 30, None, "zh")
