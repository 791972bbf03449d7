"""Fixtures for the Telegram tests (helpers live in tgkit.py, the fake server in
fake_bot_api.py)."""

from __future__ import annotations

import pytest
from fake_bot_api import TOKEN, FakeBotApi, FakeTelegram
from telegram import Bot
from tgkit import FakeAssistant, FakeRequest, Harness

from bot.channels.telegram import build_application
from bot.config import Settings
from bot.service import Services


@pytest.fixture(scope="module")
def fake():
    """The fake Bot API server over loopback, one per test module (`reset()` it between uses)."""
    server = FakeBotApi().start()
    yield server
    server.stop()


@pytest.fixture
def api() -> FakeTelegram:
    return FakeTelegram()


@pytest.fixture
def assistant() -> FakeAssistant:
    return FakeAssistant()


@pytest.fixture
async def bot(api):
    """A PTB Bot talking to the fake Bot API."""
    bot = Bot(TOKEN, request=FakeRequest(api), get_updates_request=FakeRequest(api))
    await bot.initialize()
    yield bot
    await bot.shutdown()


@pytest.fixture
async def harness(api, assistant, db, catalogue):
    made = []

    async def make(assistant=assistant, **services_kw) -> Harness:
        services = Services(
            settings=Settings(), db=db, catalogue=catalogue, assistant=assistant, **services_kw
        )
        app = build_application(services, TOKEN, request=FakeRequest(api), rate_limit=False)
        await app.initialize()
        made.append((app, services))
        return Harness(api, services, app)

    yield make
    for app, services in made:
        await app.shutdown()
        services.executor.shutdown(wait=True)
        services.turn_executor.shutdown(wait=True)
