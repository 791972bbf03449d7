"""Start-up of the `leling` command, timed from outside the process (issue #16).

Run: .venv/bin/python bench/startup.py [--runs 7]
Targets: `leling --help` <= 0.3 s, `leling nlu parse TEXT` cold <= 1.0 s (the trained model is
cached: one untimed run first makes sure of that), first reply of `leling chat` <= 1.0 s.

Each command is a fresh `python -m bot.cli …` process (what the `leling` script runs), timed
from spawn to exit, or for `chat` to its first reply line; runs alternate between commands so a
busy spell hits all of them alike. `python -c pass` is the floor every command pays.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

import yardstick  # noqa: E402

CLI = [sys.executable, "-m", "bot.cli"]
COMMANDS = {
    "python -c pass (interpreter floor)": ([sys.executable, "-c", "pass"], None, None),
    "leling --help": ([*CLI, "--help"], None, 0.3),
    "leling nlu parse TEXT (cold, model cached)": (
        [*CLI, "nlu", "parse", "明天下午朝阳区有讲座吗"],
        None,
        1.0,
    ),
    "leling chat: first reply to 你好": ([*CLI, "chat"], "你好\n", 1.0),
}


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_once(argv: list[str], stdin: str | None) -> float:
    """Seconds from spawn to exit, or to the first line on stdout when input is given."""
    started = time.perf_counter()
    if stdin is None:
        subprocess.run(argv, env=_env(), cwd=ROOT, capture_output=True, check=True)
        return time.perf_counter() - started
    proc = subprocess.Popen(
        argv,
        env=_env(),
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    proc.stdin.write(stdin.encode("utf-8"))
    proc.stdin.flush()
    first = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    proc.stdin.close()
    proc.stdout.read()
    proc.wait()
    if not first:
        raise RuntimeError(f"{argv} printed nothing")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args(argv)
    print(yardstick.line())
    for cmd, stdin, _ in COMMANDS.values():
        run_once(cmd, stdin)  # warm the file cache; trains the NLU model if it is missing
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.runs):
        for name, (cmd, stdin, _) in COMMANDS.items():
            times[name].append(run_once(cmd, stdin))
    print(f"\n| command ({args.runs} runs each, interleaved) | median (s) | min–max (s) | target |")
    print("|---|---|---|---|")
    for name, (_, _, target) in COMMANDS.items():
        t = times[name]
        goal = f"<= {target} s" if target else ""
        if target:
            goal += " — met" if statistics.median(t) <= target else " — NOT met"
        print(f"| {name} | {statistics.median(t):.2f} | {min(t):.2f}–{max(t):.2f} | {goal} |")
    print(yardstick.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
