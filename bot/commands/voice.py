"""`leling voice …`: speak, listen, and say what voice support this machine has.

leling voice say "第1步：打开微信" -o step1.ogg [--lang zh]
leling voice hear question.ogg [--lang en] [--json]
leling voice doctor
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path


def register(subparsers) -> None:
    """Add the `voice` command group to the `leling` parser."""
    voice = subparsers.add_parser("voice", help="text to speech, speech to text, voice check-up")
    sub = voice.add_subparsers(dest="voice_command", metavar="SUBCOMMAND", required=True)

    say = sub.add_parser("say", help="speak TEXT into an OGG/Opus file")
    say.add_argument("text")
    say.add_argument("-o", "--out", type=Path, required=True, help="the .ogg file to write")
    say.add_argument("--lang", choices=("zh", "en"), default="zh")
    say.set_defaults(handler=cmd_say)

    hear = sub.add_parser("hear", help="print what is said in an audio FILE")
    hear.add_argument("file", type=Path)
    hear.add_argument("--lang", choices=("zh", "en"), default="zh")
    hear.add_argument("--json", action="store_true", help="one JSON object")
    hear.set_defaults(handler=cmd_hear)

    doctor = sub.add_parser("doctor", help="which voice parts work here, and what to install")
    doctor.set_defaults(handler=cmd_doctor)


def _need_av() -> bool:
    if importlib.util.find_spec("av") is None:
        print(
            "leling voice: PyAV is not installed; install the voice extra: "
            "pip install -e '.[voice]'",
            file=sys.stderr,
        )
        return False
    return True


def cmd_say(args) -> int:
    """Write the spoken TEXT as OGG/Opus; say which engine spoke it."""
    if not _need_av():
        return 1
    from bot.voice.audio import duration
    from bot.voice.tts import Speaker

    speaker = Speaker.default()
    started = time.perf_counter()
    data = speaker.speak(args.text, args.lang)
    if data is None:
        print("leling voice: no voice could say this (see `leling voice doctor`)", file=sys.stderr)
        return 1
    args.out.write_bytes(data)
    print(
        f"{args.out}: {duration(data):.1f} s of OGG/Opus by {speaker.last_engine} "
        f"in {time.perf_counter() - started:.2f} s"
    )
    return 0


def cmd_hear(args) -> int:
    """Recognise FILE; print the transcript (and how sure), or why it could not be heard."""
    if not _need_av():
        return 1
    from bot.voice import recognizer
    from bot.voice.audio import AudioError
    from bot.voice.phrases import phrase

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"leling voice: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    rec = recognizer(_catalogue())
    if rec is None:
        print(
            "leling voice: no speech recognition here (see `leling voice doctor`)", file=sys.stderr
        )
        return 1
    started = time.perf_counter()
    try:
        heard = rec.transcribe(data, None, args.lang)
    except AudioError as exc:
        print(f"leling voice: {phrase(args.lang, exc.reason)}", file=sys.stderr)
        return 1
    took = time.perf_counter() - started
    if args.json:
        out = {
            "text": heard.text,
            "confidence": round(heard.confidence, 3),
            "sure": heard.sure,
            "backend": heard.backend,
            "lang": heard.lang,
            "seconds": round(heard.seconds, 2),
            "rtf": round(took / heard.seconds, 2) if heard.seconds else None,
        }
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(heard.text or "(nothing understood)")
        print(
            f"  {heard.backend}, confidence {heard.confidence:.2f} "
            f"({'sure' if heard.sure else 'unsure: Leling would ask again'}), "
            f"{heard.seconds:.1f} s of audio in {took:.1f} s",
            file=sys.stderr,
        )
    return 0 if heard.text else 1


def _catalogue():
    """The catalogue for the recogniser's prompt (None when the database cannot be opened)."""
    try:
        from bot.app import open_catalogue, open_database
        from bot.config import Settings

        settings = Settings.from_env()
        return open_catalogue(settings, open_database(settings))
    except Exception:  # the prompt is a nicety; hearing works without it
        return None


def cmd_doctor(args) -> int:
    """Print each voice part: usable or not, and the command that would fix it."""
    for line in doctor_lines():
        print(line)
    return 0


def doctor_lines() -> list[str]:
    """The check-up, one line per part (shared with the tests)."""
    from bot.voice.model import looks_installed, model_dir

    def have(name: str) -> bool:
        return importlib.util.find_spec(name) is not None

    lines = []
    extra = "pip install -e '.[voice]'"
    av_ok = have("av")
    lines.append(f"audio (PyAV): {'ok' if av_ok else 'missing: ' + extra}")
    folder = model_dir()
    whisper = have("faster_whisper")
    model = looks_installed(folder)
    if whisper and model:
        w = f"ok (Whisper base in {folder})"
    elif not whisper:
        w = f"missing faster-whisper: {extra}"
    else:
        w = f"no model in {folder}: run `make voice-model` (or set LELING_ASR_MODEL)"
    sphinx = (
        "ok (en-US, grammar from the NLU data)" if have("pocketsphinx") else f"missing: {extra}"
    )
    lines.append(f"speech to text, Mandarin: whisper {w}")
    lines.append(f"speech to text, English:  whisper {w}; pocketsphinx {sphinx}")
    from bot.voice import espeak

    esp = (
        "ok (cmn-latn-pinyin, en-us)" if espeak.available() else f"missing espeakng-loader: {extra}"
    )
    lines.append(f"text to speech, offline: espeak-ng {esp}")
    if have("gtts"):
        from bot.voice.tts import GttsEngine

        online = GttsEngine().available()
        g = (
            "ok (Google reachable)"
            if online
            else "installed, but Google is not reachable (offline voice used)"
        )
    else:
        g = f"missing gTTS: {extra}"
    lines.append(f"text to speech, online:  gTTS {g}")
    if av_ok:
        from bot.voice.tts import default_cache_dir

        lines.append(f"voice cache: {default_cache_dir()}")
    return lines
