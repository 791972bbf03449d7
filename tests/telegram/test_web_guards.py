"""The web app's guards: request bodies capped (413), wrong-secret warnings rate-limited, and
`/healthz` answering 503 when the event loop or the updates are stalled."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from bot.config import Settings
from bot.health import Health
from bot.service import Services
from bot.web import create_app
from bot.webguard import MAX_BODY, BodyLimit, QuietLog

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SECRET = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class _App:
    def __init__(self):
        self.bot, self.update_queue = None, asyncio.Queue()


@pytest.fixture
def services(db):
    made = Services(
        settings=Settings(),
        db=db,
        catalogue=None,
        assistant=None,
        telegram=_App(),
        telegram_mode="webhook",
        webhook_secret="s3cret",
    )
    yield made
    made.executor.shutdown()
    made.turn_executor.shutdown()


def client(services, **kw) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(services, **kw))
    return httpx.AsyncClient(transport=transport, base_url="http://t")


async def test_a_body_over_one_megabyte_is_refused_with_413(services):
    async with client(services) as c:
        r = await c.post("/telegram/webhook", content=b"{" + b" " * MAX_BODY + b"}", headers=SECRET)
        assert r.status_code == 413
        r = await c.post("/telegram/webhook", content=b"x" * 100, headers=SECRET)
        assert r.status_code == 400  # under the cap: read, and not an update
        r = await c.post(
            "/telegram/webhook", content=b"{}", headers={**SECRET, "Content-Length": "abc"}
        )
        assert r.status_code == 400
    assert services.telegram.update_queue.empty()


async def test_a_body_without_a_length_is_cut_off_while_it_is_read():
    reached = []

    async def app(scope, receive, send):
        while True:
            message = await receive()
            reached.append(len(message.get("body", b"")))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    chunks = iter([b"a" * 600, b"b" * 600, b"c" * 600])

    async def receive():
        return {"type": "http.request", "body": next(chunks), "more_body": True}

    sent = []

    async def send(message):
        sent.append(message)

    await BodyLimit(app, max_bytes=1000)({"type": "http", "headers": []}, receive, send)
    assert sent[0]["status"] == 413
    assert reached == [600]  # the app never saw the chunk that went over


def test_a_repeated_warning_is_logged_once_a_minute_with_a_count(caplog):
    clock = FakeClock()
    quiet = QuietLog(logging.getLogger("test.quiet"), "wrong secret from %s", clock=clock)
    with caplog.at_level(logging.WARNING, "test.quiet"):
        for _ in range(1231):
            quiet.warn("192.0.2.1")
            clock.now += 0.01
        assert len(caplog.records) == 1
        clock.now += 60
        quiet.warn("192.0.2.1")
    assert len(caplog.records) == 2
    assert "and 1230 more like it" in caplog.records[1].getMessage()


async def test_wrong_secret_calls_write_one_warning(services, caplog):
    async with client(services) as c:
        with caplog.at_level(logging.WARNING, "bot.web"):
            for _ in range(50):
                r = await c.post(
                    "/telegram/webhook", json={}, headers={"X-Telegram-Bot-Api-Secret-Token": "x"}
                )
                assert r.status_code == 403
    assert len([r for r in caplog.records if "secret" in r.getMessage()]) == 1


async def test_healthz_reports_a_stalled_loop_and_stalled_updates(services):
    clock = FakeClock()
    services.health = Health(stall_after=60, clock=clock)
    async with client(services) as c:
        assert (await c.get("/healthz")).status_code == 200  # no heartbeat yet: nothing to judge
        services.health.tick()
        clock.now += 61
        r = await c.get("/healthz")
        assert r.status_code == 503 and r.json()["stalled"] == ["event loop"]
        services.health.tick()
        assert (await c.get("/healthz")).status_code == 200
        # An update in hand, and nothing moves for a minute.
        services.health.started()
        clock.now += 30
        services.health.tick()
        assert (await c.get("/healthz")).status_code == 200
        clock.now += 31
        services.health.tick()
        r = await c.get("/healthz")
        assert r.status_code == 503 and r.json()["stalled"] == ["updates"]
        services.health.finished()
        assert (await c.get("/healthz")).json() == {"status": "ok", "telegram": "webhook"}
        # Updates queued but none taken: stalled a minute after it was first seen.
        await services.telegram.update_queue.put(object())
        assert (await c.get("/healthz")).status_code == 200
        clock.now += 61
        services.health.tick()
        assert (await c.get("/healthz")).json()["stalled"] == ["updates"]


async def test_the_heartbeat_ticks_on_the_loop():
    health = Health(interval=0.001)
    task = asyncio.create_task(health.beat())
    await asyncio.sleep(0.01)
    task.cancel()
    assert health.last_tick is not None


async def test_the_update_processor_reports_progress(harness):
    h = await harness()
    before = h.services.health.last_progress
    await h.text(42, "你好")
    assert h.services.health.in_flight == 0
    assert h.services.health.last_progress >= before
