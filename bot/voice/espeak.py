"""eSpeak NG through ctypes, from the `espeakng-loader` package (the library and its voice data
ship in the wheel; no system package needed).

    pcm, rate = synthesize("ni3 hao3", "cmn-latn-pinyin")   # int16 mono samples, 22050 Hz

The library is a process-wide singleton and not thread-safe, so every call holds one lock.
"""

from __future__ import annotations

import ctypes
import threading

import numpy as np

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_RATE = 1  # espeakRATE: words per minute

_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)

_lock = threading.Lock()
_state: dict = {}


def available() -> bool:
    """True when espeakng-loader is installed and its library loads."""
    try:
        _lib()
    except (ImportError, OSError, RuntimeError):
        return False
    return True


def _lib():
    if "lib" in _state:
        return _state["lib"]
    import espeakng_loader

    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_Synth.argtypes = [
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_uint,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.c_void_p,
        ctypes.c_void_p,
    ]
    # espeak_Initialize wants the folder that *contains* espeak-ng-data
    data_parent = espeakng_loader.get_data_path().rsplit("/", 1)[0]
    rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_parent.encode(), 0)
    if rate <= 0:
        raise RuntimeError("espeak-ng did not initialise")
    chunks: list[np.ndarray] = []

    def on_audio(wav, count, _events):
        if count > 0:
            chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0  # go on

    callback = _CALLBACK(on_audio)
    lib.espeak_SetSynthCallback(callback)
    _state.update(lib=lib, rate=rate, chunks=chunks, callback=callback, voice=None)
    return lib


def synthesize(
    text: str, voice: str, words_per_minute: int | None = None
) -> tuple[np.ndarray, int]:
    """`text` spoken with `voice` (an eSpeak voice name): int16 samples and the sample rate."""
    with _lock:
        lib = _lib()
        if _state["voice"] != voice:
            if lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise RuntimeError(f"espeak-ng has no voice {voice!r}")
            _state["voice"] = voice
        if words_per_minute:
            lib.espeak_SetParameter(_RATE, int(words_per_minute), 0)
        chunks = _state["chunks"]
        chunks.clear()
        data = text.encode("utf-8") + b"\0"
        if lib.espeak_Synth(data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None) != 0:
            raise RuntimeError("espeak-ng could not synthesise")
        pcm = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
        chunks.clear()
        return pcm, _state["rate"]
