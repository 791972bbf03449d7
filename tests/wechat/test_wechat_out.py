"""Customer-service replies against the fake WeChat API over real HTTP: the buttons as a
msgmenu when it fits, numbered lines when there are too many or the account may not."""

from __future__ import annotations

import pytest
from wxkit import APPID, SECRET

from bot.channels import wechat_out
from bot.channels.wechat_api import WeChatAPI, WeChatError
from bot.channels.wechat_render import render, split
from dialogues.models import Button, Reply


async def _send(fake, reply: Reply, permission=None):
    api = WeChatAPI(APPID, SECRET, base_url=fake.url)
    permission = permission or wechat_out.MenuPermission()
    try:
        await wechat_out.send_rendered(api, "oOut", render([reply], "zh"), permission)
    finally:
        await api.aclose()
    return permission


async def test_a_long_head_goes_as_text_then_a_short_menu(fake):
    text = "\n".join(f"第{i}行：明天下午两点在东城区有讲座。" for i in range(150))
    await _send(fake, Reply(text, [Button("看详情", "/help")]))
    kinds = [m["msgtype"] for m in fake.sent]
    assert kinds[-1] == "msgmenu" and set(kinds[:-1]) == {"text"} and len(kinds) >= 3
    # the text's last piece heads the menu; nothing is lost or repeated
    pieces = [fake.content(m) for m in fake.sent[:-1]] + [fake.sent[-1]["msgmenu"]["head_content"]]
    assert pieces == split(text)
    assert fake.sent[-1]["msgmenu"]["list"] == [{"id": "1", "content": "看详情"}]


async def test_a_head_too_big_for_the_menu_goes_as_text_before_it(fake):
    text = "提醒：" + "明天下午两点在东城区有讲座。" * 47  # one piece, too big with the options
    await _send(fake, Reply(text, [Button("看详情", "/help")]))
    assert [m["msgtype"] for m in fake.sent] == ["text", "msgmenu"]
    assert fake.content(fake.sent[0]) == text
    assert fake.sent[1]["msgmenu"]["head_content"] == "点一下就能选，也可以回复数字："


async def test_too_many_options_are_numbered_lines(fake):
    buttons = [Button(f"选项{i}", f"/help{i}") for i in range(wechat_out.MENU_MAX + 1)]
    await _send(fake, Reply("请选：", buttons))
    assert [m["msgtype"] for m in fake.sent] == ["text"]
    assert "回复11：选项10" in fake.content(fake.sent[0])


async def test_refused_menu_falls_back_once_and_is_remembered(fake):
    fake.allow_menu = False
    permission = await _send(fake, Reply("请选：", [Button("看详情", "/help")]))
    assert permission.allowed is False
    assert [fake.content(m) for m in fake.sent] == ["请选：\n回复1：看详情"]


async def test_window_closed_is_raised_for_the_sender(fake):
    fake.outside_window.add("oOut")
    with pytest.raises(WeChatError) as caught:
        await _send(fake, Reply("请选：", [Button("看详情", "/help")]))
    assert caught.value.errcode == 45015
