"""Which sessions a subscription is about, computed once per planning run and shared.

A lecture or lesson subscription covers every future session of that item (a series or a
lesson meets many times); a filter subscription covers the future sessions of every matching
item. Sessions follow the catalogue's own rules: lessons skip public holidays (unless a lesson
says otherwise), lecture series do not, `exdates` are skipped, cancelled items have none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from content.catalogue import Catalogue, Occurrence
from content.schedule import TZ, occurrences
from content.schema import Lecture, Lesson
from scheduler.messages import snapshot

ONE_OFF_LIMIT_DAYS = 400  # how far ahead one-off lectures are planned


@dataclass(frozen=True)
class Session:
    """One future session a subscription covers."""

    occ: Occurrence
    starts_iso: str

    @property
    def kind(self) -> str:
        return self.occ.kind

    @property
    def event_id(self) -> str:
        return self.occ.item.id

    @property
    def starts_at(self) -> datetime:
        return self.occ.starts_at


def session_code(starts_iso: str) -> str:
    """A session's start in idempotency keys: "2026-09-26T09:30:00+08:00" → "202609260930"."""
    return starts_iso[:16].replace("-", "").replace("T", "").replace(":", "")


def event_code(kind: str, event_id: str) -> str:
    """An event in idempotency keys: "L:lec-teen" (lecture) / "S:les-wechat" (lesson)."""
    return ("S:" if kind == "lesson" else "L:") + event_id


def _iso(when: datetime) -> str:
    return when.astimezone(TZ).replace(microsecond=0).isoformat()


# The filter keys of a subscription to "every lesson / lecture that matches", per kind of event.
_FILTER_KEYS = {
    "lesson": ("app", "topic", "district"),
    "lecture": ("topic", "audience", "district", "online"),
}


class Events:
    """Sessions between `now` (exclusive) and `now + horizon_days`, cached per target/filter."""

    def __init__(self, catalogue: Catalogue, now: datetime, horizon_days: int):
        self.catalogue = catalogue
        self.now = now
        self.end = now + timedelta(days=horizon_days)
        self._targets: dict[tuple[str, str], list[Session]] = {}
        self._filters: dict[str, list[Session]] = {}
        self._snaps: dict[tuple[str, str, str], str] = {}

    def item(self, kind: str, event_id: str) -> Lecture | Lesson | None:
        """The catalogue item, or None when it is gone."""
        table = self.catalogue.lectures if kind == "lecture" else self.catalogue.lessons
        return table.get(event_id)

    def _starts(self, kind: str, item, start: datetime, end: datetime) -> list[datetime]:
        if item.status == "cancelled":
            return []
        if kind == "lecture" and item.schedule is None:
            when = item.starts_at.astimezone(TZ)
            return [when] if start <= when < end else []
        skip = getattr(item, "skip_holidays", True) if kind == "lesson" else False
        return occurrences(item.schedule, start, end, skip_holidays=skip)

    def _session(self, kind: str, item, when: datetime) -> Session:
        duration = item.schedule.duration_minutes if item.schedule else item.duration
        occ = Occurrence(kind, item, when, when + timedelta(minutes=duration))
        return Session(occ, _iso(when))

    def sessions_of(self, kind: str, event_id: str) -> list[Session]:
        """Future sessions of one item (none when it is cancelled or gone)."""
        key = (kind, event_id)
        if key not in self._targets:
            item = self.item(kind, event_id)
            out: list[Session] = []
            if item is not None:
                one_off = kind == "lecture" and item.schedule is None
                end = self.now + timedelta(days=ONE_OFF_LIMIT_DAYS) if one_off else self.end
                out = [
                    self._session(kind, item, w)
                    for w in self._starts(kind, item, self.now, end)
                    if w > self.now
                ]
            self._targets[key] = out
        return self._targets[key]

    def has_session(self, kind: str, event_id: str, starts_iso: str) -> bool:
        """True when the item (still) has a session starting at `starts_iso`."""
        item = self.item(kind, event_id)
        if item is None:
            return False
        when = datetime.fromisoformat(starts_iso)
        return bool(self._starts(kind, item, when, when + timedelta(seconds=1)))

    def _filter_sessions(self, f: dict) -> list[Session]:
        cat = self.catalogue
        kind = "lesson" if f.get("event", "lecture") == "lesson" else "lecture"
        args = {k: f.get(k) for k in _FILTER_KEYS[kind]}
        if kind == "lesson":
            occs = cat.lesson_sessions(self.now, self.end, **args)
        else:
            occs = cat.lectures_between(self.now, self.end, **args, include_cancelled=False)
        if f.get("center"):
            occs = [o for o in occs if getattr(o.item, "center", None) == f["center"]]
        return [Session(o, _iso(o.starts_at)) for o in occs if o.starts_at > self.now]

    def for_subscription(self, sub: dict) -> list[Session]:
        """The future sessions a subscription covers, in time order."""
        if sub["kind"] in ("lecture", "lesson"):
            return self.sessions_of(sub["kind"], sub["target_id"])
        f = sub.get("filter") or {}
        key = json.dumps(f, sort_keys=True, ensure_ascii=False)
        if key not in self._filters:
            self._filters[key] = self._filter_sessions(f)
        return self._filters[key]

    def snapshot_json(self, session: Session) -> str:
        """The session's snapshot (title, start, place, link) as stored JSON, cached."""
        key = (session.kind, session.event_id, session.starts_iso)
        if key not in self._snaps:
            self._snaps[key] = json.dumps(
                snapshot(self.catalogue, session.occ), ensure_ascii=False, separators=(",", ":")
            )
        return self._snaps[key]
