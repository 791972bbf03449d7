"""Reminders for WeChat followers: customer service inside the 48-hour window, the operator's
template outside it, the inbox (handed over with the next reply) without a template."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from wxkit import message_xml, reply_text

from bot.channels.wechat_sender import WeChatSender, template_data, template_fields
from scheduler.sender import OutboundMessage, PermanentSendError
from store import inbox

TZ = ZoneInfo("Asia/Shanghai")
LECTURE = "lec-dongcheng-teen-silence-1205"  # Saturday 5 Dec 2026, 14:00
MESSAGE = OutboundMessage(
    text="提醒您：明天下午2:00有讲座\n地点：东城区", buttons=(("看详情", "/help"),), key="r:1"
)


def sender(wx, *, hours_later: float = 0, **kw) -> WeChatSender:
    services = wx.services
    return WeChatSender(
        wx.channel,
        lambda fn, *args: services.run(fn, services.db, *args),
        clock=lambda: datetime.now(UTC) + timedelta(hours=hours_later),
        **kw,
    )


def test_reminder_reaches_a_follower_through_the_dispatcher(wx, fake):
    wx.say("你好", openid="oRem")
    answer = wx.say(f'/subscribe{{"lecture":"{LECTURE}"}}', openid="oRem")
    assert "会在这里发给您" in answer  # how reminders reach a WeChat follower
    report = wx.dispatch(datetime(2026, 12, 4, 18, 0, 30, tzinfo=TZ))  # the day before
    assert report.sent == 1
    sent = fake.wait_sent(1)
    assert sent[-1]["touser"] == "oRem"
    assert "青春期孩子不爱说话怎么办" in fake.content(sent[-1])
    assert wx.dispatch(datetime(2026, 12, 4, 18, 1, tzinfo=TZ)).sent == 0  # exactly once


def test_inside_the_window_buttons_are_tappable_options(wx, fake):
    wx.say("你好", openid="oIn")
    wx.run(sender(wx, hours_later=47).send("wechat:oIn", MESSAGE))
    sent = fake.wait_sent(1)[-1]
    assert sent["msgtype"] == "msgmenu"
    assert sent["msgmenu"]["head_content"].startswith("提醒您")
    assert sent["msgmenu"]["list"] == [{"id": "1", "content": "看详情"}]
    # a tap comes back as text carrying the option's id: its payload runs
    tap = message_xml(openid="oIn", MsgType="text", Content="看详情", bizmsgmenuid="1", msg_id="71")
    assert "找学习点" in reply_text(wx.post(tap).text)


def test_without_msgmenu_numbered_lines(wx, fake):
    fake.allow_menu = False
    wx.say("你好", openid="oIn2")
    wx.run(sender(wx, hours_later=47).send("wechat:oIn2", MESSAGE))
    text = fake.wait_sent(1)[-1]["text"]["content"]
    assert text.startswith("提醒您") and "回复1：看详情" in text
    assert "找学习点" in wx.say("1", openid="oIn2")  # "1" is the reminder's button


def test_outside_the_window_by_template(wx, fake):
    wx.say("你好", openid="oOut")
    s = sender(wx, hours_later=49, template_id="TPL1", fields="thing1=first,thing2=rest")
    wx.run(s.send("wechat:oOut", MESSAGE))
    assert fake.sent == []
    assert fake.templates[-1]["template_id"] == "TPL1"
    assert fake.templates[-1]["data"]["thing1"]["value"] == "提醒您：明天下午2:00有讲座"


def test_window_closed_says_wechat_then_template(wx, fake):
    wx.say("你好", openid="oClosed")
    fake.outside_window.add("oClosed")
    wx.run(sender(wx, template_id="TPL1").send("wechat:oClosed", MESSAGE))
    assert len(fake.templates) == 1


def test_no_template_waits_in_the_inbox_until_they_write(wx, fake):
    wx.say("你好", openid="oQuiet")
    wx.run(sender(wx, hours_later=49).send("wechat:oQuiet", MESSAGE))
    assert fake.sent == [] and fake.templates == []
    db = wx.services.db
    assert wx.services.executor.submit(inbox.count, db, "wechat:oQuiet").result() == 1
    answer = reply_text(
        wx.post(message_xml(openid="oQuiet", MsgType="text", Content="你好", msg_id="880")).text
    )
    sent = fake.wait_sent(1)  # the waiting reminder follows the passive reply
    assert "这期间给您的提醒" in sent[-1]["text"]["content"] + answer
    assert wx.services.executor.submit(inbox.count, db, "wechat:oQuiet").result() == 0


def test_unfollowed_user_is_a_permanent_failure(wx, fake):
    wx.say("你好", openid="oLeft")
    fake.unfollowed.add("oLeft")  # WeChat answers 43004 to every send
    with pytest.raises(PermanentSendError):
        wx.run(sender(wx, template_id="TPL1").send("wechat:oLeft", MESSAGE))


def test_not_a_wechat_user_or_forgotten_is_permanent(wx):
    with pytest.raises(PermanentSendError):
        wx.run(sender(wx).send("telegram:1", MESSAGE))
    with pytest.raises(PermanentSendError):
        wx.run(sender(wx).send("wechat:nobody", MESSAGE))


def test_template_field_mapping():
    fields = template_fields("thing1=first, time2='明天', remark=text")
    data = template_data(fields, "提醒您：青春期孩子不爱说话怎么办讲座明天开始\n第二行")
    assert data["thing1"].endswith("…") and len(data["thing1"]) == 20
    assert data["time2"] == "明天"
    assert data["remark"].endswith("第二行")
    assert template_fields(None) == {"first": "first", "remark": "rest"}
