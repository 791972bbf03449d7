"""Voice benchmark (issue #15): text to speech, the audio cache, speech recognition.

    .venv/bin/python bench/voice.py [--rounds 5] [--no-whisper]

Prints, with the yardstick line:
- TTS of a 100-character Mandarin reply to OGG/Opus with the offline voice (espeak-ng), cache
  off: median and p99 over the rounds (target ≤ 0.5 s); the same for a short English reply;
- a cache hit for that reply (target ≤ 5 ms);
- ASR real-time factor (decode seconds / audio seconds; target ≤ 1 for Whisper base) per
  backend: Whisper zh, Whisper en, pocketsphinx en (grammar);
- the character error rate of Whisper base on a fixed set of ten Mandarin questions, read by
  espeak-ng's cmn-latn-pinyin voice at 140 words a minute and passed through OGG/Opus;
- peak resident memory of the process (ru_maxrss) after each part.
Nothing here reaches the network (LELING_TTS=offline).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["LELING_TTS"] = "offline"

from bench.yardstick import line as yardstick  # noqa: E402
from bot.voice import audio, espeak  # noqa: E402
from bot.voice.tts import AudioCache, EspeakEngine, Speaker, to_pinyin  # noqa: E402

REPLY_100 = (
    "北京老年开放大学在西城区车公庄西路4号，电话010-66025466。今天上午9点到下午5点开放，"
    "现在开着。这里开设书法、绘画、合唱、智能手机、英语和养生保健课程，有无障碍设施，"
    "想去之前可以先打电话问问。"
)
REPLY_EN = "The nearest senior university is open today from 9 AM to 5 PM. Tap Remind me."
# The fixed Mandarin clips: what seniors ask Leling, short and everyday.
MANDARIN = [
    "附近有老年大学吗",
    "教我用微信视频通话",
    "这周有什么讲座",
    "我想学用手机挂号",
    "海淀区有手机课吗",
    "提醒我去听讲座",
    "怎么把手机字体调大",
    "朝阳区的学习点在哪里",
    "我要取消提醒",
    "谢谢你",
]
ENGLISH = [
    "where is the nearest senior university",
    "how can i increase the font size",
    "cancel all reminders",
    "any lectures tonight for parents",
]


def peak_mb() -> float:
    """Peak resident memory of this process so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def bench_tts(rounds: int) -> None:
    no_cache = Speaker([EspeakEngine()], None)
    no_cache.speak("预热", "zh")  # library, voice data and pypinyin's dictionary
    no_cache.speak("warm up", "en")
    print(f"Mandarin reply: {len(REPLY_100)} characters")
    for label, text, lang in (
        ("TTS 100 zh chars → OGG", REPLY_100, "zh"),
        ("TTS en reply → OGG", REPLY_EN, "en"),
    ):
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            data = no_cache.speak(text, lang)
            times.append(time.perf_counter() - started)
        print(
            f"| {label} (s) | {statistics.median(times):.3f} | {p99(times):.3f} | "
            f"{audio.duration(data):.1f} s of audio, {len(data) // 1024} KB |"
        )
    with tempfile.TemporaryDirectory() as tmp:
        cached = Speaker([EspeakEngine()], AudioCache(Path(tmp)))
        cached.speak(REPLY_100, "zh")
        hits = []
        for _ in range(max(50, rounds * 10)):
            started = time.perf_counter()
            cached.speak(REPLY_100, "zh")
            hits.append((time.perf_counter() - started) * 1000)
        print(
            f"| cache hit, 100 zh chars (ms) | {statistics.median(hits):.2f} | {p99(hits):.2f} | |"
        )
    print(f"peak memory after TTS: {peak_mb():.0f} MB")


def clip(text: str, lang: str) -> bytes:
    if lang == "zh":
        pcm, rate = espeak.synthesize(to_pinyin(text), "cmn-latn-pinyin", 140)
    else:
        pcm, rate = espeak.synthesize(text, "en-us")
    return audio.encode_ogg(pcm, rate)


def cer(truth: str, heard: str) -> tuple[int, int]:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(truth, re.sub(r"[\W_]+", "", heard)), len(truth)


def run_asr(rec, clips: list[tuple[str, bytes]], lang: str, label: str, show: bool = False):
    rec.transcribe(clips[0][1], None, lang)  # load the model
    spent = seconds = 0.0
    errors = chars = 0
    sure = 0
    for truth, data in clips:
        started = time.perf_counter()
        heard = rec.transcribe(data, None, lang)
        spent += time.perf_counter() - started
        seconds += heard.seconds
        e, n = cer(truth.replace(" ", ""), heard.text.replace(" ", "").lower())
        errors, chars = errors + e, chars + n
        sure += heard.sure
        if show:
            print(f"    {truth} → {heard.text} ({heard.confidence:.2f})")
    print(
        f"| {label} | RTF {spent / seconds:.2f} | {seconds:.1f} s of audio | "
        f"CER {errors / chars:.1%} | sure {sure}/{len(clips)} | peak {peak_mb():.0f} MB |"
    )


def bench_asr(whisper: bool) -> None:
    from bot.voice.asr import (
        Recognizer,
        SphinxBackend,
        WhisperBackend,
        nlu_sentences,
        prompts_from_catalogue,
    )
    from bot.voice.model import looks_installed, model_dir

    zh = [(t, clip(t, "zh")) for t in MANDARIN]
    en = [(t, clip(t, "en")) for t in ENGLISH]
    run_asr(Recognizer([SphinxBackend(nlu_sentences("en"))]), en, "en", "pocketsphinx en (grammar)")
    if not whisper:
        return
    if not looks_installed(model_dir()):
        print(f"Whisper: no model in {model_dir()} (make voice-model); skipped")
        return
    from bot.config import SHIPPED_CONTENT
    from content.catalogue import Catalogue
    from content.load import read_catalogue_dir

    data, _ = read_catalogue_dir(SHIPPED_CONTENT)
    rec = Recognizer([WhisperBackend(model_dir(), prompts_from_catalogue(Catalogue(data)))])
    run_asr(rec, en, "en", "Whisper base en")
    run_asr(rec, zh, "zh", "Whisper base zh, 10 fixed clips", show=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--no-whisper", action="store_true")
    args = ap.parse_args()
    print(yardstick())
    if not espeak.available():
        print("espeakng-loader is not installed (pip install -e '.[voice]')")
        return 1
    bench_tts(args.rounds)
    bench_asr(not args.no_whisper)
    print(yardstick())
    return 0


if __name__ == "__main__":
    sys.exit(main())
