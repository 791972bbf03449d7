"""Centers as columns, with a k-d tree for "nearest to here" (issue #16).

A national catalogue holds hundreds of thousands of centers. `CenterTable` keeps what queries
need as arrays (coordinates, kind / district / street / hours codes, per-service position lists)
and builds a `Center` object only when one is asked for, so loading 100,000 centers is one
SQL read rather than 100,000 validations.

Nearest centers use a k-d tree (SciPy's cKDTree) over 3-D unit vectors: the straight-line
(chord) distance between two points on the sphere grows with the great-circle distance, so the
tree's k nearest are exactly the k nearest on the sphere — no projection, no seams at a grid
edge. Chosen by measurement (docs/benchmarks.md): at 100,000 centers a query takes tens of
microseconds against a few milliseconds for a numpy scan, and the tree builds in well under a
second even at 1,000,000. Filters are checked on the tree's candidates (asking for more while
too few pass); a filter that leaves few centers is answered by scanning just those, and a
district (one patch of the map, which the whole-map tree would search far for) has a tree of
its own. Opening
hours are evaluated once per distinct hours string, and only when a query asks for open
centers. The result is ordered exactly as a full scan orders it: by haversine distance, then
by position in the catalogue.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from content import hours as opening
from content.schema import Center

EARTH_RADIUS_M = 6_371_008.8
SCAN_MAX = 8_192  # a filter leaving at most this many centers: scan them instead of the tree
# … or when the tree would need more than 1/SCAN_RATIO of them as candidates.
SCAN_RATIO = 8
HOURS_TABLE_MAX = 512  # up to this many distinct hours strings: evaluate them all per query


def haversine_np(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distances (m) from (lat, lon) to arrays of coordinates (radians)."""
    p, lam = math.radians(lat), math.radians(lon)
    a = np.sin((lats - p) * 0.5) ** 2 + math.cos(p) * np.cos(lats) * np.sin((lons - lam) * 0.5) ** 2
    return (2 * EARTH_RADIUS_M) * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def _unit(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    cos_lat = np.cos(lat)
    return np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)))


class _Codes:
    """One single-valued text column as integer codes, with the positions of each value."""

    def __init__(self, values: Iterable[str]):
        # A dict, not np.unique: sorting 100,000 Python strings took a good part of a second.
        self.by_name: dict[str, int] = {}
        codes = [self.by_name.setdefault(v, len(self.by_name)) for v in values]
        self.names = list(self.by_name)
        self.codes = np.asarray(codes, dtype=np.int32)
        order = np.argsort(self.codes, kind="stable")
        bounds = np.searchsorted(self.codes[order], np.arange(len(self.names) + 1))
        self.groups = [order[bounds[i] : bounds[i + 1]] for i in range(len(self.names))]


@dataclass
class _Condition:
    """One filter of a query: how many centers pass, which, and a test for candidates."""

    count: int
    positions: Callable[[], np.ndarray]  # sorted positions of the centers that pass
    test: Callable[[np.ndarray], np.ndarray]  # candidate positions -> bool mask


def _in_sorted(sorted_positions: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    def test(cand: np.ndarray) -> np.ndarray:
        if sorted_positions.size == 0:
            return np.zeros(cand.size, dtype=bool)
        at = np.minimum(np.searchsorted(sorted_positions, cand), sorted_positions.size - 1)
        return sorted_positions[at] == cand

    return test


def _codes_condition(field: _Codes, names: Iterable[str]) -> _Condition:
    wanted = sorted({field.by_name[n] for n in names if n in field.by_name})
    groups = [field.groups[c] for c in wanted]
    table = np.zeros(len(field.names) + 1, dtype=bool)
    table[wanted] = True
    return _Condition(
        count=sum(g.size for g in groups),
        positions=lambda: (
            groups[0] if len(groups) == 1 else np.sort(np.concatenate(groups or [np.empty(0, int)]))
        ),
        test=lambda cand: table[field.codes[cand]],
    )


class CenterTable(Sequence[Center]):
    """The centers of one catalogue, in catalogue order, as columns; `table[i]` is a Center."""

    def __init__(
        self,
        ids: Sequence[str],
        lat: Sequence[float],
        lon: Sequence[float],
        kinds: Sequence[str],
        districts: Sequence[str],
        streets: Sequence[str],
        hours: Sequence[str],
        services: Sequence[Iterable[str]],
        make: Callable[[int], Center],
    ):
        self.ids = list(ids)
        self.position = {cid: i for i, cid in enumerate(self.ids)}
        self.lat = np.radians(np.asarray(lat, dtype=float))
        self.lon = np.radians(np.asarray(lon, dtype=float))
        self.kind = _Codes(kinds)
        self.district = _Codes(districts)
        self.street = _Codes([s or "" for s in streets])
        self.hours = _Codes([h or "" for h in hours])
        by_service: dict[str, list[int]] = {}
        for i, tags in enumerate(services):
            for tag in set(tags):
                by_service.setdefault(tag, []).append(i)  # ascending: _in_sorted needs it
        self.service = {tag: np.asarray(p, dtype=np.int64) for tag, p in by_service.items()}
        # A street filter names "建国门街道" or just "建国门".
        self.street_names: dict[str, list[str]] = {}
        for name in self.street.names:
            if name:
                for key in {name, name.removesuffix("街道")}:
                    self.street_names.setdefault(key, []).append(name)
        self._make = make
        self._built: list[Center | None] = [None] * len(self.ids)
        self._tree = None
        self._subtrees: dict[str, tuple] = {}

    @classmethod
    def from_centers(cls, centers: Sequence[Center]) -> CenterTable:
        """A table over Center objects already in memory."""
        centers = list(centers)
        return cls(
            [c.id for c in centers],
            [c.lat for c in centers],
            [c.lon for c in centers],
            [c.kind for c in centers],
            [c.district for c in centers],
            [c.street for c in centers],
            [c.hours for c in centers],
            [c.services for c in centers],
            centers.__getitem__,
        )

    # -- the Sequence -----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        center = self._built[i]
        if center is None:
            center = self._built[i] = self._make(i)
        return center

    def __iter__(self) -> Iterator[Center]:
        return (self[i] for i in range(len(self)))

    # -- nearest ----------------------------------------------------------------------------

    @property
    def tree(self):
        """The k-d tree over unit vectors, built at the first nearest query."""
        if self._tree is None:
            from scipy.spatial import cKDTree

            self._tree = cKDTree(_unit(self.lat, self.lon), balanced_tree=False)
        return self._tree

    def nearest(
        self,
        lat: float,
        lon: float,
        want: int,
        *,
        kinds: Iterable[str] | None = None,
        service: str | None = None,
        district: str | None = None,
        street: str | None = None,
        open_at: datetime | None = None,
    ) -> list[tuple[int, float]]:
        """Up to `want` (position, metres) pairs, nearest first, passing every filter."""
        n = len(self)
        if n == 0 or want <= 0:
            return []
        conds = self._conditions(kinds, service, street)
        place = _codes_condition(self.district, [district]) if district else None
        if place is not None:
            conds.append(place)
        late = None
        if open_at is not None:
            hours_cond, late = self._open_filter(open_at)
            if hours_cond is not None:
                conds.append(hours_cond)
        if any(c.count == 0 for c in conds):
            return []
        smallest = min(conds, key=lambda c: c.count, default=None)
        if smallest is not None:
            # With independent filters the tree would need about want * n / count candidates.
            needed = want * n / smallest.count
            if smallest.count <= SCAN_MAX or needed * SCAN_RATIO > smallest.count:
                return self._scan(lat, lon, want, smallest, conds, late)
        if place is not None and place.count > SCAN_MAX:
            # A district is one patch of the map: far from it the whole-map tree would return
            # hundreds of thousands of candidates before one passes, so each district gets a
            # tree of its own (built at its first query) and the other filters are checked on
            # its candidates.
            others = [c for c in conds if c is not place]
            return self._search(
                lat, lon, want, others, late, self._district_tree(district), smallest, conds
            )
        return self._search(lat, lon, want, conds, late, None, smallest, conds)

    def _conditions(self, kinds, service, street) -> list[_Condition]:
        conds = []
        if kinds:
            conds.append(_codes_condition(self.kind, kinds))
        if service:
            positions = self.service.get(service, np.empty(0, dtype=np.int64))
            conds.append(_Condition(positions.size, lambda: positions, _in_sorted(positions)))
        if street:
            conds.append(_codes_condition(self.street, self.street_names.get(street, [])))
        return conds

    def _open_filter(self, at: datetime):
        """(a condition, None) when there are few distinct hours strings: each is evaluated once
        now; else (None, a per-candidate test that evaluates each string once, on demand)."""
        names = self.hours.names
        if len(names) <= HOURS_TABLE_MAX:
            is_open = [bool(name) and bool(opening.is_open(str(name), at)) for name in names]
            return _codes_condition(
                self.hours, [str(x) for x, ok in zip(names, is_open, strict=True) if ok]
            ), None
        memo: dict[int, bool] = {}

        def test(cand: np.ndarray) -> np.ndarray:
            out = np.zeros(cand.size, dtype=bool)
            for j, code in enumerate(self.hours.codes[cand]):
                ok = memo.get(code)
                if ok is None:
                    name = names[code]
                    ok = memo[code] = bool(name) and bool(opening.is_open(name, at))
                out[j] = ok
            return out

        return None, test

    def _ordered(self, lat, lon, pos: np.ndarray, want: int, late) -> list[tuple[int, float]]:
        """`pos` (positions that pass the cheap filters) by haversine distance, then position;
        the per-candidate test (`late`) applied in that order until `want` pass."""
        dist = haversine_np(lat, lon, self.lat[pos], self.lon[pos])
        order = np.lexsort((pos, dist))
        out: list[tuple[int, float]] = []
        step = max(want * 4, 64)
        for start in range(0, order.size, step):
            chunk = order[start : start + step]
            if late is not None:
                chunk = chunk[late(pos[chunk])]
            out += [(int(pos[j]), float(dist[j])) for j in chunk[: want - len(out)]]
            if len(out) >= want:
                break
        return out

    def _scan(self, lat, lon, want, smallest, conds, late) -> list[tuple[int, float]]:
        pos = smallest.positions()
        for c in conds:
            if c is not smallest and pos.size:
                pos = pos[c.test(pos)]
        return self._ordered(lat, lon, pos, want, late)

    def _district_tree(self, district: str):
        """(k-d tree over one district's centers, their positions)."""
        found = self._subtrees.get(district)
        if found is None:
            from scipy.spatial import cKDTree

            positions = self.district.groups[self.district.by_name[district]]
            tree = cKDTree(_unit(self.lat[positions], self.lon[positions]), balanced_tree=False)
            found = self._subtrees[district] = (tree, positions)
        return found

    def _search(
        self, lat, lon, want, conds, late, subtree=None, smallest=None, all_conds=()
    ) -> list[tuple[int, float]]:
        tree, index = subtree if subtree is not None else (self.tree, None)
        n = len(self) if index is None else index.size
        # Past this many candidates, scanning the centers that pass the most selective filter
        # is cheaper than asking the tree for more (a filter tied to one area of the map).
        give_up = None if smallest is None else max(SCAN_MAX, smallest.count // max(SCAN_RATIO, 1))
        point = _unit(np.array([math.radians(lat)]), np.array([math.radians(lon)]))[0]
        k = min(n, want * 2 + 8 if not conds else want * 8 + 32)
        while True:
            chord, cand = tree.query(point, k=k)
            chord, cand = np.atleast_1d(chord), np.atleast_1d(cand)
            if index is not None:
                cand = index[cand]
            ok = np.ones(cand.size, dtype=bool)
            for c in conds:
                ok &= c.test(cand)
            passing = np.flatnonzero(ok)
            if late is not None and passing.size:
                passing = (
                    passing[late(cand[passing])]
                    if k >= n
                    else self._late_prefix(cand, passing, want, late)
                )
            if k >= n:
                return self._ordered(lat, lon, cand[passing], want, None)
            if passing.size >= want:
                edge = chord[passing[want - 1]]
                # Complete when every center as near as the want-th passing one is among the
                # candidates (the tree returned something strictly farther).
                if chord[-1] > edge * (1 + 1e-9) + 1e-15:
                    close = passing[chord[passing] <= edge * (1 + 1e-9) + 1e-15]
                    return self._ordered(lat, lon, cand[close], want, None)
            if give_up is not None and k * 4 > give_up and k * 4 < n:
                return self._scan(lat, lon, want, smallest, all_conds, late)
            k = min(n, k * 4)

    @staticmethod
    def _late_prefix(cand, passing, want, late) -> np.ndarray:
        """The passing candidates that also pass `late`, testing in distance order and stopping
        once `want` pass (plus any at the same chord distance is the caller's concern)."""
        out = []
        step = max(want * 4, 64)
        for start in range(0, passing.size, step):
            chunk = passing[start : start + step]
            out.append(chunk[late(cand[chunk])])
            if sum(x.size for x in out) >= want:
                break
        return np.concatenate(out) if out else passing[:0]


class CentersById(Mapping[str, Center]):
    """id -> Center over a CenterTable (each Center built on first use)."""

    def __init__(self, table: CenterTable):
        self.table = table

    def __getitem__(self, cid: str) -> Center:
        return self.table[self.table.position[cid]]

    def __contains__(self, cid: object) -> bool:
        return cid in self.table.position

    def __iter__(self) -> Iterator[str]:
        return iter(self.table.ids)

    def __len__(self) -> int:
        return len(self.table)
