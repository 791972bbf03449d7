"""Crash tests' helpers: a worker script (tests/*/…_proc.py) as its own process over a real
database file, killed with SIGKILL mid-work once it has recorded enough, then started again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start_script(script: Path, db_path: Path, out: Path, now: str, *args: str) -> subprocess.Popen:
    """`python SCRIPT --db DB --out OUT --now NOW ARGS…` in the repository (text pipes)."""
    return subprocess.Popen(
        [sys.executable, str(script), "--db", str(db_path), "--out", str(out), "--now", now, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def recorded(path: Path) -> int:
    """Lines a RecordingSender has appended to `path` so far (read while it appends: the last
    line may stop mid-character)."""
    if not path.exists():
        return 0
    text = path.read_bytes().decode("utf-8", errors="replace")
    return sum(1 for line in text.splitlines() if line)


def kill_after(proc: subprocess.Popen, out: Path, lines: int, timeout: float, what: str) -> None:
    """SIGKILL `proc` (by its PID) as soon as it has recorded `lines` lines to `out`."""
    deadline = time.monotonic() + timeout
    while recorded(out) < lines:
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, f"{what} never got going"
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
