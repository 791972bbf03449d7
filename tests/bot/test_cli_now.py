"""Every `leling` command that takes `--now` answers a time it cannot read with one plain line
and exit code 2, never a traceback, and changes nothing."""

from __future__ import annotations

import pytest

from bot.cli import main

COMMANDS = [
    ["maintenance", "prune", "--now", "bad"],
    ["maintenance", "prune", "--dry-run", "--now", "2026-13-01"],
    ["reminders", "run", "--now", "yesterday"],
    ["content", "lectures", "--now", "下周三"],
    ["content", "import", "content/data", "--dry-run", "--now", "x" * 500],
    ["chat", "--now", "notatime"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=[" ".join(a[:2]) for a in COMMANDS])
def test_an_unreadable_now_is_one_plain_line(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LELING_DB", str(tmp_path / "leling.db"))
    monkeypatch.setattr("sys.stdin", open("/dev/null", encoding="utf-8"))  # noqa: SIM115
    assert main(argv) == 2
    out = capsys.readouterr()
    lines = out.err.strip().splitlines()
    assert lines[-1].startswith("leling: --now wants an ISO time like 2026-12-04T15:00")
    assert "Traceback" not in out.err and len(lines[-1]) < 140  # the bad value is cut short
