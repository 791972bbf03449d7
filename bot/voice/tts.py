"""Text-to-speech: a chain of engines in front of a size-capped audio cache.

    speaker = Speaker.default()                # gTTS → espeak-ng; cache in the cache folder
    ogg = speaker.speak("第1步：打开微信", "zh")   # OGG/Opus bytes, or None (text only)

- gTTS (Google's voice, the natural one) when Google is reachable. Reachability is a TCP
  connect with a short timeout, and a failure is remembered for OFFLINE_FOR seconds, so an
  offline server does not pay the timeout on every reply.
- espeak-ng (`espeakng-loader`, offline, robotic but clear): Mandarin as tone-numbered pinyin
  with the `cmn-latn-pinyin` voice (pypinyin chooses the readings of polyphones; the plain
  `cmn` voice would read the tone digits aloud), English with `en-us`.
- nothing: the caller sends the text alone.
Every engine speaks at its normal rate: older listeners understand normal-rate speech best.
Audio is cached by (engine, voice, spoken text); a gTTS recording made while online is used
before espeak-ng later, offline (`leling content import` warms the guides this way).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import socket
import threading
import time
from pathlib import Path

import platformdirs

from bot.voice import audio, espeak
from bot.voice.speech_text import prepare

log = logging.getLogger(__name__)

GOOGLE = ("translate.google.com", 443)
PROBE_TIMEOUT = 1.5  # seconds for the TCP connect that says "online"
SYNTH_TIMEOUT = 5.0  # seconds for each gTTS request
OFFLINE_FOR = 300.0  # after a failure, gTTS is not tried again for this long
ONLINE_FOR = 60.0  # a successful probe is trusted this long
CACHE_BYTES = 64 * 1024 * 1024
MAX_CHARS = 1000  # longer text is cut at a sentence end: a voice message of minutes helps no one


class Engine:
    """One text-to-speech engine. Subclasses set `name` and implement `voice` and `_synth`."""

    name = "engine"

    def voice(self, lang: str) -> str:
        """The voice this engine uses for `lang` (part of the cache key)."""
        raise NotImplementedError

    def available(self) -> bool:
        """Worth trying now."""
        return True

    def synthesize(self, text: str, lang: str) -> bytes:
        """OGG/Opus bytes for already prepared text; raises on failure."""
        raise NotImplementedError

    def failed(self) -> None:
        """A synthesis raised: remember it if that matters."""


class GttsEngine(Engine):
    """Google's online voice through gTTS (MP3, re-encoded to OGG/Opus)."""

    name = "gtts"
    VOICES = {"zh": "zh-CN", "en": "en"}

    def __init__(self, probe: tuple[str, int] = GOOGLE, clock=time.monotonic):
        self.probe = probe
        self.clock = clock
        self._until = 0.0  # the last verdict holds until then
        self._online = False
        self._lock = threading.Lock()

    def voice(self, lang: str) -> str:
        return self.VOICES.get(lang, "zh-CN")

    def available(self) -> bool:
        """A TCP connect to Google, remembered (a failure for OFFLINE_FOR seconds)."""
        with self._lock:
            now = self.clock()
            if now < self._until:
                return self._online
            try:
                with socket.create_connection(self.probe, timeout=PROBE_TIMEOUT):
                    pass
                online = True
            except OSError:
                online = False
            self._online = online
            self._until = now + (ONLINE_FOR if online else OFFLINE_FOR)
            if not online:
                log.info("gTTS: Google is not reachable; offline voice for %.0f s", OFFLINE_FOR)
            return online

    def failed(self) -> None:
        with self._lock:
            self._online, self._until = False, self.clock() + OFFLINE_FOR

    def synthesize(self, text: str, lang: str) -> bytes:
        from gtts import gTTS

        buf = io.BytesIO()
        gTTS(text, lang=self.voice(lang), slow=False, timeout=SYNTH_TIMEOUT).write_to_fp(buf)
        return audio.to_ogg(buf.getvalue())


class EspeakEngine(Engine):
    """eSpeak NG, offline (bot/voice/espeak.py)."""

    name = "espeak-ng"
    VOICES = {"zh": "cmn-latn-pinyin", "en": "en-us"}

    def voice(self, lang: str) -> str:
        return self.VOICES.get(lang, self.VOICES["zh"])

    def available(self) -> bool:
        return espeak.available()

    def synthesize(self, text: str, lang: str) -> bytes:
        spoken = to_pinyin(text) if self.voice(lang) == "cmn-latn-pinyin" else text
        pcm, rate = espeak.synthesize(spoken, self.voice(lang))
        if not len(pcm):
            raise RuntimeError("espeak-ng produced no audio")
        return audio.encode_ogg(pcm, rate)


def to_pinyin(text: str) -> str:
    """Hanzi as tone-numbered pinyin for the cmn-latn-pinyin voice (punctuation kept as pauses)."""
    from pypinyin import Style, lazy_pinyin

    words = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, errors="default")
    out = []
    for w in words:
        out.append(w.translate(_PAUSES))
    return " ".join(out)


_PAUSES = str.maketrans(
    {"，": ",", "。": ".", "：": ":", "；": ";", "！": "!", "？": "?", "、": ","}
)


class AudioCache:
    """OGG files on disk keyed by (engine, voice, text); the least recently used are deleted
    when the folder grows past `max_bytes`."""

    def __init__(self, folder: Path, max_bytes: int = CACHE_BYTES):
        self.folder = folder
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._size: int | None = None

    @staticmethod
    def key(engine: str, voice: str, text: str) -> str:
        """The file name for one recording."""
        return hashlib.sha256(f"{engine}\0{voice}\0{text}".encode()).hexdigest()[:40]

    def get(self, key: str) -> bytes | None:
        """The cached audio, or None."""
        path = self.folder / f"{key}.ogg"
        try:
            data = path.read_bytes()
        except OSError:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used
        return data

    def put(self, key: str, data: bytes) -> None:
        """Store a recording, then trim the folder to its cap."""
        with self._lock:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                tmp = self.folder / f".{key}.{threading.get_ident()}.tmp"
                tmp.write_bytes(data)
                tmp.replace(self.folder / f"{key}.ogg")
            except OSError as exc:
                log.warning("TTS cache: cannot write in %s (%s)", self.folder, exc.strerror)
                return
            self._size = (self._size if self._size is not None else self._scan()) + len(data)
            if self._size > self.max_bytes:
                self._trim()

    def _scan(self) -> int:
        return sum(p.stat().st_size for p in self.folder.glob("*.ogg"))

    def _trim(self) -> None:
        files = sorted(self.folder.glob("*.ogg"), key=lambda p: p.stat().st_mtime)
        size = sum(p.stat().st_size for p in files)
        target = self.max_bytes * 0.9
        for p in files:
            if size <= target:
                break
            size -= p.stat().st_size
            p.unlink(missing_ok=True)
        self._size = size


def default_cache_dir() -> Path:
    """LELING_TTS_CACHE, else the user cache folder."""
    env = os.environ.get("LELING_TTS_CACHE", "").strip()
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_cache_dir("leling", appauthor=False)) / "tts"


class Speaker:
    """The chain of engines and the cache. Thread-safe.

    A reply is spoken line by line: each line is cached on its own (so a guide step warmed
    online is found again inside any reply that contains it), then the lines are joined with a
    short pause. A reply whose lines all came from one engine is also cached whole.
    """

    def __init__(self, engines: list[Engine], cache: AudioCache | None):
        self.engines = engines
        self.cache = cache
        self.last_engine: str | None = None  # who answered the last call (for the CLI, tests)

    @classmethod
    def default(cls) -> Speaker:
        """gTTS (unless LELING_TTS=offline) then espeak-ng, with the default cache;
        LELING_TTS=off: no engines."""
        engines: list[Engine] = []
        mode = os.environ.get("LELING_TTS", "").strip().lower()
        if mode == "off":
            return cls([], None)
        if mode != "offline":
            engines.append(GttsEngine())
        engines.append(EspeakEngine())
        return cls(engines, AudioCache(default_cache_dir()))

    def _get(self, engine: Engine, voice: str, text: str) -> bytes | None:
        if self.cache is None:
            return None
        return self.cache.get(AudioCache.key(engine.name, voice, text))

    def speak(self, text: str, lang: str = "zh") -> bytes | None:
        """OGG/Opus for `text`, or None when no engine can say it."""
        spoken = _cut(prepare(text, lang))
        self.last_engine = None
        if not spoken:
            return None
        lines = [line.strip() for line in spoken.split("\n") if line.strip()]
        whole = "\n".join(lines)
        for engine in self.engines:
            hit = self._get(engine, "reply:" + engine.voice(lang), whole)
            if hit is not None:
                self.last_engine = engine.name
                return hit
        parts, used = [], []
        for line in lines:
            said = self._line(line, lang)
            if said is not None:
                parts.append(said[1])
                used.append(said[0])
        if not parts:
            return None
        if len(parts) == 1:
            self.last_engine = used[0].name
            return parts[0]
        data = audio.join_ogg(parts)
        if len(set(used)) == 1 and len(used) == len(lines) and self.cache is not None:
            engine = used[0]
            self.cache.put(AudioCache.key(engine.name, "reply:" + engine.voice(lang), whole), data)
        self.last_engine = "+".join(dict.fromkeys(e.name for e in used))
        return data

    def _line(self, line: str, lang: str) -> tuple[Engine, bytes] | None:
        """One line through the chain: a cached recording, else the first engine that works."""
        for engine in self.engines:
            voice = engine.voice(lang)
            hit = self._get(engine, voice, line)
            if hit is not None:
                return engine, hit
            if not engine.available():
                continue
            try:
                data = engine.synthesize(line, lang)
            except Exception as exc:  # a voice failing must never cost the reply
                log.warning("TTS %s failed: %s", engine.name, type(exc).__name__)
                engine.failed()
                continue
            if self.cache is not None:
                self.cache.put(AudioCache.key(engine.name, voice, line), data)
            return engine, data
        return None

    def warm(self, texts: list[tuple[str, str]]) -> int:
        """Record the lines of (text, lang) pairs with the first engine (the online voice) when
        it is reachable, so they sound good offline later. Returns how many were recorded."""
        if not self.engines or self.cache is None or not self.engines[0].available():
            return 0
        engine, done = self.engines[0], 0
        for text, lang in texts:
            for line in _cut(prepare(text, lang)).split("\n"):
                line = line.strip()
                if not line or self._get(engine, engine.voice(lang), line) is not None:
                    continue
                try:
                    data = engine.synthesize(line, lang)
                except Exception as exc:
                    log.warning(
                        "TTS warm-up stopped: %s failed (%s)", engine.name, type(exc).__name__
                    )
                    engine.failed()
                    return done
                self.cache.put(AudioCache.key(engine.name, engine.voice(lang), line), data)
                done += 1
        return done


def _cut(text: str) -> str:
    if len(text) <= MAX_CHARS:
        return text
    head = text[:MAX_CHARS]
    end = max(head.rfind(c) for c in "。！？.!?\n")
    return head[: end + 1] if end > MAX_CHARS // 2 else head
