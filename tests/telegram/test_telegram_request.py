"""The bot's HTTP layer (bot/channels/telegram_request.py) over real HTTP on 127.0.0.1, against
the fake Bot API server: JSON bodies, multipart uploads, file downloads, PTB's errors, proxies."""

from __future__ import annotations

import asyncio

import pytest
from fake_bot_api import TOKEN, FakeBotApi, free_port
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
)
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.channels import telegram_request
from bot.channels.telegram_request import AiohttpRequest, proxy_for


@pytest.fixture
def fake(fake):
    """The module's fake Bot API server (tests/telegram/conftest.py), reset for each test."""
    fake.reset()
    fake.encodings.clear()
    return fake


def bot_for(fake: FakeBotApi, **kw) -> Bot:
    return Bot(
        TOKEN,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        request=AiohttpRequest(**kw),
        get_updates_request=AiohttpRequest(1),
    )


async def test_a_reply_travels_as_json_with_chinese_and_its_keyboard_intact(fake):
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "1. 北京老年开放大学", callback_data='/center_info{"center":"bjou"}'
                )
            ]
        ]
    )
    async with bot_for(fake) as bot:
        sent = await bot.send_message(
            42,
            "离您最近的：<b>北京老年开放大学</b> &amp; 更多",
            parse_mode="HTML",
            reply_markup=keyboard,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
    assert ("sendMessage", "application/json") in fake.encodings
    call = fake.calls[-1]
    assert call.params["chat_id"] == 42
    assert call.params["text"] == "离您最近的：<b>北京老年开放大学</b> &amp; 更多"
    assert call.params["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "1. 北京老年开放大学", "callback_data": '/center_info{"center":"bjou"}'}]
        ]
    }
    assert call.params["link_preview_options"] == {"is_disabled": True}
    assert sent.text == "离您最近的：北京老年开放大学 & 更多"  # the answer, parsed back by PTB


async def test_a_voice_upload_is_multipart_and_a_file_downloads_byte_for_byte(fake):
    audio = bytes(range(256)) * 40
    async with bot_for(fake) as bot:
        await bot.send_voice(42, InputFile(audio, filename="leling.ogg"), caption="第一步")
        assert ("sendVoice", "multipart/form-data") in fake.encodings
        call = fake.calls[-1]
        assert call.params["caption"] == "第一步"
        assert call.files["voice"][1] == audio

        file_id = fake.add_file(b"OggS fake voice", "voice/file_7.oga")
        file = await bot.get_file(file_id)
        assert bytes(await file.download_as_bytearray()) == b"OggS fake voice"


async def test_a_429_becomes_retry_after(fake):
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    async with bot_for(fake) as bot:
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(42, "你好")
    assert "Retry in 3 seconds" in str(caught.value)


async def test_a_slow_server_is_a_timeout(fake):
    async with bot_for(fake, read_timeout=0.2) as bot:
        fake.delay = 1.0
        try:
            with pytest.raises(TimedOut):
                await bot.send_message(42, "你好")
        finally:
            fake.delay = 0.0


async def test_after_the_server_restarts_the_next_call_goes_through():
    """The closed keep-alive connection is dropped from the pool, not reused."""
    first = FakeBotApi().start()
    async with bot_for(first) as bot:
        await bot.send_message(42, "你好")
        first.stop()
        again = FakeBotApi(port=first.port).start()
        try:
            await asyncio.sleep(0.05)  # the event loop sees the old connection close
            await bot.send_message(42, "还在吗")
            assert [c.params["text"] for c in again.calls] == ["还在吗"]
        finally:
            again.stop()


async def test_no_server_is_a_network_error():
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as caught:
            await request.post(f"http://127.0.0.1:{free_port()}/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()
    assert not isinstance(caught.value, TimedOut)
    assert "aiohttp" in str(caught.value)


async def test_the_pool_opens_again_after_a_shutdown(fake):
    request = AiohttpRequest()
    bot = Bot(TOKEN, base_url=fake.base_url, request=request)
    async with bot:
        assert (await bot.get_me()).is_bot
    async with bot:  # the Application restarts: initialize() after shutdown()
        assert (await bot.get_me()).is_bot


async def test_a_request_before_initialize_says_so():
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:9/x", "GET")


@pytest.mark.parametrize(
    ("env", "url", "proxy"),
    [
        ({}, "https://api.telegram.org/botX/getMe", None),
        (
            {"HTTPS_PROXY": "http://proxy.district:3128"},
            "https://api.telegram.org/botX/getMe",
            "http://proxy.district:3128",
        ),
        (
            {"HTTPS_PROXY": "http://proxy.district:3128", "NO_PROXY": "127.0.0.1,localhost"},
            "https://127.0.0.1:8081/botX/getMe",
            None,
        ),
        ({"HTTP_PROXY": "http://p:80"}, "https://api.telegram.org/botX/getMe", None),
    ],
)
def test_proxies_come_from_the_environment(monkeypatch, env, url, proxy):
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    telegram_request._proxy.cache_clear()
    try:
        assert proxy_for(url) == proxy
    finally:
        telegram_request._proxy.cache_clear()
