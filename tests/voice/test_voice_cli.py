"""`leling voice say|hear|doctor` and the model check behind `make voice-model`."""

from __future__ import annotations

import json

import pytest
from voicekit import need_espeak

from bot.cli import main
from bot.voice import audio, model


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    monkeypatch.setenv("LELING_TTS", "offline")
    monkeypatch.setenv("LELING_TTS_CACHE", str(tmp_path / "tts"))
    monkeypatch.setenv("LELING_DB", str(tmp_path / "leling.db"))


def test_say_writes_ogg_opus(tmp_path, capsys):
    need_espeak()
    out = tmp_path / "step.ogg"
    assert main(["voice", "say", "第1步：打开微信", "-o", str(out)]) == 0
    assert out.read_bytes()[:4] == b"OggS" and audio.duration(out.read_bytes()) > 1
    assert "espeak-ng" in capsys.readouterr().out


def test_hear_prints_what_was_said(tmp_path, capsys, monkeypatch):
    need_espeak()
    monkeypatch.setenv("LELING_ASR", "pocketsphinx")
    clip = tmp_path / "q.ogg"
    assert (
        main(
            [
                "voice",
                "say",
                "where is the nearest senior university",
                "--lang",
                "en",
                "-o",
                str(clip),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["voice", "hear", str(clip), "--lang", "en", "--json"]) == 0
    heard = json.loads(capsys.readouterr().out)
    assert heard["text"] == "where is the nearest senior university"
    assert heard["backend"] == "pocketsphinx-grammar" and not heard["sure"]


def test_hear_explains_a_broken_file_kindly(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LELING_ASR", "pocketsphinx")
    bad = tmp_path / "bad.ogg"
    bad.write_bytes(b"OggS" + bytes(100))
    assert main(["voice", "hear", str(bad)]) == 1
    assert "打不开" in capsys.readouterr().err


def test_doctor_names_each_part_and_the_fix(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("LELING_ASR_MODEL", str(tmp_path / "no-model"))
    assert main(["voice", "doctor"]) == 0
    out = capsys.readouterr().out
    assert "speech to text, Mandarin" in out and "make voice-model" in out
    assert "text to speech, offline" in out


def test_a_damaged_model_is_reported_and_never_used(tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    for name in model.SHA256:
        (folder / name).write_bytes(b"x")
    assert not model.looks_installed(folder)
    assert set(model.verify(folder)) == set(model.SHA256)
    assert model.main(["--check", "--dest", str(folder)]) == 1
