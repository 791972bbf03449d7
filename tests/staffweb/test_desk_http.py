"""The /desk console over real HTTP: a person in the web chat asks for help, a volunteer signed
in on the web takes it, writes to them (the reply lands in the person's web inbox through the
desk's courier), sees the person's answer in the console's conversation, and closes it; a
second volunteer cannot read or answer it. Every action is in the audit log."""

from __future__ import annotations

import re

from staffkit import ADMIN, ChatUser, Staff, courier_tick

from store import audit, help_requests, staff_tokens, volunteers


def _volunteer(live, name: str) -> Staff:
    c = Staff(live.url)
    assert (
        c.login_code(volunteers.invite(live.db, ADMIN, org="东城区乐龄学习中心"), name).status_code
        == 303
    )
    return c


def test_claim_reply_close_reach_the_person_in_their_web_inbox(live):
    wang = _volunteer(live, "小王")
    li = _volunteer(live, "小李")
    senior = ChatUser(live.url)
    senior.say("怎么用微信视频")
    told = senior.say("找人帮忙")
    assert "2 位值班志愿者" in told
    [r] = help_requests.open_requests(live.db)
    rid = r["id"]

    # the list shows what matters: number, language, what the person was doing
    listing = wang.http.get("/desk/api/requests").json()
    assert listing["count"] == 1
    assert f"#{rid}" in listing["html"] and "中文" in listing["html"]
    assert "微信视频" in listing["html"] and f"/desk/request/{rid}/claim" in listing["html"]
    page = wang.http.get("/desk").text
    assert 'data-poll="/desk/api/requests"' in page and "/staff/static/desk.js" in page

    claimed = wang.post(f"/desk/request/{rid}/claim")
    assert claimed.status_code == 303
    assert claimed.headers["location"] == f"/desk/request/{rid}?done=claimed&id={rid}"
    assert "您接手了求助" in wang.http.get(claimed.headers["location"]).text
    # the other volunteer is told who was quicker, and cannot read the conversation
    late = li.post(f"/desk/request/{rid}/claim")
    assert "done=taken" in late.headers["location"]
    assert "小王" in li.http.get(late.headers["location"]).text
    assert li.http.get(f"/desk/api/request/{rid}").status_code == 403
    assert "只有处理的志愿者和管理员能看" in li.http.get(f"/desk/request/{rid}").text
    assert (
        "done=not_yours" in li.post(f"/desk/request/{rid}/reply", text="我来").headers["location"]
    )

    courier_tick(live)
    assert any("志愿者小王来帮您了" in m for m in senior.inbox())

    sent = wang.post(f"/desk/request/{rid}/reply", text="请点右上角的加号\r\n然后选“视频通话”")
    assert sent.status_code == 303 and "done=sent" in sent.headers["location"]
    courier_tick(live)
    relayed = [m for m in senior.inbox() if "加号" in m]
    assert relayed and relayed[0].startswith("志愿者小王：") and "\n然后选" in relayed[0]

    # the person's answer comes back into the console's conversation
    assert "转给志愿者小王" in senior.say("点了，看到了")
    thread = wang.http.get(f"/desk/api/request/{rid}").json()
    assert "点了，看到了" in thread["html"] and "加号" in thread["html"]
    assert thread["status"] == "claimed"
    assert "已发出" in thread["html"]  # the reply's delivery state

    # bounded input, kindly refused, the draft kept
    long = wang.post(f"/desk/request/{rid}/reply", text="长" * 1001)
    assert long.status_code == 400 and "最多 1000 个字" in long.text and "长" * 1001 in long.text
    empty = wang.post(f"/desk/request/{rid}/reply", text="   ")
    assert empty.status_code == 400 and "请先写" in empty.text

    closed = wang.post(f"/desk/request/{rid}/close")
    assert "done=closed" in closed.headers["location"]
    assert help_requests.get(live.db, rid)["status"] == "closed"
    courier_tick(live)
    assert any("结束了这次帮助" in m for m in senior.inbox())
    assert wang.http.get("/desk/api/requests").json()["count"] == 0

    actions = [
        (e["action"], e["actor"]) for e in audit.entries(live.db) if e["action"].startswith("help.")
    ]
    me = help_requests.get(live.db, rid)["volunteer_id"]
    assert actions == [("help.claim", me), ("help.reply", me), ("help.close", me)]
    for c in (wang, li, senior):
        c.close()


def _asked_for_help(live):
    """Volunteer 小王 on duty, a senior on the web chat who asked for a person, the request."""
    wang = _volunteer(live, "小王")
    senior = ChatUser(live.url)
    senior.say("找人帮忙")
    [r] = help_requests.open_requests(live.db)
    return wang, senior, r


def test_the_person_ending_it_shows_in_the_console(live):
    wang, senior, r = _asked_for_help(live)
    wang.post(f"/desk/request/{r['id']}/claim")
    senior.say("不用了")
    thread = wang.http.get(f"/desk/api/request/{r['id']}").json()
    assert thread["status"] == "closed" and "对方说不用了" in thread["html"]
    page = wang.http.get(f"/desk/request/{r['id']}").text
    assert "已结束" in page and "/reply" not in page  # nothing more to answer
    wang.close()
    senior.close()


def test_an_admin_reads_every_conversation_but_takes_none_without_being_a_volunteer(live):
    wang, senior, r = _asked_for_help(live)
    admin = Staff(live.url)
    admin.login_link(staff_tokens.issue(live.db, ADMIN))
    listing = admin.http.get("/desk").text
    assert f"/desk/request/{r['id']}/claim" not in listing and "成为志愿者" in listing
    refused = admin.post(f"/desk/request/{r['id']}/claim")
    assert refused.status_code == 403 and help_requests.get(live.db, r["id"])["status"] == "open"
    wang.post(f"/desk/request/{r['id']}/claim")
    wang.post(f"/desk/request/{r['id']}/reply", text="您好")
    assert "您好" in admin.http.get(f"/desk/api/request/{r['id']}").json()["html"]
    assert admin.http.get("/desk/request/999").status_code == 404
    assert re.search(r"<h1>求助 #\d+", admin.http.get(f"/desk/request/{r['id']}").text)
    for c in (wang, senior, admin):
        c.close()
