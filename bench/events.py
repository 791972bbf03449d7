"""Benchmark: what recording the usage events costs a conversation turn (issue #18).

    .venv/bin/python bench/events.py [--existing 1000000] [--turns 20000] [--json]

Measures `dialogues.usage.record_turn` — the one call the engine makes after each turn: the
turn's event (channel, intent, district, the user's keyed pseudonym), plus a guide event on
the turns that start, advance or leave a guide — against a SQLite file in WAL mode (as the
service opens it) that already holds `--existing` events, so the indexes are of a real size.
As in the engine, the rows are not committed on their own: they ride on the session save that
ends every turn. So the figure is the difference a turn feels: the end of a turn (the session
save and its commit) with the events, minus the same without them, alternating turn by turn
(A/B) so the machine's load affects both alike. Users rotate over 5,000 ids; every 10th turn
also advances a guide (two rows in one INSERT). The not-understood queue (a few messages a
day) is not part of the per-turn cost and is measured separately. Target: ≤ 0.1 ms per turn.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import yardstick  # noqa: E402  (bench/, this script's folder)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dialogues import usage  # noqa: E402
from dialogues.state import GuideProgress, SessionState  # noqa: E402
from store import not_understood, sessions  # noqa: E402
from store.db import open_db  # noqa: E402
from store.events import TZ  # noqa: E402

TARGET_MS = 0.1
START = datetime(2026, 1, 1, tzinfo=TZ)


def fill(db, n: int) -> None:
    """`n` past events over a year, as the service would have left them."""
    kinds = ["turn"] * 9 + ["guide_step"]
    rows = (
        (
            (START + timedelta(seconds=i * 31_536_000 // max(n, 1))).isoformat(),
            kinds[i % 10],
            f"user:{i % 5000:024x}",
            ("telegram", "web", "wechat")[i % 3],
            ("朝阳区", "海淀区", None)[i % 3],
            "find_center",
            None,
        )
        for i in range(n)
    )
    with db.conn:
        db.conn.executemany(
            "INSERT INTO events (at, kind, user_key, channel, district, intent, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


class _Guides(dict):
    """The catalogue's guides as the usage module reads them (`cat.guides[id].steps`)."""


def turn(db, i: int, cat) -> tuple:
    """A finished turn (the Turn fields usage.record_turn reads) and its before-snapshot."""
    state = SessionState(lang="zh", turn=i)
    guide_turn = i % 10 == 0
    if guide_turn:
        state.guide = GuideProgress("enlarge_font", 3)
        state.start_loop("guide")
    t = SimpleNamespace(
        db=db,
        cat=cat,
        user_id=f"telegram:{i % 5000}",
        user={"home_district": "朝阳区" if i % 2 else None, "created_at": "2026-01-01T00:00:00"},
        state=state,
        intent="guide_next" if guide_turn else "find_center",
        unclear=False,
        text="附近有书法课吗",
        parse=SimpleNamespace(tapped=False, intent="find_center", confidence=0.9),
        lang="zh",
        now=START + timedelta(days=365, seconds=i),
    )
    before = ("enlarge_font", 2, True) if guide_turn else (None, 0, False)
    return t, before


def _round(db, work: list, state: dict) -> tuple[list[float], list[float]]:
    with_events, without = [], []
    for t, before in work:
        t0 = time.perf_counter()
        usage.record_turn(t, before, commit=False)
        sessions.save(db, t.user_id, state)
        t1 = time.perf_counter()
        sessions.save(db, t.user_id, state)
        t2 = time.perf_counter()
        with_events.append((t1 - t0) * 1000)
        without.append((t2 - t1) * 1000)
    return sorted(with_events), sorted(without)


def measure(existing: int, turns: int, rounds: int = 3) -> dict:
    """Fill once, then `rounds` rounds of `turns` turns; the median round's figures."""
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.db")
        started = time.perf_counter()
        fill(db, existing)
        fill_s = time.perf_counter() - started
        cat = SimpleNamespace(guides=_Guides(enlarge_font=SimpleNamespace(steps=[0] * 7)))
        state = {"lang": "zh", "turn": 1}
        _round(db, [turn(db, i, cat) for i in range(1000)], state)  # warm-up
        per_round = []
        for r in range(rounds):
            work = [turn(db, 1000 + r * turns + i, cat) for i in range(turns)]
            w, wo = _round(db, work, state)
            per_round.append(
                {
                    "with_p50": statistics.median(w),
                    "without_p50": statistics.median(wo),
                    "p50": statistics.median(w) - statistics.median(wo),
                    "mean": statistics.fmean(w) - statistics.fmean(wo),
                    "p99": w[int(len(w) * 0.99)] - wo[int(len(wo) * 0.99)],
                }
            )
        recorded = db.execute("SELECT count(*) FROM events").fetchone()[0]
        nu_times = []
        for i in range(500):
            t0 = time.perf_counter()
            not_understood.record(db, f"我的电话13812345678，问题{i}", "zh", "out_of_scope", 0.3)
            nu_times.append((time.perf_counter() - t0) * 1000)
        db.conn.close()

    def mid(key: str) -> float:
        return round(statistics.median(r[key] for r in per_round), 4)

    return {
        "existing_events": existing,
        "fill_s": round(fill_s, 1),
        "turns": turns,
        "rounds": rounds,
        "rows_after": recorded,
        "save_with_events_p50_ms": mid("with_p50"),
        "save_without_p50_ms": mid("without_p50"),
        "p50_ms": mid("p50"),
        "mean_ms": mid("mean"),
        "p99_ms": mid("p99"),
        "round_means_ms": [round(r["mean"], 4) for r in per_round],
        "not_understood_p50_ms": round(statistics.median(nu_times), 4),
        "target_ms": TARGET_MS,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--existing", type=int, default=1_000_000)
    ap.add_argument("--turns", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    stick = yardstick.measure()
    result = measure(args.existing, args.turns, args.rounds)
    result["yardstick"] = stick
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(yardstick.line(stick))
        print(
            f"end of a turn (session save + commit): {result['save_without_p50_ms']:.3f} ms p50 "
            f"without events, {result['save_with_events_p50_ms']:.3f} ms with them\n"
            f"usage events per turn, {result['existing_events']:,} events already stored: "
            f"+{result['p50_ms']:.3f} ms p50, +{result['mean_ms']:.3f} ms mean, "
            f"+{result['p99_ms']:.3f} ms p99, median of {result['rounds']} rounds of "
            f"{result['turns']:,} turns (round means {result['round_means_ms']}) "
            f"(target ≤ {TARGET_MS} ms) — "
            + ("OK" if result["mean_ms"] <= TARGET_MS else "OVER TARGET")
        )
        print(
            f"not-understood message (masked, stored; a few a day): "
            f"p50 {result['not_understood_p50_ms']:.3f} ms"
        )
    return 0 if result["mean_ms"] <= TARGET_MS else 1  # the median round's mean


if __name__ == "__main__":
    sys.exit(main())
