"""The scheduler's Telegram sender and the web app's webhook route, without the network."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from bot.channels.telegram_sender import TelegramSender, chat_id_of
from bot.config import Settings
from bot.service import Services, _file_url, webhook_url
from bot.web import create_app
from scheduler.sender import (
    OutboundMessage,
    PermanentSendError,
    RoutingSender,
    TransientSendError,
)

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

REMINDER = OutboundMessage(
    "明天(周六)上午9:30:青春期亲子沟通讲座 <线上>",
    (("收到", "/affirm"), ("不去了，取消提醒", '/unsubscribe{"sub":"7"}')),
    key="sub7:lec-1:1440",
)


async def test_a_reminder_is_sent_with_its_buttons(bot, api):
    await TelegramSender(bot).send("telegram:42", REMINDER)
    (call,) = api.sent(42)
    assert call.params["text"] == "明天(周六)上午9:30:青春期亲子沟通讲座 &lt;线上&gt;"
    rows = call.params["reply_markup"]["inline_keyboard"]
    assert [r[0]["callback_data"] for r in rows] == ["/affirm", '/unsubscribe{"sub":"7"}']


async def test_429_is_transient_and_the_sender_waits_as_asked(bot, api, monkeypatch):
    sender = TelegramSender(bot)
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    with pytest.raises(TransientSendError):
        await sender.send("telegram:42", REMINDER)
    waits = []
    real_sleep = asyncio.sleep

    async def recording_sleep(seconds, *args, **kwargs):
        waits.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr("bot.channels.telegram_sender.asyncio.sleep", recording_sleep)
    await sender.send("telegram:42", REMINDER)
    # The next send first waits out (most of) the second Telegram asked for.
    assert waits and 0.5 < waits[0] <= 1.0
    assert len(api.sent(42)) == 1


async def test_403_is_permanent(bot, api):
    api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    with pytest.raises(PermanentSendError):
        await TelegramSender(bot).send("telegram:42", REMINDER)


async def test_a_deleted_chat_is_permanent_other_errors_transient(bot, api):
    api.fail_next("sendMessage", 400, "Bad Request: chat not found")
    with pytest.raises(PermanentSendError):
        await TelegramSender(bot).send("telegram:42", REMINDER)
    api.fail_next("sendMessage", 502, "Bad Gateway")
    with pytest.raises(TransientSendError):
        await TelegramSender(bot).send("telegram:42", REMINDER)


async def test_long_payloads_use_the_resolver_or_are_dropped(bot, api):
    long = OutboundMessage("x", (("a", "/subscribe" + "{}" * 40),))

    async def resolve(payload):
        return "k:abc"

    await TelegramSender(bot, resolve).send("telegram:42", long)
    await TelegramSender(bot).send("telegram:42", long)
    first, second = api.sent(42)
    assert first.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "k:abc"
    assert "reply_markup" not in second.params


def test_only_telegram_users_can_be_reached():
    assert chat_id_of("telegram:-1001") == -1001
    with pytest.raises(PermanentSendError):
        chat_id_of("web:abc")


async def test_reminders_for_other_channels_are_not_a_block(bot, api):
    sender = RoutingSender({"telegram": TelegramSender(bot)})  # as `leling run` assembles it
    await sender.send("telegram:42", REMINDER)
    assert len(api.sent(42)) == 1
    with pytest.raises(TransientSendError):
        await sender.send("web:9f1c", REMINDER)


def test_webhook_and_file_urls():
    s = Settings(webhook_url="https://leling.example.org")
    assert webhook_url(s) == "https://leling.example.org/telegram/webhook"
    s = Settings(webhook_url="https://example.org/hooks/leling")
    assert webhook_url(s) == "https://example.org/hooks/leling"
    assert _file_url("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"


class _App:
    def __init__(self, bot):
        self.bot, self.update_queue = bot, asyncio.Queue()


async def test_webhook_checks_the_secret_token(bot, db):
    services = Services(
        settings=Settings(),
        db=db,
        catalogue=None,
        assistant=None,
        telegram=_App(bot),
        telegram_mode="webhook",
        webhook_secret="s3cret",
    )
    transport = httpx.ASGITransport(app=create_app(services))
    update = {
        "update_id": 5,
        "message": {
            "message_id": 1,
            "date": 0,
            "text": "hi",
            "chat": {"id": 42, "type": "private"},
        },
    }
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/healthz")).json() == {"status": "ok", "telegram": "webhook"}
        r = await client.post("/telegram/webhook", json=update)
        assert r.status_code == 403
        r = await client.post(
            "/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
        )
        assert r.status_code == 403
        assert services.telegram.update_queue.empty()
        r = await client.post(
            "/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
        )
        assert r.status_code == 200
        assert (await services.telegram.update_queue.get()).update_id == 5
        r = await client.post(
            "/telegram/webhook",
            content=b"not json",
            headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"},
        )
        assert r.status_code == 400
    services.executor.shutdown()


async def test_no_webhook_route_when_polling(db):
    services = Services(settings=Settings(), db=db, catalogue=None, assistant=None)
    transport = httpx.ASGITransport(app=create_app(services))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.post("/telegram/webhook", json={})).status_code == 404
        assert (await client.get("/healthz")).json()["telegram"] is None
    services.executor.shutdown()
