"""Speech-to-text: backends behind one interface, a bounded queue in front of them.

    rec = Recognizer.from_env(prompt_words=words_from_catalogue(catalogue))
    heard = rec.transcribe(ogg_bytes, "audio/ogg", "zh")     # blocking
    heard = await rec.hear(ogg_bytes, "audio/ogg", "zh")     # off the event loop, queued

Backends, chosen by LELING_ASR (auto | whisper | pocketsphinx | off) and by what is installed:
- `WhisperBackend`: faster-whisper with the Whisper base model (zh and en) from
  LELING_ASR_MODEL or `make voice-model`'s folder; int8, beam 5, biased toward Leling's words by
  an initial prompt of catalogue names and guide titles; output in Simplified Chinese.
- `SphinxBackend`: pocketsphinx's bundled en-US model, English only; first against a JSGF
  grammar of the NLU's English examples (accurate for what Leling understands), then the
  general language model when the grammar finds nothing (always reported as unsure).

Every result is a `Transcript` whose `sure` says whether Leling may act on it. Audio problems
raise `audio.AudioError`; a full queue raises `Busy`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import os
import re
import tempfile
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.voice import audio
from bot.voice.model import looks_installed, model_dir

log = logging.getLogger(__name__)

WORKERS = 2  # decodes at once (the machine has two cores)
BACKLOG = 4  # more waiting than this and the user is asked to try again shortly
SURE_WHISPER = 0.45  # exp(mean log-probability of the tokens); -0.8 per token
PROMPT_CHARS = {"zh": 120, "en": 300}
TOKENS_PER_SECOND = 8  # Mandarin speech is 4–5 characters a second; a loop is cut short


class Busy(RuntimeError):
    """Too many recordings are waiting; try again in a moment."""


@dataclass(frozen=True)
class Transcript:
    """What was heard: `text` ("" for nothing), a 0–1 `confidence`, and who heard it."""

    text: str
    confidence: float
    backend: str
    lang: str
    seconds: float = 0.0

    @property
    def sure(self) -> bool:
        """Confident enough to act on. pocketsphinx never is: its grammar forces any speech
        onto the nearest example sentence, with a posterior up to 1.0 for words never said
        (measured: "the weather is nice and my cat is black" → "let me read", 1.0), so its
        confidence cannot tell a misheard request from a heard one."""
        if self.backend.startswith("pocketsphinx"):
            return False
        return bool(self.text) and self.confidence >= SURE_WHISPER


class Backend:
    """A speech recogniser for some languages."""

    name = "backend"
    langs: tuple[str, ...] = ()

    def recognize(self, samples: np.ndarray, lang: str) -> Transcript:
        """16 kHz mono float32 samples → what was said."""
        raise NotImplementedError


class WhisperBackend(Backend):
    """faster-whisper with a CTranslate2 Whisper model folder."""

    name = "whisper"
    langs = ("zh", "en")

    def __init__(self, folder: Path, prompts: dict[str, str] | None = None, threads: int = 2):
        self.folder = folder
        self.prompts = prompts or {}
        self.threads = threads
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        """The model, loaded on first use (4 s and ~600 MB: only a server that hears voice
        pays for it)."""
        with self._lock:
            if self._model is None:
                from faster_whisper import WhisperModel

                logging.getLogger("faster_whisper").setLevel(logging.WARNING)
                self._model = WhisperModel(
                    str(self.folder), device="cpu", compute_type="int8", cpu_threads=self.threads
                )
            return self._model

    def recognize(self, samples: np.ndarray, lang: str) -> Transcript:
        prompt = self.prompts.get(lang) or None
        segments, _info = self.model.transcribe(
            samples,
            language=lang,
            beam_size=5,
            initial_prompt=prompt,
            condition_on_previous_text=False,
            vad_filter=False,
            # One pass: the temperature fallback re-decodes up to five times on unclear audio
            # (measured: 50× real time on a noisy "谢谢你"); unclear audio is asked again.
            temperature=0.0,
            max_new_tokens=min(220, int(len(samples) / audio.RATE * TOKENS_PER_SECOND) + 8),
        )
        segments = list(segments)
        text = "".join(s.text for s in segments).strip()
        weights = [max(1, len(s.tokens)) for s in segments]
        logprob = (
            sum(s.avg_logprob * w for s, w in zip(segments, weights, strict=True)) / sum(weights)
            if segments
            else -10.0
        )
        text = clean(text, lang)
        confidence = math.exp(logprob)
        if prompt and text and _echoes(text, prompt):
            text = ""  # Whisper repeats its prompt on silence or noise
        elif _looks_made_up(text, prompt or ""):
            confidence *= 0.5
        return Transcript(text, confidence, self.name, lang, len(samples) / audio.RATE)


class SphinxBackend(Backend):
    """pocketsphinx en-US: a grammar of Leling's English first, the general model second."""

    name = "pocketsphinx"
    langs = ("en",)

    def __init__(self, sentences: list[str] | None = None):
        self.sentences = sentences or []
        self._lock = threading.Lock()
        self.general = None
        self.grammar = None
        self.grammar_size = 0

    def _load(self) -> None:
        """Both decoders, on first use (about a second)."""
        from pocketsphinx import Decoder

        self.general = Decoder(logfn=os.devnull)
        words = _sphinx_words()
        usable = sorted({s for s in self.sentences if s and all(w in words for w in s.split())})
        if usable:
            body = " | ".join(usable)
            with tempfile.NamedTemporaryFile("w", suffix=".gram", delete=False) as f:
                f.write(f"#JSGF V1.0;\ngrammar leling;\npublic <s> = {body} ;\n")
            try:
                self.grammar = Decoder(jsgf=f.name, logfn=os.devnull)
            finally:
                os.unlink(f.name)
        self.grammar_size = len(usable)

    def recognize(self, samples: np.ndarray, lang: str) -> Transcript:
        raw = (np.clip(samples, -1, 1) * 32767).astype(np.int16).tobytes()
        seconds = len(samples) / audio.RATE
        with self._lock:  # a decoder serves one utterance at a time
            if self.general is None:
                self._load()
            if self.grammar is not None:
                hyp = _decode(self.grammar, raw)
                if hyp is not None and hyp.hypstr.strip():
                    return Transcript(
                        hyp.hypstr.strip(), float(hyp.prob), "pocketsphinx-grammar", lang, seconds
                    )
            hyp = _decode(self.general, raw)
        text = hyp.hypstr.strip() if hyp is not None else ""
        # The general model mishears most of what seniors say: never "sure".
        return Transcript(text, min(float(hyp.prob) if hyp else 0.0, 0.1), self.name, lang, seconds)


def _decode(decoder, raw: bytes):
    decoder.start_utt()
    decoder.process_raw(raw, full_utt=True)
    decoder.end_utt()
    return decoder.hyp()


def _sphinx_words() -> set[str]:
    from pocketsphinx import get_model_path

    words = set()
    with open(os.path.join(get_model_path(), "en-us", "cmudict-en-us.dict"), encoding="utf-8") as f:
        for line in f:
            words.add(line.split(" ", 1)[0].split("(", 1)[0])
    return words


_ANNOTATION = re.compile(r"\[([^\]]*)\]\{[^}]*\}|\[([^\]]*)\]\([^)]*\)")


def nlu_sentences(lang: str = "en") -> list[str]:
    """The NLU's training examples in `lang`, as plain lower-case word sequences."""
    import yaml

    root = Path(__file__).resolve().parents[2] / "nlu" / "data" / lang
    out: set[str] = set()
    for path in sorted(root.glob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in doc.get("nlu") or []:
            if "intent" not in block:
                continue
            for line in str(block.get("examples", "")).splitlines():
                ex = _ANNOTATION.sub(lambda m: m.group(1) or m.group(2) or "", line.strip()[1:])
                ex = re.sub(r"[^a-z' ]", " ", ex.lower())
                if ex.split():
                    out.add(" ".join(ex.split()))
    return sorted(out)


def clean(text: str, lang: str) -> str:
    """A transcript tidied: Simplified Chinese (OpenCC t2s), full-width letters and digits made plain,
    a leading "/" removed (a transcript must never read as a button's payload)."""
    text = "".join(unicodedata.normalize("NFKC", ch) if ch.isalnum() else ch for ch in text)
    if lang == "zh":
        text = _t2s().convert(text)
    return text.strip().lstrip("/").strip()


_LOOP = re.compile(r"(.{1,4}?)\1{3,}")  # "与与与与", "课、课、课、课"


def _looks_made_up(text: str, prompt: str) -> bool:
    """Whisper's two ways of filling unclear audio: a word said three times or more, or a list
    of the prompt's own words ("学习点、讲座")."""
    words = [w for w in re.split(r"[\s,，、。.!?！？]+", text) if w]
    if any(words.count(w) >= 3 for w in words) or _LOOP.search(text):
        return True
    terms = {t for t in re.split(r"[、,]\s*", prompt) if t}
    listed = [w for w in re.split(r"[、]", text) if w.strip()]
    return len(listed) >= 2 and sum(w.strip("，,。 ") in terms for w in listed) >= 2


@functools.cache
def _t2s():
    """OpenCC's Traditional → Simplified converter (greedy decoding sometimes gives 繁體)."""
    import opencc

    return opencc.OpenCC("t2s")


def _echoes(text: str, prompt: str) -> bool:
    core = re.sub(r"[\W_]+", "", text)
    return len(core) >= 4 and core in re.sub(r"[\W_]+", "", prompt)


def prompts_from_catalogue(catalogue) -> dict[str, str]:
    """Initial prompts per language: a list of Leling's words — districts, guide titles and
    center names, each cut to its first short clause. Whisper copies long sentences from its
    prompt into what it hears, so the prompt holds short words only."""
    zh = ["乐龄伴学", "老年大学", "学习点", "讲座", "手机课", "提醒我", "微信", "视频通话", "挂号"]
    en = ["Leling", "senior university", "learning center", "lecture", "phone class", "remind me"]
    if catalogue is not None:
        centers = list(getattr(catalogue, "centers", {}).values())
        zh += sorted({c.district for c in centers if getattr(c, "district", None)})
        for guide in getattr(catalogue, "guides", {}).values():
            zh.append(_short(_text(guide.title, "zh"), 10))
            en.append(_short(_text(guide.title, "en"), 30))
        for center in centers:
            zh.append(_short(center.name, 10))
            if getattr(center, "name_en", None):
                en.append(_short(center.name_en, 30))
    return {"zh": _join(zh, "、", PROMPT_CHARS["zh"]), "en": _join(en, ", ", PROMPT_CHARS["en"])}


def _short(text: str, limit: int) -> str:
    first = re.split(r"[，,：:（(]", text, maxsplit=1)[0].strip()
    return first if len(first) <= limit else ""


def _text(value, lang: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return value.get(lang) or value.get("zh") or ""
    return getattr(value, lang, None) or getattr(value, "zh", "") or ""


def _join(words: list[str], sep: str, limit: int) -> str:
    out: list[str] = []
    size = 0
    for w in dict.fromkeys(w for w in words if w):
        if size + len(w) + len(sep) > limit:
            break
        out.append(w)
        size += len(w) + len(sep)
    return sep.join(out)


class Recognizer:
    """Audio bytes → `Transcript`, with the backend for each language and a bounded queue."""

    def __init__(self, backends: list[Backend], workers: int = WORKERS, backlog: int = BACKLOG):
        self.backends = backends
        self.workers = workers
        self.backlog = backlog
        self._executor: ThreadPoolExecutor | None = None
        self._waiting = 0
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls, catalogue=None) -> Recognizer | None:
        """The backends LELING_ASR allows and the machine has (None when there are none)."""
        mode = os.environ.get("LELING_ASR", "auto").strip().lower() or "auto"
        backends: list[Backend] = []
        if mode in ("auto", "whisper"):
            folder = model_dir()
            if whisper_installed() and looks_installed(folder):
                try:
                    backends.append(WhisperBackend(folder, prompts_from_catalogue(catalogue)))
                except Exception as exc:  # a damaged model must not stop Leling
                    log.warning("Whisper model in %s does not load: %s", folder, exc)
            elif mode == "whisper":
                log.warning("LELING_ASR=whisper but faster-whisper or its model is missing")
        if mode in ("auto", "pocketsphinx") and sphinx_installed():
            backends.append(SphinxBackend(nlu_sentences("en")))
        return cls(backends) if backends else None

    def backend_for(self, lang: str) -> Backend | None:
        """The first backend that knows `lang` (None: this language cannot be heard)."""
        return next((b for b in self.backends if lang in b.langs), None)

    def transcribe(self, data: bytes, mime_type: str | None = None, lang: str = "zh") -> Transcript:
        """Decode and recognise (blocking). Raises AudioError for unusable audio."""
        samples = audio.decode(data)
        backend = self.backend_for(lang)
        if backend is None:
            return Transcript("", 0.0, "none", lang, len(samples) / audio.RATE)
        return backend.recognize(samples, lang)

    __call__ = transcribe  # the `Services.transcribe` seam

    async def hear(self, data: bytes, mime_type: str | None = None, lang: str = "zh") -> Transcript:
        """`transcribe` on one of WORKERS threads; raises Busy when BACKLOG are waiting."""
        with self._lock:
            if self._waiting >= self.workers + self.backlog:
                raise Busy()
            self._waiting += 1
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="leling-asr")
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                self._executor, self.transcribe, data, mime_type, lang
            )
        finally:
            with self._lock:
                self._waiting -= 1


def whisper_installed() -> bool:
    """faster-whisper can be imported."""
    import importlib.util

    return importlib.util.find_spec("faster_whisper") is not None


def sphinx_installed() -> bool:
    """pocketsphinx can be imported."""
    import importlib.util

    return importlib.util.find_spec("pocketsphinx") is not None
