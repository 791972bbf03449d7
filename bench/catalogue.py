"""Catalogue benchmark: nearest-5 among 10,000 centers, and importing 10,000 centers.

Run: .venv/bin/python bench/catalogue.py   (prints a markdown table)
Targets (issue #2): nearest-5 p99 <= 1 ms; import of 10,000 centers <= 5 s.
The baseline is a plain-Python scan (haversine for every center, then sort), measured in the
same run, so the ratio says what the numpy index buys.
"""

from __future__ import annotations

import csv
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content.catalogue import haversine_m  # noqa: E402
from content.districts import DISTRICTS  # noqa: E402
from content.load import import_dir, load_catalogue  # noqa: E402
from content.validate import CENTER_COLUMNS  # noqa: E402
from store.db import open_db  # noqa: E402

N_CENTERS = 10_000
N_QUERIES = 2_000
HOURS = ["Mo-Fr 08:30-11:30,13:30-17:00", "Mo-Sa 09:00-17:00; PH off", "Tu-Su 09:00-16:30"]


def generate(folder: Path, n: int, rng: random.Random) -> None:
    shutil.copytree(ROOT / "content" / "data", folder)
    with (folder / "centers.csv").open(encoding="utf-8") as f:
        keep = list(csv.DictReader(f))  # lectures/lessons refer to these ids
    rows = list(keep)
    for i in range(n - len(keep)):
        d = rng.choice(DISTRICTS)
        a, b, c, e = d.bbox
        rows.append(
            {
                "id": f"gen-{i}",
                "name": f"{d.short}第{i}乐龄学习点",
                "name_en": f"Point {i}",
                "kind": "leling_center",
                "district": d.name,
                "street": "",
                "address": f"{d.name}{i}号",
                "lat": f"{rng.uniform(a, c):.6f}",
                "lon": f"{rng.uniform(b, e):.6f}",
                "phone": f"010-6{i:07d}",
                "hours": rng.choice(HOURS),
                "services": "智能手机;书法",
                "accessible": "yes",
                "url": "",
            }
        )
    with (folder / "centers.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CENTER_COLUMNS)
        w.writeheader()
        w.writerows(rows)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "catalogue"
        generate(folder, N_CENTERS, rng)
        db = open_db(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        result = import_dir(db, folder)
        import_s = time.perf_counter() - t0
        assert result.ok, [str(p) for p in result.problems[:5]]
        t0 = time.perf_counter()
        cat = load_catalogue(db)
        load_s = time.perf_counter() - t0

    points = [(rng.uniform(39.6, 40.6), rng.uniform(115.9, 117.1)) for _ in range(N_QUERIES)]
    for lat, lon in points[:100]:  # warm-up
        cat.nearest_centers(lat, lon, 5)
    ours = []
    for lat, lon in points:
        t0 = time.perf_counter()
        cat.nearest_centers(lat, lon, 5)
        ours.append((time.perf_counter() - t0) * 1000)
    centers = list(cat.centers.values())
    base = []
    for lat, lon in points[:200]:
        t0 = time.perf_counter()
        sorted(centers, key=lambda c: haversine_m(lat, lon, c.lat, c.lon))[:5]
        base.append((time.perf_counter() - t0) * 1000)
    filtered = []
    for lat, lon in points[:500]:
        t0 = time.perf_counter()
        cat.nearest_centers(lat, lon, 5, service="书法", kind="leling_center")
        filtered.append((time.perf_counter() - t0) * 1000)

    print(f"| catalogue ({N_CENTERS:,} centers) | p50 | p99 | target |")
    print("|---|---|---|---|")
    print(f"| nearest-5 (ms) | {statistics.median(ours):.3f} | {pct(ours, 99):.3f} | p99 <= 1 |")
    print(
        f"| nearest-5 with kind+service filter (ms) | {statistics.median(filtered):.3f} | "
        f"{pct(filtered, 99):.3f} | |"
    )
    print(
        f"| baseline: Python scan + sort (ms) | {statistics.median(base):.3f} | "
        f"{pct(base, 99):.3f} | |"
    )
    print(
        f"| speed-up vs baseline (median) | {statistics.median(base) / statistics.median(ours):.0f}x"
        " | | |"
    )
    print(f"| import {N_CENTERS:,} centers + sample files (s) | {import_s:.2f} | | <= 5 |")
    print(f"| load catalogue from SQLite into memory (s) | {load_s:.2f} | | |")


if __name__ == "__main__":
    main()
