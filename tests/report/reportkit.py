"""A month of scripted use, through the real conversation engine, NLU and reminder dispatcher,
with an injected clock: the database the report tests read their expected numbers from."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from dialogues import Assistant, Incoming
from dialogues.payload import encode
from scheduler.announce import AnnounceCourier
from scheduler.dispatcher import Dispatcher
from scheduler.sender import PermanentSendError, RecordingSender
from store import announcements, events, help_requests, users

TZ = ZoneInfo("Asia/Shanghai")
GUIDE = "enlarge_font"  # 7 steps in the shipped catalogue
LECTURE = "lec-chaoyang-parent-school"  # 朝阳区, the second Saturday of the month at 09:30


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A Beijing time in late 2026."""
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


class Clock:
    """The time every part of the scripted world reads."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def build_world(db, db_path, catalogue, parser) -> dict:
    """Fill `db` with November and December use; returns what happened, for the tests."""
    clock = Clock(at(11, 10, 10))
    bot = Assistant(db, catalogue, parser, clock=clock)

    def say(user: str, text: str, when: datetime):
        clock.now = when
        return bot.turn(Incoming(user, text))

    # November: one person says hello.
    say("telegram:1", "你好", at(11, 10, 10))
    users.update(db, "telegram:1", home_district="朝阳区")
    # 1 December: telegram:1 starts a guide, leaves it at step 2; later asks about the weather.
    say("telegram:1", "你好", at(12, 1, 9))
    say("telegram:1", encode("start_guide", guide=GUIDE), at(12, 1, 9, 5))
    say("telegram:1", "/guide_next", at(12, 1, 9, 6))
    say("telegram:1", "/cancel", at(12, 1, 9, 7))
    weather = say("telegram:1", "今天天气怎么样", at(12, 1, 15))
    phone = say("telegram:1", "我的手机号13812345678，今天天气怎么样", at(12, 1, 15, 1))
    # 2 December: web:2 learns the whole guide (start + 7 × next: the last one finishes it).
    say("web:2", encode("start_guide", guide=GUIDE), at(12, 2, 10))
    for i in range(7):
        say("web:2", "/guide_next", at(12, 2, 10, 1 + i))
    # 3 December: wechat:3 subscribes to a lecture and asks for a person; web:5 subscribes too.
    say("wechat:3", encode("subscribe", lecture=LECTURE), at(12, 3, 10))
    say("wechat:3", "/human_help", at(12, 3, 10, 1))
    say("web:5", encode("subscribe", lecture=LECTURE), at(12, 3, 11))
    request = help_requests.open_for_user(db, "wechat:3")[0]["id"]
    with events.turn_clock(at(12, 3, 10, 11)):  # a volunteer takes it 10 minutes later
        assert help_requests.claim(db, request, "telegram:99")
    with events.turn_clock(at(12, 3, 10, 41)):  # and closes it 30 minutes after that
        assert help_requests.end(db, request, "telegram:99")
    bot.close()

    # The reminders: the day before at 18:00 (web:5 has blocked the bot: it fails), then an
    # hour before, sent 10 minutes late.
    sender = RecordingSender(fail={"web:5": PermanentSendError("blocked by the user")})

    async def dispatch():
        d = Dispatcher(db_path, None, sender, clock, rate_per_s=0)
        try:
            clock.now = at(12, 11, 18)
            await d.tick()
            clock.now = at(12, 12, 8, 40)
            await d.tick()
        finally:
            await d.close()

    asyncio.run(dispatch())

    # 5 December: an operator's announcement to 朝阳区 (telegram:1 lives there).
    aid = announcements.create(
        db, "operator", {"district": "朝阳区"}, "周六上午有义诊", at=at(12, 5, 15)
    )

    async def announce():
        clock.now = at(12, 5, 15)
        courier = AnnounceCourier(db_path, sender, clock=clock, rate_per_s=0)
        try:
            await courier.tick()
        finally:
            await courier.stop()

    asyncio.run(announce())
    return {
        "announcement": aid,
        "sent": [(uid, m.text) for uid, m in sender.sent],
        "weather": weather,
        "phone": phone,
    }
