"""bot/voice/tts.py and speech_text.py: the chain, the cache, and what a voice reads. No test
reaches the network: gTTS's reachability probe points at a closed port on 127.0.0.1."""

from __future__ import annotations

import socket

import pytest
from voicekit import need_espeak

from bot.voice import audio
from bot.voice.speech_text import prepare
from bot.voice.tts import AudioCache, Engine, EspeakEngine, GttsEngine, Speaker


def closed_port() -> tuple[str, int]:
    """An address on which nothing listens (connecting is refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Fake(Engine):
    """A recording engine: counts calls, can be made to fail; audio from espeak-free tones."""

    def __init__(self, name="fake", fail=False, online=True):
        self.name, self.fail, self.online, self.calls = name, fail, online, []

    def voice(self, lang):
        return f"{self.name}-{lang}"

    def available(self):
        return self.online

    def synthesize(self, text, lang):
        self.calls.append(text)
        if self.fail:
            raise OSError("down")
        import numpy as np

        return audio.encode_ogg(np.full(1600 * len(text), 3000, np.int16), 16_000)


@pytest.fixture
def cache(tmp_path):
    return AudioCache(tmp_path / "tts")


# -- what is read --------------------------------------------------------------------------


def test_phone_numbers_are_read_digit_by_digit():
    assert "零幺零，六六零二，五四六六" in prepare("电话：010-6602-5466")
    assert "零幺零，六六零二五四六六" in prepare("电话：010-66025466")
    assert "幺三八，幺二三四，五六七八" in prepare("手机13812345678")
    assert "0 1 0, 6 6 0 2 5 4 6 6" in prepare("Phone: 010-66025466", "en")


def test_times_as_leling_writes_them_are_read_once():
    """content.timefmt writes 12-hour times with the part of the day ("下午2:30", "2:30 pm"): the
    voice reads that part once and the hour as written, never "下午凌晨两点半"."""
    from datetime import datetime

    from content import timefmt

    at = datetime(2026, 12, 4, 14, 30, tzinfo=timefmt.TZ)
    assert prepare(timefmt.clock(at, "zh")) == "下午两点半"
    assert prepare(timefmt.clock(at, "en"), "en") == "2:30 PM"
    assert prepare("每周二、周四晚上7:00") == "每周二、周四晚上七点"
    assert prepare("every Tuesday at 9:30 am", "en") == "every Tuesday at 9:30 AM"
    # a 24-hour time gets the same part of the day the written form would show
    assert prepare("07:30") == "早上七点半"


def test_dates_and_times_are_words():
    assert (
        prepare("时间：2026-12-03 14:30-16:00") == "时间：二零二六年十二月三日 下午两点半到下午四点"
    )
    assert prepare("12月5日 09:05") == "十二月五日 上午九点零五分"
    assert prepare("2026-12-03 14:30", "en") == "December 3, 2026 2:30 PM"
    assert "第三步，共八步" in prepare("第3步，共8步")


def test_urls_emoji_and_command_lines_are_not_read():
    spoken = prepare("💡 小提示：看直播 https://example.org/live?id=1 就行\n/help\n👍")
    assert "http" not in spoken and "💡" not in spoken and "👍" not in spoken
    assert "/help" not in spoken and "链接见文字消息" in spoken
    assert prepare("😀👍") == ""


# -- the chain -----------------------------------------------------------------------------


def test_offline_the_chain_falls_back_to_espeak_without_touching_the_network(cache):
    need_espeak()
    clock = Clock()
    gtts = GttsEngine(probe=closed_port(), clock=clock)
    speaker = Speaker([gtts, EspeakEngine()], cache)
    data = speaker.speak("附近的老年大学", "zh")
    assert speaker.last_engine == "espeak-ng"
    assert data[:4] == b"OggS" and b"OpusHead" in data[:200]
    assert gtts.available() is False


def test_an_unreachable_google_is_remembered(monkeypatch):
    clock = Clock()
    gtts = GttsEngine(probe=closed_port(), clock=clock)
    probes = []
    real = socket.create_connection
    monkeypatch.setattr(
        socket, "create_connection", lambda *a, **k: probes.append(a) or real(*a, **k)
    )
    assert gtts.available() is False and gtts.available() is False
    assert len(probes) == 1  # the second call did not pay the timeout again
    clock.now += 301
    gtts.available()
    assert len(probes) == 2


def test_a_failing_engine_passes_to_the_next_and_text_only_is_the_last_resort(cache):
    broken, spare = Fake("broken", fail=True), Fake("spare")
    speaker = Speaker([broken, spare], cache)
    assert speaker.speak("你好", "zh") and speaker.last_engine == "spare"
    assert Speaker([Fake("a", fail=True), Fake("b", online=False)], cache).speak("你好") is None
    assert Speaker([], None).speak("你好") is None


def test_tts_output_is_ogg_opus_whose_duration_grows_with_the_text(cache):
    need_espeak()
    speaker = Speaker([EspeakEngine()], cache)
    short = speaker.speak("好的。", "zh")
    long = speaker.speak("好的。北京老年开放大学在西城区车公庄西路，今天上午九点开门。", "zh")
    english = speaker.speak("The nearest senior university is open today until five.", "en")
    for data in (short, long, english):
        assert data[:4] == b"OggS" and b"OpusHead" in data[:200]
    assert audio.duration(long) > 2 * audio.duration(short)
    assert audio.duration(english) > 1.5


# -- the cache -----------------------------------------------------------------------------


def test_the_same_reply_twice_costs_one_synthesis(cache):
    engine = Fake()
    speaker = Speaker([engine], cache)
    first = speaker.speak("第1步/共3步\n打开微信", "zh")
    second = speaker.speak("第1步/共3步\n打开微信", "zh")
    assert first == second and len(engine.calls) == 2  # one per line, the first time only
    assert Speaker([engine], cache).speak("第2步/共3步\n打开微信") and len(engine.calls) == 3


def test_a_recording_made_online_is_used_offline(cache):
    online = Fake("gtts")
    Speaker([online, Fake("espeak")], cache).warm([("打开微信，点右下角的“我”", "zh")])
    assert len(online.calls) == 1
    online.online = False
    offline_voice = Fake("espeak")
    speaker = Speaker([online, offline_voice], cache)
    speaker.speak("第1步/共3步\n打开微信，点右下角的“我”", "zh")
    assert offline_voice.calls == ["第一步/共三步"]  # only the line never recorded online
    assert speaker.last_engine == "espeak+gtts"


def test_warming_needs_the_online_voice(cache):
    offline = Fake("gtts", online=False)
    assert Speaker([offline, Fake("espeak")], cache).warm([("你好", "zh")]) == 0
    assert offline.calls == []


def test_the_cache_stays_under_its_cap(tmp_path):
    cache = AudioCache(tmp_path / "small", max_bytes=20_000)
    speaker = Speaker([Fake()], cache)
    for i in range(30):
        speaker.speak(f"第{i}句话，说得长一点", "zh")
    assert sum(p.stat().st_size for p in (tmp_path / "small").glob("*.ogg")) <= 20_000


def test_an_unwritable_cache_still_speaks(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert Speaker([Fake()], AudioCache(blocker / "tts")).speak("你好", "zh")


def test_content_import_records_every_guide_step_with_the_online_voice(
    catalogue, monkeypatch, tmp_path
):
    from bot.voice import tts, warm

    online = Fake("gtts")
    monkeypatch.setattr(
        tts.Speaker,
        "default",
        classmethod(lambda cls: cls([online, Fake("espeak")], AudioCache(tmp_path / "c"))),
    )
    monkeypatch.setattr(tts, "GttsEngine", Fake)
    texts = warm.guide_texts(catalogue)
    steps = sum(len(g.steps) for g in catalogue.guides.values())
    assert len(texts) == 2 * steps
    assert texts[0][0].startswith("第1步/共")
    line = warm.warm_guides(catalogue)
    assert "recorded" in line and len(online.calls) > steps
    calls = len(online.calls)
    warm.warm_guides(catalogue)
    assert len(online.calls) == calls  # already recorded: nothing new
