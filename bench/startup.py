"""Start-up benchmark: how long a fresh `leling` process takes to be useful.

    .venv/bin/python bench/startup.py              # every scenario, 7 timed runs each
    .venv/bin/python bench/startup.py --runs 11 chat

Each scenario starts a new process (`python -m bot.cli …`) and times it from the outside with a
wall clock: for `chat`, until the first reply has been written to stdout (what a person waits
for), then until the process has exited; for the others, until the process has exited. Every
scenario runs once untimed first, so the catalogue is imported and the NLU model trained
("once trained"): the figures are for a machine after `make install`. The database and the
model folder are temporary; nothing of the user's is read or written.

The yardstick, `python -c pass`, is timed the same way in the same run: on a loaded machine
every figure grows, and the ratio to the yardstick says whether Leling or the machine got
slower. The CPU column (user + system seconds of the whole process, from wait4) barely
depends on the load: on a quiet machine the wall time of a one-thread start-up approaches it.

To add a scenario, add one `Scenario` to SCENARIOS (name, arguments, optional stdin, target).
"""

from __future__ import annotations

import argparse
import os
import select
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yardstick  # bench/, this script's folder

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-12-04T15:00"


@dataclass(frozen=True)
class Scenario:
    """One way of starting Leling; `first_reply` times until the first line on stdout."""

    name: str
    argv: tuple[str, ...]
    stdin: str | None = None
    first_reply: bool = False
    target_s: float | None = None
    leling: bool = True  # False: run `python <argv>` (the yardstick)


SCENARIOS = (
    Scenario("yardstick: python -c pass", ("-c", "pass"), leling=False),
    Scenario(
        "chat: first reply",
        ("chat", "--now", NOW),
        stdin="你好\n",
        first_reply=True,
        target_s=1.0,  # issue #16 (issue #10 asked for 1.5)
    ),
    Scenario("chat: one turn, to exit", ("chat", "--now", NOW), stdin="你好\n"),
    Scenario("leling --help", ("--help",), target_s=0.3),
    Scenario(
        "nlu parse (cold, model cached)",
        ("nlu", "parse", "明天下午朝阳区有讲座吗", "--now", NOW),
        target_s=1.0,
    ),
)


def _command(s: Scenario) -> list[str]:
    return [sys.executable, *s.argv] if not s.leling else [sys.executable, "-m", "bot.cli", *s.argv]


def _reap(proc: subprocess.Popen) -> tuple[int, float]:
    """Wait for the process: (exit code, CPU seconds it used, user + system)."""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_utime + usage.ru_stime


def run_once(s: Scenario, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds from spawning the process to its first reply line (first_reply) or to its
    exit, CPU seconds the whole process used)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        _command(s),
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    if s.stdin is not None:
        proc.stdin.write(s.stdin.encode())
        proc.stdin.flush()
    if s.first_reply:
        # Read until the first non-blank line; stdin stays open so the chat keeps waiting.
        buffered = b""
        while not buffered.strip():
            ready, _, _ = select.select([proc.stdout], [], [], 600)  # the untimed run may train
            chunk = os.read(proc.stdout.fileno(), 65536) if ready else b""
            if not chunk:
                proc.kill()
                raise RuntimeError(f"{s.name}: no reply (exit {proc.wait()})")
            buffered += chunk
        elapsed = time.perf_counter() - started
        proc.stdin.close()
        proc.stdout.read()
        return elapsed, _reap(proc)[1]
    proc.stdin.close()
    proc.stdout.read()
    code, cpu = _reap(proc)
    elapsed = time.perf_counter() - started
    if code != 0:
        raise RuntimeError(f"{s.name}: exit code {code}")
    return elapsed, cpu


def measure(s: Scenario, env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    """One untimed run (catalogue import, model training), then `runs` timed ones:
    (wall times, CPU times)."""
    run_once(s, env)
    timed = [run_once(s, env) for _ in range(runs)]
    return [w for w, _ in timed], [c for _, c in timed]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7, help="timed runs per scenario (default 7)")
    ap.add_argument("only", nargs="*", help="scenario names starting with these words")
    args = ap.parse_args()
    chosen = [s for s in SCENARIOS if not args.only or any(s.name.startswith(w) for w in args.only)]
    if chosen and chosen[0] is not SCENARIOS[0]:
        chosen.insert(0, SCENARIOS[0])  # the yardstick is always measured
    with tempfile.TemporaryDirectory(prefix="leling-startup-") as tmp:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "LELING_DB": str(Path(tmp) / "leling.db"),
            "LELING_NLU_MODEL_DIR": str(Path(tmp) / "nlu"),
        }
        for name in ("LELING_CONTENT", "LELING_NLU_URL", "TELEGRAM_BOT_TOKEN"):
            env.pop(name, None)
        results = [(s, measure(s, env, args.runs)) for s in chosen]
    yard = statistics.median(results[0][1][0])
    print(yardstick.line())  # the fixed CPU loop every benchmark prints (bench/yardstick.py)
    load = os.getloadavg()
    print(f"start-up, {args.runs} timed runs each; load average {load[0]:.2f} {load[1]:.2f}")
    print(
        f"| {'scenario':<28} | median s | min s | max s | spread s | × yardstick "
        "| CPU s | target s |"
    )
    print(f"|{'-' * 30}|---------:|------:|------:|---------:|------------:|------:|---------|")
    for s, (times, cpu) in results:
        med = statistics.median(times)
        target = "" if s.target_s is None else f"{s.target_s:.1f}"
        met = "" if s.target_s is None else (" ok" if med <= s.target_s else " missed")
        print(
            f"| {s.name:<28} | {med:8.3f} | {min(times):5.3f} | {max(times):5.3f} "
            f"| {max(times) - min(times):8.3f} | {med / yard:11.1f} "
            f"| {statistics.median(cpu):5.3f} | {target}{met} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
