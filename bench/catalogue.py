"""Catalogue benchmark: nearest centers with the k-d tree, import and load, at national scale.

Run: .venv/bin/python bench/catalogue.py [--centers 100000] [--memory-centers 1000000]
Targets (issue #16): nearest-5 p99 <= 1 ms at 100,000 centers and <= 2 ms at 1,000,000,
filters and open-now included; import of 100,000 centers <= 3 s; start-up load <= 1 s.

`--centers` are generated as a catalogue folder, imported and loaded the way start-up does;
`--memory-centers` are built in memory (importing a million takes minutes) and queried only.
Baselines, measured in the same run on the same catalogue: a numpy scan over every center
(the implementation before the tree) and, for a few queries, a plain-Python scan + sort.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import yardstick  # noqa: E402

from content.catalogue import Catalogue, haversine_m  # noqa: E402
from content.districts import DISTRICTS  # noqa: E402
from content.hours import is_open  # noqa: E402
from content.load import ensure_catalogue, import_dir, load_catalogue  # noqa: E402
from content.schedule import TZ  # noqa: E402
from content.schema import Center  # noqa: E402
from content.spatial import EARTH_RADIUS_M, CenterTable  # noqa: E402
from content.validate import CENTER_COLUMNS, CatalogueData, read_catalogue_dir  # noqa: E402
from store.db import open_db  # noqa: E402

N_QUERIES = 2_000
HOURS = ["Mo-Fr 08:30-11:30,13:30-17:00", "Mo-Sa 09:00-17:00; PH off", "Tu-Su 09:00-16:30"]
KINDS = ["leling_center", "elder_university", "community_school"]
SERVICES = ["智能手机;书法", "智能手机", "书法;舞蹈", "养生保健"]
OPEN_AT = datetime(2026, 12, 3, 10, 0, tzinfo=TZ)  # a Thursday morning
QUERIES = {
    "nearest-5": {},
    "nearest-5, kind + service": {"kind": "leling_center", "service": "书法"},
    "nearest-5, district": {"district": "朝阳区"},
    "nearest-5, open now": {"open_at": OPEN_AT},
    "nearest-5, open now + kind + service": {
        "open_at": OPEN_AT,
        "kind": "leling_center",
        "service": "书法",
    },
}


def _row(i: int, rng: random.Random) -> dict:
    d = rng.choice(DISTRICTS)
    a, b, c, e = d.bbox
    return {
        "id": f"gen-{i}",
        "name": f"{d.short}第{i}乐龄学习点",
        "name_en": f"Point {i}",
        "kind": rng.choice(KINDS),
        "district": d.name,
        "street": "",
        "address": f"{d.name}{i}号",
        "lat": round(rng.uniform(a, c), 6),
        "lon": round(rng.uniform(b, e), 6),
        "phone": f"010-6{i % 10_000_000:07d}",
        "hours": rng.choice(HOURS),
        "services": rng.choice(SERVICES),
        "accessible": "yes",
        "url": "",
    }


def generate(folder: Path, n: int, rng: random.Random) -> None:
    """The sample catalogue with its centers.csv grown to `n` centers."""
    shutil.copytree(ROOT / "content" / "data", folder)
    with (folder / "centers.csv").open(encoding="utf-8") as f:
        keep = list(csv.DictReader(f))  # lectures/lessons refer to these ids
    rows = keep + [_row(i, rng) for i in range(n - len(keep))]
    with (folder / "centers.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CENTER_COLUMNS)
        w.writeheader()
        w.writerows(rows)


def in_memory(n: int, rng: random.Random) -> Catalogue:
    """A catalogue of `n` generated centers built directly as columns (no import; a Center
    object is made only for the centers a query returns)."""
    rows = [_row(i, rng) for i in range(n)]

    def make(i: int) -> Center:
        r = dict(rows[i], services=rows[i]["services"].split(";"), accessible=True)
        return Center.model_construct(**r)

    table = CenterTable(
        [r["id"] for r in rows],
        [r["lat"] for r in rows],
        [r["lon"] for r in rows],
        [r["kind"] for r in rows],
        [r["district"] for r in rows],
        [r["street"] for r in rows],
        [r["hours"] for r in rows],
        [r["services"].split(";") for r in rows],
        make,
    )
    return Catalogue(CatalogueData(centers=table))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def timed_ms(fn, points) -> list[float]:
    """Wall time per call, in ms."""
    return _per_call_ms(fn, points, time.perf_counter)


def cpu_ms(fn, points) -> list[float]:
    """CPU time per call (this thread): what the query costs, without the waits of a busy
    machine (another process holding the core shows in wall time, not here)."""
    return _per_call_ms(fn, points, time.thread_time)


def _per_call_ms(fn, points, clock) -> list[float]:
    out = []
    for lat, lon in points:
        t0 = clock()
        fn(lat, lon)
        out.append((clock() - t0) * 1000)
    return out


def numpy_scan(cat: Catalogue, lat: float, lon: float, limit: int, open_at=None):
    """The implementation before the tree: numpy haversine to every center, then the nearest
    `limit` by partial sort; with `open_at`, a full sort and opening hours checked in order."""
    t = cat._table
    if not hasattr(t, "bench_cos_lat"):
        t.bench_cos_lat = np.cos(t.lat)  # precomputed, as the old implementation did
    p, lam = math.radians(lat), math.radians(lon)
    a = (
        np.sin((t.lat - p) * 0.5) ** 2
        + math.cos(p) * t.bench_cos_lat * np.sin((t.lon - lam) * 0.5) ** 2
    )
    dist = (2 * EARTH_RADIUS_M) * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    if open_at is None:
        part = np.argpartition(dist, limit - 1)[:limit]
        return part[np.argsort(dist[part], kind="stable")]
    out = []
    for j in np.argsort(dist, kind="stable"):
        if is_open(t.hours.names[t.hours.codes[j]], open_at):
            out.append(j)
            if len(out) == limit:
                break
    return out


def query_rows(cat: Catalogue, n: int, rng: random.Random, target: float) -> list[str]:
    points = [(rng.uniform(39.6, 40.6), rng.uniform(115.9, 117.1)) for _ in range(N_QUERIES)]
    t0 = time.perf_counter()
    cat.nearest_centers(39.9, 116.4, 5)  # builds the tree
    build_s = time.perf_counter() - t0
    rows = [f"| k-d tree build on first query (s) | {build_s:.2f} | | | |"]
    for name, filters in QUERIES.items():
        fn = lambda la, lo, f=filters: cat.nearest_centers(la, lo, 5, **f)  # noqa: E731
        timed_ms(fn, points[:100])  # warm-up
        ms = timed_ms(fn, points)
        cpu = cpu_ms(fn, points)
        rows.append(
            f"| {name} (ms) | {statistics.median(ms):.3f} | {pct(ms, 99):.3f} | "
            f"{pct(cpu, 99):.3f} | p99 <= {target} |"
        )
    for name, filters in (("nearest-5", {}), ("nearest-5, open now", {"open_at": OPEN_AT})):
        fn = lambda la, lo, f=filters: numpy_scan(cat, la, lo, 5, **f)  # noqa: E731
        base = timed_ms(fn, points[:100])
        ours = timed_ms(lambda la, lo, f=filters: cat.nearest_centers(la, lo, 5, **f), points[:100])
        rows.append(
            f"| baseline: numpy scan over all centers (before the tree), {name} (ms) | "
            f"{statistics.median(base):.3f} | {pct(base, 99):.3f} | | |"
        )
        rows.append(
            f"| speed-up vs numpy scan, {name} (median, same points) | "
            f"{statistics.median(base) / statistics.median(ours):.0f}x | | | |"
        )
    if n <= 200_000:
        centers = list(cat.centers.values())
        py = timed_ms(
            lambda la, lo: sorted(centers, key=lambda c: haversine_m(la, lo, c.lat, c.lon))[:5],
            points[:5],
        )
        rows.append(
            f"| baseline: plain-Python scan + sort (ms) | {statistics.median(py):.1f} | | | |"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--centers", type=int, default=100_000)
    ap.add_argument("--memory-centers", type=int, default=1_000_000, help="0 to skip")
    args = ap.parse_args(argv)
    print(yardstick.line())
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "catalogue"
        generate(folder, args.centers, rng)
        db = open_db(Path(tmp) / "bench.db")
        t0, c0 = time.perf_counter(), time.process_time()
        result = import_dir(db, folder)
        import_s, import_cpu = time.perf_counter() - t0, time.process_time() - c0
        assert result.ok, [str(p) for p in result.problems[:5]]
        loads, load_cpu = [], []
        for _ in range(3):  # what start-up does: the folder is unchanged, load from SQLite
            t0, c0 = time.perf_counter(), time.process_time()
            cat = ensure_catalogue(db, folder, explicit=False)
            loads.append(time.perf_counter() - t0)
            load_cpu.append(time.process_time() - c0)
        # Before: start-up read and validated the whole folder for its digest, then loaded.
        t0, c0 = time.perf_counter(), time.process_time()
        read_catalogue_dir(folder)
        load_catalogue(db)
        before_s, before_cpu = time.perf_counter() - t0, time.process_time() - c0
        db.conn.close()
    print(f"\n| catalogue of {args.centers:,} centers (imported) | p50 | p99 | CPU p99 | target |")
    print("|---|---|---|---|---|")
    print(
        f"| import {args.centers:,} centers + sample files (s; CPU {import_cpu:.2f} s) "
        f"| {import_s:.2f} | | | <= 3 |"
    )
    print(
        f"| start-up: folder unchanged (hash of its files), load from SQLite (s, median of 3; "
        f"CPU {statistics.median(load_cpu):.2f} s) | {statistics.median(loads):.2f} | | | <= 1 |"
    )
    print(
        f"| baseline: start-up re-validating the folder for its digest, then loading (s; CPU "
        f"{before_cpu:.2f} s) | {before_s:.2f} | | | |"
    )
    for row in query_rows(cat, args.centers, rng, 1):
        print(row)
    if args.memory_centers:
        t0 = time.perf_counter()
        big = in_memory(args.memory_centers, rng)
        build_s = time.perf_counter() - t0
        print(
            f"\n| catalogue of {args.memory_centers:,} centers (in memory) | p50 | p99 | CPU p99 "
            "| target |"
        )
        print("|---|---|---|---|---|")
        print(f"| generate the centers as columns (s, not a target) | {build_s:.1f} | | | |")
        for row in query_rows(big, args.memory_centers, rng, 2):
            print(row)
    print(yardstick.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
