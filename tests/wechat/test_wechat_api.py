"""The access token: fetched once, cached, refreshed before expiry and on 40001, one fetch at a
time (against the fake WeChat API over real HTTP)."""

from __future__ import annotations

import asyncio

import pytest
from wxkit import APPID, SECRET

from bot.channels.wechat_api import REFRESH_MARGIN, WeChatAPI, WeChatError


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_token_cached_then_refreshed_before_expiry(fake):
    clock = Clock()
    api = WeChatAPI(APPID, SECRET, base_url=fake.url, clock=clock)
    try:
        await api.send_text("o1", "一")
        await api.send_text("o1", "二")
        assert fake.token_calls == 1
        clock.now += 7200 - REFRESH_MARGIN + 1  # inside the margin: fetched again first
        await api.send_text("o1", "三")
        assert fake.token_calls == 2
        assert [m["text"]["content"] for m in fake.sent] == ["一", "二", "三"]
    finally:
        await api.aclose()


async def test_40001_fetches_a_new_token_and_retries_once(fake):
    api = WeChatAPI(APPID, SECRET, base_url=fake.url)
    try:
        await api.send_text("o1", "前")
        fake.revoke()  # another process fetched a newer token: ours is now invalid
        await api.send_text("o1", "后")
        assert fake.token_calls == 2
        assert [m["text"]["content"] for m in fake.sent] == ["前", "后"]
    finally:
        await api.aclose()


async def test_one_refresher_at_a_time(fake):
    api = WeChatAPI(APPID, SECRET, base_url=fake.url)
    try:
        await asyncio.gather(*(api.send_text("o1", str(i)) for i in range(10)))
        assert fake.token_calls == 1
        assert len(fake.sent) == 10
    finally:
        await api.aclose()


async def test_other_errors_raise_with_the_code(fake):
    fake.outside_window.add("oGone")
    api = WeChatAPI(APPID, SECRET, base_url=fake.url)
    try:
        with pytest.raises(WeChatError) as err:
            await api.send_text("oGone", "x")
        assert err.value.errcode == 45015
        bad = WeChatAPI(APPID, "wrong-secret", base_url=fake.url)
        with pytest.raises(WeChatError) as err:
            await bad.token()
        assert err.value.errcode == 40013
        await bad.aclose()
    finally:
        await api.aclose()


async def test_template_and_menu_calls(fake):
    api = WeChatAPI(APPID, SECRET, base_url=fake.url)
    try:
        await api.send_template("o1", "TPL", {"thing1": "讲座"}, url="https://example.org/")
        await api.create_menu({"button": [{"type": "click", "name": "找学习点", "key": "/x"}]})
        assert fake.templates[0]["data"] == {"thing1": {"value": "讲座"}}
        assert fake.menus[0]["button"][0]["name"] == "找学习点"
    finally:
        await api.aclose()
