"""The k-d tree answers exactly what a full scan answers: same centers, same order (issue #16)."""

from __future__ import annotations

import random
from datetime import datetime

import pytest

from content import spatial
from content.catalogue import Catalogue, haversine_m
from content.schedule import TZ
from content.schema import Center
from content.validate import CatalogueData
from store.db import open_db

DISTRICTS = ["朝阳区", "海淀区", "东城区", "西城区"]
STREETS = ["建国门街道", "和平里街道", "", "学院路街道"]
HOURS = ["Mo-Fr 08:30-11:30,13:30-17:00", "Mo-Sa 09:00-17:00; PH off", "Tu-Su 09:00-16:30", ""]
SERVICES = [["智能手机"], ["书法"], ["智能手机", "书法"], []]


def _centers(n: int, seed: int, distinct_hours: bool = False) -> list[Center]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        # Every tenth center shares the previous one's coordinates: ties keep catalogue order.
        if i % 10 == 9:
            lat, lon = out[-1].lat, out[-1].lon
        else:
            lat, lon = rng.uniform(39.8, 40.1), rng.uniform(116.2, 116.6)
        hours = rng.choice(HOURS)
        if distinct_hours and hours:
            hours = f"Mo-Fr 08:{rng.randrange(60):02d}-17:00"
        out.append(
            Center(
                id=f"c{i}",
                name=f"中心{i}",
                kind=rng.choice(["leling_center", "elder_university", "community_school"]),
                district=rng.choice(DISTRICTS),
                street=rng.choice(STREETS),
                address="x",
                lat=lat,
                lon=lon,
                hours=hours,
                services=rng.choice(SERVICES),
            )
        )
    return out


FILTERS = [
    {},
    {"kind": "leling_center"},
    {"kind": ["leling_center", "elder_university"]},
    {"service": "书法"},
    {"district": "海淀区", "service": "智能手机"},
    {"street": "建国门"},
    {"street": "和平里街道", "kind": "community_school"},
    {"open_at": datetime(2026, 12, 3, 10, 0, tzinfo=TZ)},
    {"open_at": datetime(2026, 12, 5, 9, 30, tzinfo=TZ), "service": "书法"},
    {"open_at": datetime(2026, 12, 3, 23, 0, tzinfo=TZ)},  # nothing is open
    {"service": "no-such-service"},
]


def _check(cat: Catalogue, rng: random.Random, queries: int = 15) -> None:
    for filters in FILTERS:
        for _ in range(queries):
            lat, lon = rng.uniform(39.75, 40.15), rng.uniform(116.15, 116.65)
            limit = rng.choice([1, 5, 12])
            got = cat.nearest_centers(lat, lon, limit, **filters)
            want = cat.nearest_centers_by_scan(lat, lon, limit, **filters)
            assert [h.center.id for h in got] == [h.center.id for h in want], filters
            assert [h.distance_m for h in got] == pytest.approx([h.distance_m for h in want])


@pytest.mark.parametrize("scan_max", [spatial.SCAN_MAX, 0])
def test_tree_matches_a_full_scan_with_every_filter(monkeypatch, scan_max):
    # scan_max 0: every filtered query goes through the tree, not the small-subset scan.
    monkeypatch.setattr(spatial, "SCAN_MAX", scan_max)
    monkeypatch.setattr(spatial, "SCAN_RATIO", 8 if scan_max else 0)
    cat = Catalogue(CatalogueData(centers=_centers(3000, 1)))
    _check(cat, random.Random(2))


def test_many_distinct_opening_hours_are_evaluated_per_candidate(monkeypatch):
    monkeypatch.setattr(spatial, "HOURS_TABLE_MAX", 4)
    monkeypatch.setattr(spatial, "SCAN_MAX", 0)
    monkeypatch.setattr(spatial, "SCAN_RATIO", 0)
    cat = Catalogue(CatalogueData(centers=_centers(2000, 3, distinct_hours=True)))
    _check(cat, random.Random(4), queries=8)


def test_the_scan_reference_is_a_plain_haversine_sort():
    centers = _centers(500, 5)
    cat = Catalogue(CatalogueData(centers=centers))
    lat, lon = 39.95, 116.4
    brute = sorted(
        range(len(centers)),
        key=lambda i: (haversine_m(lat, lon, centers[i].lat, centers[i].lon), i),
    )
    assert [h.center.id for h in cat.nearest_centers_by_scan(lat, lon, 20)] == [
        centers[i].id for i in brute[:20]
    ]


def test_loaded_from_the_database_centers_are_built_on_first_use(tmp_path):
    from content.load import load_catalogue
    from store.catalogue import replace_catalogue

    centers = _centers(300, 6)
    db = open_db(tmp_path / "l.db")
    replace_catalogue(db, CatalogueData(centers=centers).records(), {"digest": "x"})
    cat = load_catalogue(db)
    assert not any(cat._table._built)
    assert len(cat.centers) == 300 and "c7" in cat.centers and "nope" not in cat.centers
    assert cat.centers["c7"] == centers[7]
    assert sum(c is not None for c in cat._table._built) == 1
    _check(cat, random.Random(7), queries=5)
    assert list(cat.centers) == [c.id for c in centers]
