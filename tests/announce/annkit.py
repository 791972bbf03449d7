"""Helpers for the announcement tests: a settable clock, users, and a courier tick."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from scheduler.announce import AnnounceCourier
from scheduler.sender import RecordingSender
from store import users, volunteers

TZ = ZoneInfo("Asia/Shanghai")
VOL = "telegram:700"
ADMIN = "telegram:1"


class Clock:
    """A settable clock (Beijing time)."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += timedelta(**kw)


def make_volunteer(db, user_id: str = VOL, name: str = "王", org: str = "东城区乐龄学习中心"):
    """`user_id` becomes a volunteer (and a user)."""
    code = volunteers.invite(db, ADMIN, org=org, name=name)
    volunteers.redeem(db, user_id, code)
    users.get_or_create(db, user_id)


def make_users(db, n: int, district: str = "朝阳区", prefix: str = "telegram:", start: int = 1000):
    """`n` users in `district`; their ids."""
    ids = []
    rows = [
        (f"{prefix}{start + i}", prefix.rstrip(":"), district, "21:00", "07:00") for i in range(n)
    ]
    db.conn.executemany(
        "INSERT INTO users (id, channel, lang, prefer_voice, active, home_district, quiet_start,"
        " quiet_end, created_at, updated_at) VALUES (?, ?, 'zh', 0, 1, ?, ?, ?, 'x', 'x')",
        rows,
    )
    db.conn.commit()
    ids = [r[0] for r in rows]
    return ids


def tick(db_path, sender, clock, **kw) -> dict:
    """One courier tick (no rate limit unless given); its counts."""

    async def go():
        kw.setdefault("rate_per_s", 0)
        courier = AnnounceCourier(db_path, sender, clock=clock, **kw)
        try:
            return await courier.tick()
        finally:
            await courier.stop()

    return asyncio.run(go())


def recorder(**kw) -> RecordingSender:
    return RecordingSender(fsync=False, **kw)
