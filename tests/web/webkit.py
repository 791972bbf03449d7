"""A real Leling web server for tests: uvicorn on 127.0.0.1 (a free port) on a thread, over a
fresh database and the shipped catalogue, with the conversation's clock fixed; and the reminder
dispatcher run once with an injected clock (as `leling run` runs it, web sender included)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import uvicorn

from bot.app import open_catalogue, open_database
from bot.config import Settings
from bot.service import Services, reminder_sender
from bot.web import create_app
from content.load import load_catalogue
from dialogues import Assistant
from scheduler.dispatcher import Dispatcher

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "content" / "data"
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 4, 15, 0, tzinfo=TZ)  # a Friday afternoon
SECRET = "test-secret-not-for-production"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(server: uvicorn.Server, thread: threading.Thread, what: str) -> None:
    """Start `thread` (which runs `server`) and wait until the server listens (20 s at most)."""
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.02)


async def dispatch_once(services: Services, at: datetime):
    """Run the reminder dispatcher once at `at`, sending as `leling run` does; its report."""
    d = Dispatcher(
        services.settings.db,
        load_catalogue,
        reminder_sender(services),
        clock=lambda: at,
        rate_per_s=0,
    )
    try:
        return await d.tick()
    finally:
        await d.close()


class Clock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class LiveServer:
    """The web app served for real. `limits` is a `WebLimits` (defaults when None);
    `services_kw` go to `Services` (e.g. `transcribe`, `speak`)."""

    def __init__(
        self, folder: Path, parser, now: datetime = NOW, limits=None, content=SAMPLE, **services_kw
    ):
        self.port = free_port()
        self.settings = Settings(
            db=folder / "leling.db", content=content, port=self.port, web_secret=SECRET
        )
        db = open_database(self.settings)
        catalogue = open_catalogue(self.settings, db)
        self.clock = Clock(now)
        assistant = Assistant(db, catalogue, parser, clock=self.clock)
        self.services = Services(
            settings=self.settings, db=db, catalogue=catalogue, assistant=assistant, **services_kw
        )
        config = uvicorn.Config(
            create_app(self.services, limits=limits),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="leling-web-test", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        start_server(self.server, self.thread, "the test web server")
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(15)
        self.services.close()

    def dispatch(self, at: datetime):
        """Run the reminder dispatcher once at `at` (sending as `leling run` does); its report."""

        # On a thread of its own: Playwright's sync API keeps an event loop on this one.
        result: list = []
        worker = threading.Thread(
            target=lambda: result.append(asyncio.run(dispatch_once(self.services, at)))
        )
        worker.start()
        worker.join(60)
        return result[0]
