"""The help desk: a request reaches the on-duty volunteers, one claims it, messages are relayed
both ways, the user or the volunteer ends it; nothing is promised that will not happen."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from deskkit import ADMIN, drain, outbox, payloads, say, text_of

from scheduler.desk import DeskCourier, reannounce_due
from scheduler.sender import PermanentSendError, RecordingSender
from store import audit, help_requests, users, volunteers

SENIOR = "telegram:100"
WEB_SENIOR = "web:abc123"


def _volunteer(db, user_id: str, name: str, district: str | None = None) -> None:
    code = volunteers.invite(db, ADMIN, org="东城区乐龄学习中心", district=district, name=name)
    volunteers.redeem(db, user_id, code)


def test_a_request_goes_to_the_district_volunteers_first(bot, db):
    _volunteer(db, "telegram:7", "小王", "东城区")
    _volunteer(db, "telegram:8", "小李", "朝阳区")
    users.update(db, SENIOR, home_district="东城区")
    reply = text_of(say(bot, SENIOR, "我卡住了"))
    assert "1 位值班志愿者" in reply and "10 分钟" in reply
    notices = outbox(db)
    assert [n["user_id"] for n in notices] == ["telegram:7"]
    assert "东城区" in notices[0]["text"] and "中文" in notices[0]["text"]
    assert notices[0]["buttons"][0][1].startswith("/claim ")
    # Asking again does not open a second request.
    assert "已经记下了" in text_of(say(bot, SENIOR, "找人帮忙"))
    assert len(help_requests.waiting(db)) == 1


def test_without_a_district_match_every_volunteer_is_told(bot, db):
    _volunteer(db, "telegram:7", "小王", "东城区")
    _volunteer(db, "web:vol", "小李")
    say(bot, SENIOR, "找人帮忙")
    assert sorted(n["user_id"] for n in outbox(db)) == ["telegram:7", "web:vol"]


def test_claim_relay_and_the_user_ends_it(bot, db):
    _volunteer(db, "telegram:7", "小王")
    say(bot, SENIOR, "找人帮忙")
    rid = help_requests.waiting(db)[0]["id"]
    drain(db)
    listing = say(bot, "telegram:7", "/desk")
    assert f"#{rid}" in text_of(listing) and f"/claim {rid}" in payloads(listing)
    claimed = text_of(say(bot, "telegram:7", f"/claim {rid}"))
    assert f"#{rid}" in claimed
    told = outbox(db, SENIOR)
    assert "志愿者小王来帮您了" in told[0]["text"]
    assert [e["actor"] for e in audit.entries(db, "help.claim")] == ["telegram:7"]
    drain(db)
    # The volunteer writes: it goes to the user.
    say(bot, "telegram:7", "您好，请点屏幕右上角的加号")
    assert outbox(db, SENIOR)[0]["text"] == "志愿者小王：您好，请点屏幕右上角的加号"
    # The user answers: it goes to the volunteer, and the user is told so.
    reply = text_of(say(bot, SENIOR, "点了，然后呢"))
    assert "转给志愿者小王" in reply
    assert outbox(db, "telegram:7")[0]["text"].endswith("点了，然后呢")
    drain(db)
    # "不用了" ends it; the volunteer is told.
    assert "结束" in text_of(say(bot, SENIOR, "不用了"))
    assert help_requests.get(db, rid)["status"] == "closed"
    assert "不用了" in outbox(db, "telegram:7")[0]["text"]
    # Afterwards the user's messages are the assistant's again.
    assert not outbox(db, "telegram:7")[1:]


def test_the_volunteer_closes_it(bot, db):
    _volunteer(db, "telegram:7", "小王")
    say(bot, WEB_SENIOR, "找人帮忙")
    rid = help_requests.waiting(db)[0]["id"]
    say(bot, "telegram:7", f"/claim {rid}")
    say(bot, "telegram:7", f"/reply {rid} 我来帮您")
    drain(db)
    assert "已结束" in text_of(say(bot, "telegram:7", f"/close {rid}"))
    assert "结束了这次帮助" in outbox(db, WEB_SENIOR)[0]["text"]
    assert audit.entries(db, "help.close")


def test_no_one_else_can_claim_reply_or_close(bot, db):
    _volunteer(db, "telegram:7", "小王")
    _volunteer(db, "telegram:8", "小李")
    say(bot, SENIOR, "找人帮忙")
    rid = help_requests.waiting(db)[0]["id"]
    say(bot, "telegram:7", f"/claim {rid}")
    assert "小王" in text_of(say(bot, "telegram:8", f"/claim {rid}"))
    assert "不是您接手的" in text_of(say(bot, "telegram:8", f"/reply {rid} hi"))
    assert "不是您接手的" in text_of(say(bot, "telegram:8", f"/close {rid}"))
    # A forged payload from someone who is not a volunteer.
    assert "给志愿者用的" in text_of(say(bot, "telegram:9", f"/close {rid}"))
    assert help_requests.get(db, rid)["status"] == "claimed"
    # A volunteer revoked mid-request can no longer relay.
    volunteers.revoke(db, ADMIN, "telegram:7")
    drain(db)
    say(bot, "telegram:7", "还在吗")
    assert not outbox(db, SENIOR)


def test_outside_desk_hours_the_user_is_told_when(bot, db, clock):
    _volunteer(db, "telegram:7", "小王")
    clock.now = clock.now.replace(hour=22)
    reply = text_of(say(bot, SENIOR, "找人帮忙"))
    assert "明天 08:00" in reply and "下班" in reply
    assert not outbox(db)  # volunteers off duty are not woken
    clock.now = clock.now.replace(hour=6)
    assert "今天 08:00" in text_of(say(bot, "telegram:101", "找人帮忙"))


def test_with_no_volunteer_at_all_nothing_is_promised(bot, db):
    reply = say(bot, SENIOR, "找人帮忙")
    assert "没有志愿者在值班" in text_of(reply)
    assert any("family" in p for p in payloads(reply))


def test_unclaimed_after_ten_minutes_is_announced_again_once(bot, db, clock):
    _volunteer(db, "telegram:7", "小王", "东城区")
    _volunteer(db, "telegram:8", "小李", "朝阳区")
    users.update(db, SENIOR, home_district="东城区")
    say(bot, SENIOR, "找人帮忙")
    drain(db)
    hours = ("08:00", "20:00")
    assert reannounce_due(db, clock.now + timedelta(minutes=9), hours) == 0
    assert reannounce_due(db, clock.now + timedelta(minutes=10), hours) == 1
    assert sorted(n["user_id"] for n in outbox(db) if n["kind"] == "notice") == [
        "telegram:7",
        "telegram:8",
    ]
    told = outbox(db, SENIOR)[0]
    assert "10 分钟了还没有志愿者接手" in told["text"]
    assert any('"who":"family"' in p for _, p in told["buttons"])
    assert reannounce_due(db, clock.now + timedelta(minutes=30), hours) == 0


def test_a_claimed_request_is_not_announced_again(bot, db, clock):
    _volunteer(db, "telegram:7", "小王")
    say(bot, SENIOR, "找人帮忙")
    say(bot, "telegram:7", f"/claim {help_requests.waiting(db)[0]['id']}")
    assert reannounce_due(db, clock.now + timedelta(minutes=11), ("08:00", "20:00")) == 0


def test_the_courier_sends_through_the_channel_once(bot, db, clock, tmp_path):
    _volunteer(db, "telegram:7", "小王")
    _volunteer(db, "telegram:8", "小李")
    say(bot, SENIOR, "找人帮忙")
    sender = RecordingSender(fail={"telegram:8": PermanentSendError("blocked")})
    paced = []

    async def pace():
        paced.append(1)

    async def run():
        courier = DeskCourier(
            tmp_path / "leling.db", sender, clock=lambda: clock.now, pace=pace, tick_seconds=60
        )
        first = await courier.tick()
        again = await courier.tick()
        courier._pool.shutdown(wait=True)
        return first, again

    first, again = asyncio.run(run())
    assert (first, again) == (1, 0)
    assert [u for u, _ in sender.sent] == ["telegram:7"]
    assert sender.sent[0][1].buttons[0][1].startswith("/claim ")
    assert len(paced) == 2  # both rows waited for a send slot
    rows = {r["user_id"]: r["status"] for r in db["desk_outbox"].rows}
    assert rows == {"telegram:7": "sent", "telegram:8": "failed"}


def test_a_row_left_sending_by_a_crash_is_never_sent_again(bot, db, tmp_path):
    from store import desk_outbox

    rid = desk_outbox.add(db, "telegram:7", "relay", "hi")
    desk_outbox.claim(db, rid)  # the process died with the request on the wire
    sender = RecordingSender()

    async def run():
        courier = DeskCourier(tmp_path / "leling.db", sender, tick_seconds=60)
        await courier.start()
        await courier.tick()
        await courier.stop()

    asyncio.run(run())
    assert sender.sent == []
    assert db["desk_outbox"].get(rid)["status"] == "unknown"


def test_a_web_user_finds_the_volunteer_in_the_inbox(bot, db, tmp_path):
    from bot.webchat.sender import WebSender
    from scheduler.sender import RoutingSender
    from store import desk_outbox, inbox

    _volunteer(db, "telegram:7", "小王")
    say(bot, WEB_SENIOR, "找人帮忙")
    say(bot, "telegram:7", f"/claim {help_requests.waiting(db)[0]['id']}")
    for r in outbox(db, "telegram:7"):  # the notice to the volunteer went out already
        desk_outbox.claim(db, r["id"])
        desk_outbox.finish(db, r["id"], "sent")
    telegram = RecordingSender()

    async def run():
        courier = DeskCourier(tmp_path / "leling.db", None, tick_seconds=60)

        async def on_courier_thread(fn, *args):
            return await courier._run(fn, *args)

        courier.sender = RoutingSender({"web": WebSender(on_courier_thread), "telegram": telegram})
        await courier.tick()
        await courier.stop()

    asyncio.run(run())
    waiting = inbox.waiting(db, WEB_SENIOR)
    assert ["志愿者小王来帮您了" in m["text"] for m in waiting] == [True]
    assert waiting[0]["buttons"][0]["payload"] == "/desk_end"


def test_a_transient_failure_is_tried_again(bot, db, tmp_path):
    from store import desk_outbox

    rid = desk_outbox.add(db, "telegram:7", "relay", "hi")
    flaky = RecordingSender(fail={"telegram:7": TimeoutError()})

    async def run():
        courier = DeskCourier(tmp_path / "leling.db", flaky, tick_seconds=60)
        await courier.tick()
        flaky.fail.clear()
        await courier.tick()
        await courier.stop()

    asyncio.run(run())
    assert [u for u, _ in flaky.sent] == ["telegram:7"]
    row = db["desk_outbox"].get(rid)
    assert (row["status"], row["attempts"]) == ("sent", 2)
