"""The catalogue in memory, and every query the conversation and the operator CLI need.

Built once from the database (`content.load.load_catalogue`) and read-only afterwards, so queries
are plain Python/numpy and never touch SQLite. Nearest centers go through a k-d tree
(`content/spatial.py`): tens of microseconds among 100,000 centers (see bench/catalogue.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
from rapidfuzz import fuzz, process

from content import hours as opening
from content.districts import district as find_district
from content.schedule import TZ, next_occurrence, occurrences
from content.schema import Center, Guide, Landmark, Lecture, Lesson
from content.spatial import EARTH_RADIUS_M, CentersById, CenterTable, haversine_np
from content.validate import CatalogueData

__all__ = ["EARTH_RADIUS_M", "Catalogue", "CenterHit", "Occurrence", "haversine_m"]


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


def _passes(c: Center, *, kind=None, service=None, district=None, street=None, open_at=None):
    kinds = [kind] if isinstance(kind, str) else kind
    return (
        (not kinds or c.kind in kinds)
        and (not service or service in c.services)
        and (not district or c.district == district)
        and (not street or bool(c.street) and street in (c.street, c.street.removesuffix("街道")))
        and (open_at is None or bool(opening.is_open(c.hours, open_at)))
    )


def _normal(text: str) -> str:
    return "".join(text.lower().split())


class Catalogue:
    """Read-only view over one loaded catalogue, with the query API."""

    def __init__(self, data: CatalogueData):
        self.data = data
        # Centers may come as a CenterTable (load_catalogue: columns, each Center built on
        # first use) or as Center objects (tests, benches, validation).
        if isinstance(data.centers, CenterTable):
            self._table = data.centers
        else:
            self._table = CenterTable.from_centers(data.centers)
        self.centers: Mapping[str, Center] = CentersById(self._table)
        self.lectures: dict[str, Lecture] = {x.id: x for x in data.lectures}
        self.lessons: dict[str, Lesson] = {x.id: x for x in data.lessons}
        self.guides: dict[str, Guide] = {g.id: g for g in data.guides}
        self.landmarks: dict[str, Landmark] = {lm.name: lm for lm in data.landmarks}
        self._landmark_keys: dict[str, Landmark] = {}
        for lm in data.landmarks:
            for key in (lm.name, *lm.aliases):
                self._landmark_keys.setdefault(_normal(key), lm)
        self._guide_keys: dict[str, Guide] = {}
        for g in data.guides:
            for key in (g.id, g.title.zh, g.title.en, *g.aliases.zh, *g.aliases.en):
                self._guide_keys.setdefault(_normal(key), g)

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
        keeps only centers open at that moment. Ties in distance keep catalogue order.
        """
        kinds = [kind] if isinstance(kind, str) else (list(kind) if kind else None)
        found = self._table.nearest(
            lat,
            lon,
            offset + limit,
            kinds=kinds,
            service=service,
            district=district,
            street=street,
            open_at=open_at,
        )
        return [CenterHit(self._table[i], d) for i, d in found[offset:]]

    def nearest_centers_by_scan(
        self, lat: float, lon: float, limit: int = 3, *, open_at: datetime | None = None, **filters
    ) -> list[CenterHit]:
        """The same answer as `nearest_centers`, by computing every distance (the reference the
        tests and benches compare the spatial index with)."""
        t = self._table
        dist = haversine_np(lat, lon, t.lat, t.lon)
        hits = []
        for i in np.lexsort((np.arange(len(t)), dist)):
            c = t[i]
            if not _passes(c, open_at=open_at, **filters):
                continue
            hits.append(CenterHit(c, float(dist[i])))
            if len(hits) >= limit:
                break
        return hits

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
