"""Helpers for the scheduler tests: a tiny catalogue built in code and a clock moved by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

from content.catalogue import Catalogue
from content.schedule import TZ
from content.schema import Center, Lecture, Lesson
from content.validate import CatalogueData

# Friday 2026-09-25, 10:00 in Beijing. National Day week (Oct 1–7) is a week ahead.
NOW = datetime(2026, 9, 25, 10, 0, tzinfo=TZ)

CENTER = {
    "id": "fe-chaoyang",
    "name": "朝阳区家庭教育指导服务中心",
    "name_en": "Chaoyang Family Education Center",
    "kind": "family_education_center",
    "district": "朝阳区",
    "street": "和平街街道",
    "address": "朝阳区和平街12号",
    "lat": 39.96,
    "lon": 116.43,
}
LESSON_CENTER = {
    **CENTER,
    "id": "lc-chaoyang-1",
    "name": "和平街乐龄学习中心",
    "name_en": "Hepingjie Leling Center",
    "kind": "leling_center",
    "address": "朝阳区和平街北口3号",
}


def lecture(id: str = "lec-teen", starts_at: str = "2026-09-26T09:30:00+08:00", **kw) -> dict:
    """A one-off lecture record (change any field with keywords)."""
    rec = {
        "id": id,
        "title": {"zh": "青春期亲子沟通", "en": "Talking with teenagers"},
        "starts_at": starts_at,
        "duration_minutes": 90,
        "topics": ["亲子沟通"],
        "audience": ["家长"],
        "center": "fe-chaoyang",
        "online_url": None,
        "district": "朝阳区",
        "status": "scheduled",
    }
    rec.update(kw)
    if rec.get("schedule"):
        rec.pop("starts_at", None)
        rec.pop("duration_minutes", None)
    return rec


def lesson(id: str = "les-wechat", reschedule: dict | None = None, **kw) -> dict:
    """A weekly Tuesday 09:30 lesson record; `reschedule` changes fields of its schedule."""
    rec = {
        "id": id,
        "title": {"zh": "微信视频通话", "en": "WeChat video calls"},
        "apps": ["微信"],
        "topics": ["智能手机"],
        "center": "lc-chaoyang-1",
        "district": "朝阳区",
        "schedule": {
            "rrule": "FREQ=WEEKLY;BYDAY=TU",
            "time": "09:30",
            "duration_minutes": 90,
            "start": "2026-09-01",
        },
        "status": "scheduled",
    }
    rec["schedule"].update(reschedule or {})
    rec.update(kw)
    return rec


def make_catalogue(lectures=(), lessons=()) -> Catalogue:
    """A Catalogue with the two centers and the given lecture/lesson records."""
    return Catalogue(
        CatalogueData(
            centers=[Center.model_validate(CENTER), Center.model_validate(LESSON_CENTER)],
            lectures=[Lecture.model_validate(r) for r in lectures],
            lessons=[Lesson.model_validate(r) for r in lessons],
        )
    )


class Clock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime = NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> datetime:
        self.now += timedelta(**kw)
        return self.now

    def set(self, when: datetime) -> datetime:
        self.now = when
        return when
