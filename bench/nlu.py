"""NLU benchmark: training time, model load time, parse latency and resident memory.

    .venv/bin/python bench/nlu.py

Training runs in this process. Loading is measured in a fresh subprocess (imports, unpickling
and jieba's dictionary included — what a restarted bot pays); the same subprocess then parses
the whole held-out set and reports its resident memory (psutil RSS). Latency is measured here
over every held-out sentence (zh and en), after one warm-up pass. Targets come from issue 3.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content.gazetteer import build  # noqa: E402
from nlu import Parser  # noqa: E402
from nlu.dataset import load_language  # noqa: E402
from nlu.evaluation import EVAL_NOW, TEST_DIR  # noqa: E402
from nlu.model import DATA_DIR, save, train_model  # noqa: E402

ROUNDS = 3
TARGETS = {"p50": 2.0, "p99": 10.0, "load": 1.5, "rss": 150.0}

CHILD = """
import json, sys, time
started = time.perf_counter()
from nlu import Parser
from nlu.model import load
parser = Parser(load(sys.argv[1]))
parser.warm_up()
loaded = time.perf_counter() - started
for line in open(sys.argv[2], encoding="utf-8"):
    parser.parse(line.rstrip("\\n"))
import psutil
print(json.dumps({"load_s": loaded, "rss_mb": psutil.Process().memory_info().rss / 2**20}))
"""


def held_out() -> list[str]:
    """Every held-out sentence, zh then en."""
    return [
        ex.text for lang in ("zh", "en") for ex in load_language(TEST_DIR / lang, lang).examples
    ]


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def main() -> int:
    """Run the benchmark and print a markdown table."""
    texts = held_out()
    gazetteer = build(ROOT / "content" / "data")
    started = time.perf_counter()
    model = train_model(DATA_DIR, gazetteer)
    train_s = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        path = save(model, Path(tmp))
        sentences = Path(tmp) / "sentences.txt"
        sentences.write_text("\n".join(texts) + "\n", encoding="utf-8")
        child = subprocess.run(
            [sys.executable, "-c", CHILD, str(path), str(sentences)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        fresh = json.loads(child.stdout.strip().splitlines()[-1])

    parser = Parser(model)
    parser.warm_up()
    for text in texts:
        parser.parse(text, EVAL_NOW)
    timings = []
    for _ in range(ROUNDS):
        for text in texts:
            t0 = time.perf_counter()
            parser.parse(text, EVAL_NOW)
            timings.append((time.perf_counter() - t0) * 1000)

    rows = [
        ("parse latency p50", f"{statistics.median(timings):.2f} ms", f"≤ {TARGETS['p50']} ms"),
        ("parse latency p99", f"{percentile(timings, 0.99):.2f} ms", f"≤ {TARGETS['p99']} ms"),
        (
            "model load (fresh process, incl. jieba)",
            f"{fresh['load_s']:.2f} s",
            f"≤ {TARGETS['load']} s",
        ),
        ("training (zh + en)", f"{train_s:.2f} s", "a few seconds"),
        (
            "resident memory after load + parse",
            f"{fresh['rss_mb']:.0f} MB",
            f"≤ {TARGETS['rss']:.0f} MB",
        ),
    ]
    examples = ", ".join(f"{k} {v}" for k, v in model.info["examples"].items())
    print(
        f"NLU benchmark: {len(texts)} held-out sentences × {ROUNDS} rounds; "
        f"training examples: {examples}\n"
    )
    print("| measure | value | target |")
    print("|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
