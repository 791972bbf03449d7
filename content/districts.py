"""Beijing's 16 districts: names, aliases and coarse geography.

The bounding boxes are deliberately generous rectangles around each district. They catch a
centre filed under the wrong district or a latitude/longitude swap; they are not borders.
The table itself is `districts.csv` beside this file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

# Beijing municipality, WGS-84, with a small margin.
BEIJING_BBOX = (39.40, 115.40, 41.10, 117.55)  # (min_lat, min_lon, max_lat, max_lon)


@dataclass(frozen=True)
class District:
    name: str  # canonical, with 区: 朝阳区
    short: str  # without 区: 朝阳
    en: str  # Chaoyang
    slug: str  # chaoyang (toneless pinyin; used in ids)
    lat: float  # district government seat, roughly
    lon: float
    bbox: tuple[float, float, float, float]  # (min_lat, min_lon, max_lat, max_lon)

    def contains(self, lat: float, lon: float) -> bool:
        """True when (lat, lon) falls inside this district's coarse rectangle."""
        a, b, c, d = self.bbox
        return a <= lat <= c and b <= lon <= d


def _load(path: Path) -> tuple[District, ...]:
    """Read the district table; kept as data so a reader sees 16 rows, not 16 constructor calls."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return tuple(
            District(
                r["name"],
                r["short"],
                r["en"],
                r["slug"],
                float(r["lat"]),
                float(r["lon"]),
                tuple(float(r[k]) for k in ("min_lat", "min_lon", "max_lat", "max_lon")),
            )
            for r in rows
        )


DISTRICTS: tuple[District, ...] = _load(Path(__file__).with_name("districts.csv"))

BY_NAME: dict[str, District] = {d.name: d for d in DISTRICTS}


def district(name: str) -> District | None:
    """Look a district up by canonical name, short name, English name or slug (case-insensitive)."""
    key = name.strip().lower().removesuffix(" district")
    for d in DISTRICTS:
        if key in (d.name, d.short, d.en.lower(), d.slug):
            return d
    return None


def in_beijing(lat: float, lon: float) -> bool:
    """True when the point lies inside Beijing's bounding box."""
    a, b, c, d = BEIJING_BBOX
    return a <= lat <= c and b <= lon <= d
