"""Audio in and out, in-process with PyAV (FFmpeg's codecs in the `av` wheel).

    samples = decode(data)              # float32, 16 kHz mono, for speech recognition
    ogg = encode_ogg(pcm, rate)         # OGG/Opus mono, for Telegram's sendVoice and the web
    webm = encode(pcm, rate, fmt="webm", codec="libopus")   # any container and codec

`decode` takes what users send: OGG/Opus (Telegram voice notes), WebM/Opus (Chromium's
MediaRecorder; no duration header, so length is counted while decoding), MP4/AAC (iOS),
AMR-NB (WeChat recordings), MP3 and WAV. Input that is empty, not audio, longer than
MAX_SECONDS or bigger than MAX_BYTES raises `AudioError` whose `reason` picks a kind reply;
nothing here crashes on a bad file.
"""

from __future__ import annotations

import io
import logging

import numpy as np

log = logging.getLogger(__name__)

RATE = 16_000  # what speech recognisers take
MAX_SECONDS = 60.0
MAX_BYTES = 10 * 1024 * 1024  # a minute of 48 kHz stereo WAV is 11 MB; Opus is ~0.25 MB
OPUS_RATE = 24_000
OPUS_BITRATE = 32_000  # speech at 32 kbit/s is transparent for a phone speaker


class AudioError(ValueError):
    """Audio Leling cannot use. `reason`: empty | corrupt | too_long | too_big."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def check_size(data: bytes | None) -> bytes:
    """`data`, or AudioError for nothing at all or more than MAX_BYTES."""
    if not data:
        raise AudioError("empty")
    if len(data) > MAX_BYTES:
        raise AudioError("too_big", f"{len(data)} bytes")
    return data


def decode(data: bytes, max_seconds: float = MAX_SECONDS) -> np.ndarray:
    """The first audio stream of `data` as float32 samples in [-1, 1], 16 kHz mono."""
    import av

    check_size(data)
    limit = int(max_seconds * RATE) + RATE // 2  # half a second of grace for container padding
    chunks: list[np.ndarray] = []
    total = 0
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            stream = next((s for s in container.streams if s.type == "audio"), None)
            if stream is None:
                raise AudioError("corrupt", "no audio stream")
            # a header that admits the length early saves decoding it
            declared = stream.duration * stream.time_base if stream.duration else 0
            if declared and float(declared) > max_seconds + 0.5:
                raise AudioError("too_long")
            resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    total += len(chunk)
                    if total > limit:
                        raise AudioError("too_long")
                    chunks.append(chunk)
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except AudioError:
        raise
    except (av.FFmpegError, ValueError, IndexError, EOFError, OSError) as exc:
        raise AudioError("corrupt", type(exc).__name__) from None
    samples = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    if len(samples) > limit:
        raise AudioError("too_long")
    if len(samples) < RATE // 10 or not np.any(np.abs(samples) > 1e-4):
        raise AudioError("empty", "silence or under 0.1 s")
    return samples


def duration(data: bytes) -> float:
    """Seconds of audio in `data` (decoded, so right for files without a duration header)."""
    import av

    seconds = 0.0
    with av.open(io.BytesIO(data), mode="r") as container:
        stream = next(s for s in container.streams if s.type == "audio")
        for frame in container.decode(stream):
            seconds += frame.samples / frame.sample_rate
    return seconds


def _as_int16(pcm: np.ndarray) -> np.ndarray:
    if pcm.dtype == np.int16:
        return pcm
    return (np.clip(pcm, -1.0, 1.0) * 32767).astype(np.int16)


def encode(
    pcm: np.ndarray,
    rate: int,
    *,
    fmt: str,
    codec: str,
    out_rate: int | None = None,
    options: dict[str, str] | None = None,
    bit_rate: int | None = None,
) -> bytes:
    """Mono samples (int16, or float in [-1, 1]) at `rate` Hz, encoded with `codec` at
    `out_rate` Hz (default `rate`) in a `fmt` container ("ogg", "webm", "mp4", "wav" …)."""
    import av

    samples = _as_int16(np.asarray(pcm).reshape(-1))
    out_rate = out_rate or rate
    buf = io.BytesIO()
    with av.open(buf, mode="w", format=fmt) as out:
        stream = out.add_stream(codec, rate=out_rate, options=options or {})
        stream.layout = "mono"
        if bit_rate:
            stream.bit_rate = bit_rate
        resampler = av.AudioResampler(format=stream.format.name, layout="mono", rate=out_rate)
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = rate
        for resampled in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(resampled):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def encode_ogg(pcm: np.ndarray, rate: int) -> bytes:
    """Mono samples (int16, or float in [-1, 1]) at `rate` Hz as OGG/Opus bytes."""
    # 24 kHz (speech up to 12 kHz: more than a phone call carries) at compression level 3
    # of 10 encodes a 25 s reply in ~0.15 s instead of ~0.9 s at 48 kHz / level 10.
    return encode(
        pcm,
        rate,
        fmt="ogg",
        codec="libopus",
        out_rate=OPUS_RATE,
        options={"compression_level": "3"},
        bit_rate=OPUS_BITRATE,
    )


def pcm(data: bytes, rate: int = OPUS_RATE) -> np.ndarray:
    """Decoded int16 mono samples at `rate` (no length checks: for Leling's own audio)."""
    import av

    chunks: list[np.ndarray] = []
    with av.open(io.BytesIO(data), mode="r") as container:
        stream = next(s for s in container.streams if s.type == "audio")
        resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
        for frame in container.decode(stream):
            chunks.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(frame))
        chunks.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(None))
    return np.concatenate(chunks) if chunks else np.zeros(0, np.int16)


def to_ogg(data: bytes) -> bytes:
    """Any decodable audio (e.g. gTTS's MP3) re-encoded as OGG/Opus, at its own length."""
    return encode_ogg(pcm(data), OPUS_RATE)


def join_ogg(parts: list[bytes], pause: float = 0.3) -> bytes:
    """Several recordings as one OGG/Opus file, with `pause` seconds of silence between."""
    gap = np.zeros(int(pause * OPUS_RATE), np.int16)
    pieces: list[np.ndarray] = []
    for i, part in enumerate(parts):
        if i:
            pieces.append(gap)
        pieces.append(pcm(part))
    return encode_ogg(np.concatenate(pieces), OPUS_RATE)


def encode_wav(pcm: np.ndarray, rate: int) -> bytes:
    """Mono samples as a 16-bit PCM WAV file (for tools and tests)."""
    import wave

    samples = _as_int16(np.asarray(pcm).reshape(-1))
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return buf.getvalue()
