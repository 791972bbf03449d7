"""Benchmark: conversation turns per second and latency, in-process, real NLU included.

    .venv/bin/python bench/dialogue.py [--rounds 5] [--json]

The mixed script is every conversation of tests/dialogues/transcripts (Mandarin and English:
centers by location and landmark, lectures, lessons, whole guides, subscriptions, hand-offs,
odd input), each played by its own user against a fresh SQLite file, with the real NLU, the
real scheduler planning (when installed) and the terminal channel's translation skipped — the
turn is `Assistant.turn(Incoming)`, exactly what every channel calls. One warm-up round is not
counted. Numeric libraries are pinned to one thread, so the figures are for one core. The NLU
model comes from the shared model folder (trained only when stale, not on every run).
Targets (issue 4): ≥ 300 turns/s, p99 ≤ 20 ms. Voice is excluded.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402
import yardstick  # noqa: E402  (bench/, this script's folder)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content.catalogue import Catalogue  # noqa: E402
from content.gazetteer import build  # noqa: E402
from content.validate import read_catalogue_dir  # noqa: E402
from dialogues import Assistant, Incoming  # noqa: E402
from store.db import open_db  # noqa: E402

SAMPLE = ROOT / "content" / "data"
TRANSCRIPTS = ROOT / "tests" / "dialogues" / "transcripts"
NOW = datetime.fromisoformat("2026-12-04T15:00:00+08:00")
TARGET_RATE, TARGET_P99_MS = 300.0, 20.0


def script() -> list[list[Incoming | str]]:
    """The conversations as lists of messages ("" marks a blank line, "restart" a restart)."""
    convs = []
    for path in sorted(TRANSCRIPTS.glob("*.yml")):
        for conv in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            turns: list[Incoming | str] = []
            for t in conv["turns"]:
                if t.get("restart"):
                    turns.append("restart")
                elif "location" in t:
                    turns.append(Incoming("", location=tuple(t["location"])))
                elif "user_repeat" in t:
                    text, times = t["user_repeat"]
                    turns.append(Incoming("", str(text) * int(times)))
                elif str(t.get("user", "")).strip():
                    turns.append(Incoming("", str(t["user"]), lang=conv.get("lang")))
            convs.append(turns)
    return convs


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def run(rounds: int) -> dict:
    """Play the script `rounds` times (after one warm-up round); return the figures."""
    import nlu

    cat = Catalogue(read_catalogue_dir(SAMPLE)[0])
    t0 = time.perf_counter()
    # The shared model folder ($LELING_NLU_MODEL_DIR or the user cache): the model is trained
    # only when the data, gazetteer or NLU code changed, not on every run.
    parser = nlu.load_parser(build(SAMPLE))
    load_s = time.perf_counter() - t0
    convs = script()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.db")
        latencies: list[float] = []
        nlu_only: list[float] = []
        wall = 0.0
        for r in range(rounds + 1):
            assistant = Assistant(db, cat, parser, clock=lambda: NOW)
            start = time.perf_counter()
            times: list[float] = []
            for c, turns in enumerate(convs):
                user = f"bench:{r}-{c}"
                for msg in turns:
                    if msg == "restart":
                        assistant = Assistant(db, cat, parser, clock=lambda: NOW)
                        continue
                    incoming = Incoming(user, msg.text, location=msg.location, lang=msg.lang)
                    t = time.perf_counter()
                    assistant.turn(incoming)
                    times.append(time.perf_counter() - t)
            elapsed = time.perf_counter() - start
            if r:  # round 0 warms caches up
                latencies += times
                wall += elapsed
        for turns in convs:
            for msg in turns:
                if msg != "restart" and msg.text and not msg.text.startswith("/"):
                    t = time.perf_counter()
                    parser.parse(msg.text[:300], now=NOW)
                    nlu_only.append(time.perf_counter() - t)
        db.conn.close()
    ms = [x * 1000 for x in latencies]
    return {
        "conversations": len(convs),
        "turns": len(latencies),
        "rounds": rounds,
        "turns_per_s": len(latencies) / wall,
        "p50_ms": statistics.median(ms),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "max_ms": max(ms),
        "nlu_p50_ms": statistics.median(x * 1000 for x in nlu_only),
        "nlu_p99_ms": percentile([x * 1000 for x in nlu_only], 99),
        "model_load_s": load_s,
    }


def table(f: dict) -> str:
    """The figures as a small markdown table."""
    ok_rate = "✅" if f["turns_per_s"] >= TARGET_RATE else "❌"
    ok_p99 = "✅" if f["p99_ms"] <= TARGET_P99_MS else "❌"
    rows = [
        (
            "turns measured",
            f"{f['turns']} ({f['conversations']} conversations × {f['rounds']})",
            "",
        ),
        ("throughput", f"{f['turns_per_s']:.0f} turns/s", f"≥ {TARGET_RATE:.0f} {ok_rate}"),
        ("latency p50", f"{f['p50_ms']:.2f} ms", ""),
        ("latency p95", f"{f['p95_ms']:.2f} ms", ""),
        ("latency p99", f"{f['p99_ms']:.2f} ms", f"≤ {TARGET_P99_MS:.0f} ms {ok_p99}"),
        ("latency max", f"{f['max_ms']:.2f} ms", ""),
        ("of which NLU parse p50 / p99", f"{f['nlu_p50_ms']:.2f} / {f['nlu_p99_ms']:.2f} ms", ""),
        ("NLU model load (not counted)", f"{f['model_load_s']:.1f} s", ""),
    ]
    lines = ["| dialogue turn (in-process, real NLU, SQLite) | value | target |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; exit 1 when a target is missed."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5, help="measured rounds of the script")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    before = yardstick.measure()
    figures = run(args.rounds)
    figures["yardstick_ms"] = before["median_ms"]
    figures["load_average"] = before["load"]
    print(json.dumps(figures, indent=2) if args.json else table(figures))
    if not args.json:
        print(yardstick.line(before))
    ok = figures["turns_per_s"] >= TARGET_RATE and figures["p99_ms"] <= TARGET_P99_MS
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
