"""bot/voice/audio.py: the formats users send decode to 16 kHz mono; bad input is refused kindly."""

from __future__ import annotations

import io

import av
import numpy as np
import pytest

from bot.voice import audio
from bot.voice.audio import AudioError


def tone(seconds: float, rate: int = 16_000, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_ogg_opus_round_trip_keeps_the_length():
    ogg = audio.encode_ogg(tone(2.0), 16_000)
    assert ogg[:4] == b"OggS" and b"OpusHead" in ogg[:200]
    samples = audio.decode(ogg)
    assert samples.dtype == np.float32
    assert abs(len(samples) / audio.RATE - 2.0) < 0.1
    assert abs(audio.duration(ogg) - 2.0) < 0.1


@pytest.mark.parametrize(
    ("fmt", "codec", "rate"),
    [
        ("webm", "libopus", 48_000),  # Chromium's MediaRecorder (no duration header)
        ("mp4", "aac", 44_100),  # iOS
        ("wav", "pcm_s16le", 44_100),
        ("amr", "libopencore_amrnb", 8_000),  # WeChat's JS-SDK recordings
        ("mp3", "libmp3lame", 44_100),
    ],
)
def test_what_browsers_and_phones_send_decodes_to_16k_mono(fmt, codec, rate):
    try:
        data = audio.encode(tone(1.5, rate), rate, fmt=fmt, codec=codec)
    except (av.FFmpegError, ValueError) as exc:
        pytest.skip(f"this PyAV build cannot write {codec} ({exc})")
    samples = audio.decode(data)
    assert abs(len(samples) / audio.RATE - 1.5) < 0.15


def test_stereo_48k_becomes_mono_16k():
    stereo = np.stack([tone(1.0, 48_000), tone(1.0, 48_000, 660)])
    buf = io.BytesIO()
    with av.open(buf, "w", format="wav") as out:
        stream = out.add_stream("pcm_s16le", rate=48_000)
        stream.layout = "stereo"
        frame = av.AudioFrame.from_ndarray(
            (stereo.T.reshape(1, -1) * 32767).astype(np.int16), format="s16", layout="stereo"
        )
        frame.sample_rate = 48_000
        for p in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(p)
    assert abs(len(audio.decode(buf.getvalue())) - 16_000) < 200


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"OggS\x00\x02" + bytes(200), "corrupt"),  # an Ogg page header and nothing after
        (b"this is not audio at all" * 20, "corrupt"),
        (bytes(range(256)) * 40, "corrupt"),
    ],
)
def test_empty_and_corrupt_input_is_refused_with_a_reason(data, reason):
    with pytest.raises(AudioError) as err:
        audio.decode(data)
    assert err.value.reason == reason


def test_silence_is_empty():
    with pytest.raises(AudioError) as err:
        audio.decode(audio.encode_wav(np.zeros(16_000, np.int16), 16_000))
    assert err.value.reason == "empty"


def test_a_truncated_recording_is_corrupt_or_shorter_never_a_crash():
    ogg = audio.encode_ogg(tone(3.0), 16_000)
    try:
        samples = audio.decode(ogg[: len(ogg) // 2])
    except AudioError as exc:
        assert exc.reason in ("corrupt", "empty")
    else:
        assert len(samples) < 3.0 * audio.RATE


def test_over_a_minute_is_too_long_even_without_a_duration_header():
    webm = audio.encode(tone(61.0, 48_000), 48_000, fmt="webm", codec="libopus")
    with pytest.raises(AudioError) as err:
        audio.decode(webm)
    assert err.value.reason == "too_long"
    with pytest.raises(AudioError) as err:
        audio.decode(audio.encode_ogg(tone(61.0), 16_000))
    assert err.value.reason == "too_long"


def test_oversized_input_is_refused_before_decoding():
    with pytest.raises(AudioError) as err:
        audio.decode(b"\0" * (audio.MAX_BYTES + 1))
    assert err.value.reason == "too_big"


def test_join_puts_recordings_one_after_another():
    a = audio.encode_ogg(tone(1.0), 16_000)
    b = audio.encode_ogg(tone(2.0), 16_000)
    assert abs(audio.duration(audio.join_ogg([a, b], pause=0.5)) - 3.5) < 0.15
