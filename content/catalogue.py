"""The catalogue in memory, and every query the conversation and the operator CLI need.

Built once from the database (`content.load.load_catalogue`) and read-only afterwards, so queries
are plain Python/numpy and never touch SQLite: nearest centers among 10,000 take well under a
millisecond (see bench/catalogue.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
from rapidfuzz import fuzz, process

from content import hours as opening
from content.districts import district as find_district
from content.schedule import TZ, next_occurrence, occurrences
from content.schema import Center, Guide, Landmark, Lecture, Lesson
from content.validate import CatalogueData

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class CenterHit:
    """A center with its distance (metres) from the point asked about."""

    center: Center
    distance_m: float


@dataclass(frozen=True)
class Occurrence:
    """One dated session of a lecture or lesson."""

    kind: str  # "lecture" | "lesson"
    item: Lecture | Lesson
    starts_at: datetime
    ends_at: datetime

    @property
    def cancelled(self) -> bool:
        return self.item.status == "cancelled"

    @property
    def id(self) -> str:
        return self.item.id


def _normal(text: str) -> str:
    return "".join(text.lower().split())


class Catalogue:
    """Read-only view over one loaded catalogue, with the query API."""

    def __init__(self, data: CatalogueData):
        self.data = data
        self.centers: dict[str, Center] = {c.id: c for c in data.centers}
        self.lectures: dict[str, Lecture] = {x.id: x for x in data.lectures}
        self.lessons: dict[str, Lesson] = {x.id: x for x in data.lessons}
        self.guides: dict[str, Guide] = {g.id: g for g in data.guides}
        self.landmarks: dict[str, Landmark] = {lm.name: lm for lm in data.landmarks}
        self._center_list = list(data.centers)
        self._lat = np.radians(np.array([c.lat for c in self._center_list], dtype=float))
        self._lon = np.radians(np.array([c.lon for c in self._center_list], dtype=float))
        self._cos_lat = np.cos(self._lat)
        self._by_kind = self._masks(lambda c: [c.kind])
        self._by_service = self._masks(lambda c: c.services)
        self._by_district = self._masks(lambda c: [c.district])
        self._by_street = self._masks(lambda c: [c.street, c.street.removesuffix("街道")])
        self._landmark_keys: dict[str, Landmark] = {}
        for lm in data.landmarks:
            for key in (lm.name, *lm.aliases):
                self._landmark_keys.setdefault(_normal(key), lm)
        self._guide_keys: dict[str, Guide] = {}
        for g in data.guides:
            for key in (g.id, g.title.zh, g.title.en, *g.aliases.zh, *g.aliases.en):
                self._guide_keys.setdefault(_normal(key), g)

    def _masks(self, tags) -> dict[str, np.ndarray]:
        masks: dict[str, np.ndarray] = {}
        for i, c in enumerate(self._center_list):
            for tag in tags(c):
                if tag:
                    masks.setdefault(tag, np.zeros(len(self._center_list), dtype=bool))[i] = True
        return masks

    # -- centers ----------------------------------------------------------------------------

    def nearest_centers(
        self,
        lat: float,
        lon: float,
        limit: int = 3,
        *,
        offset: int = 0,
        kind: str | Iterable[str] | None = None,
        service: str | None = None,
        district: str | None = None,
        street: str | None = None,
        open_at: datetime | None = None,
    ) -> list[CenterHit]:
        """Centers ordered by great-circle distance from (lat, lon), filtered, paged.

        `kind` may be one kind or several; `service` is a tag from content/tags.py; `open_at`
        keeps only centers open at that moment.
        """
        n = len(self._center_list)
        if n == 0:
            return []
        idx = self._filtered(kind, service, district, street)
        if idx is not None and idx.size == 0:
            return []
        dist = self._distances(lat, lon, idx)
        want = offset + limit
        if open_at is None and want < dist.size:
            part = np.argpartition(dist, want - 1)[:want]
            order = part[np.argsort(dist[part], kind="stable")]
        else:
            order = np.argsort(dist, kind="stable")
        hits: list[CenterHit] = []
        for j in order:
            center = self._center_list[j if idx is None else idx[j]]
            if open_at is not None and not opening.is_open(center.hours, open_at):
                continue
            hits.append(CenterHit(center, float(dist[j])))
            if len(hits) >= want:
                break
        return hits[offset:]

    def _filtered(self, kind, service, district, street) -> np.ndarray | None:
        """Indexes of centers passing the filters; None when there is no filter (all pass)."""
        if not (kind or service or district or street):
            return None
        n = len(self._center_list)
        none = np.zeros(n, dtype=bool)
        mask = np.ones(n, dtype=bool)
        if kind:
            kinds = [kind] if isinstance(kind, str) else list(kind)
            km = none.copy()
            for k in kinds:
                km |= self._by_kind.get(k, none)
            mask &= km
        for table, key in (
            (self._by_service, service),
            (self._by_district, district),
            (self._by_street, street),
        ):
            if key:
                mask &= table.get(key, none)
        return np.flatnonzero(mask)

    def _distances(self, lat: float, lon: float, idx: np.ndarray | None) -> np.ndarray:
        """Haversine distances (m) to every center, or to those at `idx`."""
        p, lam = math.radians(lat), math.radians(lon)
        lats, lons, coss = (
            (self._lat, self._lon, self._cos_lat)
            if idx is None
            else (self._lat[idx], self._lon[idx], self._cos_lat[idx])
        )
        a = np.sin((lats - p) * 0.5) ** 2 + math.cos(p) * coss * np.sin((lons - lam) * 0.5) ** 2
        return (2 * EARTH_RADIUS_M) * np.arcsin(np.sqrt(np.minimum(a, 1.0)))

    def centers_in(self, district: str, limit: int = 3, **filters) -> list[CenterHit]:
        """Centers of a district, nearest to its government seat first."""
        d = find_district(district)
        if d is None:
            return []
        return self.nearest_centers(d.lat, d.lon, limit, district=d.name, **filters)

    @staticmethod
    def hours_today(center: Center, at: datetime) -> list[tuple[str, str]]:
        """Open intervals on `at`'s day."""
        return opening.intervals_on(center.hours, at)

    @staticmethod
    def is_open(center: Center, at: datetime) -> bool | None:
        """Whether the center is open at `at` (None when it gave no hours)."""
        return opening.is_open(center.hours, at)

    # -- landmarks --------------------------------------------------------------------------

    def find_landmark(self, name: str, min_score: float = 85.0) -> Landmark | None:
        """A landmark by name or alias: exact first, then fuzzy (typos, missing 站/公园)."""
        key = _normal(name)
        if not key:
            return None
        for variant in (
            key,
            key.removesuffix("附近"),
            key.removesuffix("站"),
            key.removesuffix("公园"),
        ):
            if variant in self._landmark_keys:
                return self._landmark_keys[variant]
        best = process.extractOne(key, list(self._landmark_keys), scorer=fuzz.ratio)
        if best and best[1] >= min_score:
            return self._landmark_keys[best[0]]
        return None

    # -- lectures and lessons ---------------------------------------------------------------

    def lectures_between(
        self,
        start: datetime,
        end: datetime,
        *,
        topic: str | None = None,
        audience: str | None = None,
        district: str | None = None,
        online: bool | None = None,
        include_cancelled: bool = True,
    ) -> list[Occurrence]:
        """Lecture sessions starting in [start, end), series expanded, in time order.

        `district` keeps lectures of that district plus citywide online ones (district empty);
        `online=True` keeps those with a link, `online=False` those with a venue.
        """
        out = []
        for lec in self.lectures.values():
            if topic and topic not in lec.topics:
                continue
            if audience and audience not in lec.audience and "家长" not in lec.audience:
                continue
            if district and lec.district not in (district, None):
                continue
            if online is True and not lec.online_url:
                continue
            if online is False and lec.center is None:
                continue
            if lec.status == "cancelled" and not include_cancelled:
                continue
            for when in self._lecture_starts(lec, start, end):
                out.append(Occurrence("lecture", lec, when, when + timedelta(minutes=lec.duration)))
        out.sort(key=lambda o: (o.starts_at, o.id))
        return out

    @staticmethod
    def _lecture_starts(lec: Lecture, start: datetime, end: datetime) -> list[datetime]:
        if lec.schedule is not None:
            return occurrences(lec.schedule, start, end, skip_holidays=False)
        when = lec.starts_at.astimezone(TZ)
        return [when] if start <= when < end else []

    def lessons_matching(
        self,
        *,
        app: str | None = None,
        topic: str | None = None,
        district: str | None = None,
        include_cancelled: bool = False,
    ) -> list[Lesson]:
        """Lessons teaching `app` / `topic` in `district` (any when None)."""
        out = []
        for les in self.lessons.values():
            if app and app not in les.apps:
                continue
            if topic and topic not in les.topics:
                continue
            if district and les.district != district and self._district_of(les) != district:
                continue
            if les.status == "cancelled" and not include_cancelled:
                continue
            out.append(les)
        return out

    def _district_of(self, item: Lecture | Lesson) -> str | None:
        if item.district:
            return item.district
        center = self.centers.get(item.center) if item.center else None
        return center.district if center else None

    def lesson_sessions(self, start: datetime, end: datetime, **filters) -> list[Occurrence]:
        """Lesson sessions in [start, end) (holidays skipped unless a lesson says otherwise)."""
        out = []
        for les in self.lessons_matching(**filters):
            for when in occurrences(les.schedule, start, end, skip_holidays=les.skip_holidays):
                out.append(
                    Occurrence(
                        "lesson", les, when, when + timedelta(minutes=les.schedule.duration_minutes)
                    )
                )
        out.sort(key=lambda o: (o.starts_at, o.id))
        return out

    def sessions_on(self, day: date, **filters) -> list[Occurrence]:
        """Lesson sessions on one calendar day."""
        start = datetime.combine(day, time(0), tzinfo=TZ)
        return self.lesson_sessions(start, start + timedelta(days=1), **filters)

    @staticmethod
    def next_lesson_session(lesson: Lesson, after: datetime) -> datetime | None:
        """When the lesson next meets at or after `after` (None if it has ended)."""
        if lesson.status == "cancelled":
            return None
        return next_occurrence(lesson.schedule, after, skip_holidays=lesson.skip_holidays)

    # -- guides -----------------------------------------------------------------------------

    def guide(self, key: str) -> Guide | None:
        """A guide by id, title or alias (case- and space-insensitive)."""
        return self._guide_keys.get(_normal(key))

    def guides_for_app(self, app: str) -> list[Guide]:
        """Guides that teach something in `app`."""
        return [g for g in self.guides.values() if app in g.apps]
