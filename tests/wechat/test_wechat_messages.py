"""Each kind of WeChat message and event, and the slow-turn path, over real HTTP."""

from __future__ import annotations

import time

from wxkit import WeChatServer, message_xml, reply_text, signed_query

from bot.channels.wechat_geo import wgs84_to_gcj02
from store import users


def post(wx, **fields) -> str:
    r = wx.post(message_xml(**fields))
    assert r.status_code == 200, r.text
    return reply_text(r.text)


def test_location_is_converted_from_gcj02_before_searching(wx):
    # 北京老年开放大学 stands at WGS-84 39.93215, 116.33862; WeChat reports the GCJ-02 point.
    lat, lon = wgs84_to_gcj02(39.93215, 116.33862)
    answer = post(wx, MsgType="location", Location_X=lat, Location_Y=lon, Scale=15, msg_id="1")
    first = answer.splitlines()[1]
    assert "北京老年开放大学" in first and "分校" not in first
    # converted, the point is the center itself; unconverted it would be ~600 m off
    assert "就在附近" in first


def test_location_off_the_earth_gets_a_kind_reply(wx):
    answer = post(wx, MsgType="location", Location_X="91", Location_Y="1", msg_id="2")
    assert answer and "问题" in answer


def test_voice_uses_wechats_recognition(wx):
    answer = post(
        wx, MsgType="voice", MediaId="m1", Format="amr", Recognition="朝阳区的老年大学", msg_id="3"
    )
    assert "朝阳" in answer


def test_voice_without_recognition_asks_to_type(wx):
    answer = post(wx, MsgType="voice", MediaId="m1", Format="amr", msg_id="4")
    assert "打字" in answer


def test_voice_without_recognition_uses_leling_asr_on_the_amr(wx, fake):
    fake.media["amr1"] = b"#!AMR\n" + b"\x3c" * 200
    heard = []

    def transcribe(audio, mime_type, lang):
        heard.append((audio[:6], mime_type))
        return "朝阳区的老年大学"

    wx.services.transcribe = transcribe
    answer = post(wx, MsgType="voice", MediaId="amr1", Format="amr", msg_id="7")
    assert "朝阳" in answer
    assert heard == [(b"#!AMR\n", "audio/amr")]
    # an unknown media id (expired after 3 days): a kind "please type"
    assert "打字" in post(wx, MsgType="voice", MediaId="gone", Format="amr", msg_id="8")


def test_image_and_others_get_a_kind_reply(wx):
    assert "图片" in post(wx, MsgType="image", PicUrl="http://x/y.jpg", MediaId="m", msg_id="5")
    assert "打字" in post(wx, MsgType="link", Title="t", Url="http://x", msg_id="6")


def test_menu_click_runs_its_payload(wx):
    answer = post(wx, MsgType="event", Event="CLICK", EventKey="/find_center")
    assert "附近" in answer


def test_subscribe_welcomes_with_menu_and_says_how_reminders_come(wx):
    answer = post(wx, openid="oNew", MsgType="event", Event="subscribe")
    assert "找学习点" in answer
    assert "提醒" in answer.splitlines()[-1]


def test_unsubscribe_deactivates_and_subscribe_again_reactivates(wx):
    post(wx, openid="oLeave", MsgType="event", Event="subscribe", CreateTime=1)
    assert post(wx, openid="oLeave", MsgType="event", Event="unsubscribe", CreateTime=2) == ""
    row = wx.services.executor.submit(users.get, wx.services.db, "wechat:oLeave").result()
    assert row["active"] == 0
    post(wx, openid="oLeave", MsgType="event", Event="subscribe", CreateTime=3)
    row = wx.services.executor.submit(users.get, wx.services.db, "wechat:oLeave").result()
    assert row["active"] == 1


def test_slow_turn_answers_success_then_customer_service(tmp_path, real_parser, fake):
    # A budget no turn can meet: the route must answer `success` at once and send the
    # reply through the customer-service API when the turn is done, its buttons as a msgmenu.
    with WeChatServer(tmp_path, real_parser, fake, budget=0.0) as wx:
        r = wx.post(message_xml(openid="oSlow", MsgType="text", Content="你好", msg_id="50"))
        assert r.text == "success"
        sent = fake.wait_sent(1)
        assert sent[0]["touser"] == "oSlow" and sent[0]["msgtype"] == "msgmenu"
        menu = sent[0]["msgmenu"]
        assert "1. 找学习点" in menu["head_content"]
        assert "回复数字就能选" in menu["head_content"]  # WeChat's wording, not "点下面的按钮"
        assert "回复1" not in menu["head_content"]  # no numbered lines: the options are tappable
        options = {o["id"]: o["content"] for o in menu["list"]}
        assert options["1"] == "找学习点" and "找人帮忙" in options.values()
        # WeChat's retry of the same message starts no second turn and sends nothing more
        r = wx.post(message_xml(openid="oSlow", MsgType="text", Content="你好", msg_id="50"))
        assert r.text == "success"
        assert wx.channel.turns == 1
        assert len(fake.wait_sent(1)) == 1
        # tapping an option comes back as text carrying its id: that option runs
        tap = message_xml(openid="oSlow", MsgType="text", Content="找学习点", bizmsgmenuid="1")
        assert wx.post(tap).text == "success"
        assert "附近" in fake.content(fake.wait_sent(2)[1])
        # a typed number picks the same way ("2": 朝阳区 of the next menu)
        wx.post(message_xml(openid="oSlow", MsgType="text", Content="2", msg_id="52"))
        assert "朝阳" in fake.content(fake.wait_sent(3)[2])


def test_slow_turn_without_msgmenu_permission_sends_numbered_lines(tmp_path, real_parser, fake):
    fake.allow_menu = False  # the account may not send msgmenu: WeChat answers 48001
    with WeChatServer(tmp_path, real_parser, fake, budget=0.0) as wx:
        wx.post(message_xml(openid="oNoMenu", MsgType="text", Content="你好", msg_id="60"))
        sent = fake.wait_sent(1)
        assert [s["msgtype"] for s in sent] == ["text"]
        assert "回复5：找人帮忙" in sent[0]["text"]["content"]
        assert wx.channel.menu.allowed is False  # remembered: no msgmenu tried again
        wx.post(message_xml(openid="oNoMenu", MsgType="text", Content="5", msg_id="61"))
        assert "人" in fake.content(fake.wait_sent(2)[1])


def test_long_reply_is_split_passive_first_then_customer_service(wx, fake):
    from bot.channels.wechat_render import split

    pieces = split("很长的一行\n" * 600)
    assert len(pieces) > 1 and all(len(p.encode()) <= 2000 for p in pieces)
    assert "".join(p + "\n" for p in pieces) == "很长的一行\n" * 600


def test_get_without_echostr_still_needs_a_signature(wx):
    assert wx.http.get("/wechat", params=signed_query()).status_code == 200


def test_a_long_reply_goes_passive_first_then_by_customer_service(wx, fake):
    from store import inbox

    wx.say("你好", openid="oLong")
    for i in range(3):  # reminders that waited: handed over with the next reply
        text = f"提醒{i}：" + "明天下午两点在东城区有讲座。" * 60
        wx.services.executor.submit(
            inbox.add, wx.services.db, "wechat:oLong", {"text": text}, f"k{i}"
        )
    first = wx.say("你好", openid="oLong")
    assert "找学习点" in first and len(first.encode()) <= 2048
    deadline = time.monotonic() + 20  # a wait, not a measurement
    while "".join(fake.content(m) for m in fake.sent).count("讲座。") < 180:
        assert time.monotonic() < deadline, "the rest never came"
        time.sleep(0.05)
    rest = [fake.content(m) for m in fake.sent]
    assert len(rest) >= 2 and all(len(x.encode()) <= 2048 for x in rest)
    assert rest[0].startswith("这期间给您的提醒：\n提醒0：明天")  # no piece of a heading alone
    assert all(x.endswith("。") for x in rest)  # cut after a sentence, not inside one
    assert "".join(rest).replace("\n", "").count("明天下午两点在东城区有讲座。") == 180


def test_unfollowing_stops_reminders(wx, fake):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    wx.say('/subscribe{"lecture":"lec-dongcheng-teen-silence-1205"}', openid="oBye")
    post(wx, openid="oBye", MsgType="event", Event="unsubscribe")
    report = wx.dispatch(datetime(2026, 12, 4, 18, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert report.sent == 0 and fake.sent == []
