"""Helpers for the staff-page tests: a browser-like HTTP client for /staff and /desk, a web
chat user, and the desk's courier run once (as `leling run` runs it)."""

from __future__ import annotations

import asyncio
import re
import threading

import httpx

from bot.service import reminder_sender
from scheduler.desk import DeskCourier

ADMIN = "telegram:1"  # LELING_ADMINS of the test server
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    return _CSRF.search(html).group(1)


class Staff:
    """A volunteer's or admin's browser: keeps its cookies, follows no redirect by itself."""

    def __init__(self, url: str):
        self.http = httpx.Client(base_url=url, timeout=30, headers={"Accept-Language": "zh-CN"})

    def login_code(self, code: str, name: str = "") -> httpx.Response:
        page = self.http.get("/staff/login")
        assert page.status_code == 200, page.text
        return self.http.post(
            "/staff/login", data={"csrf": csrf_of(page.text), "code": code, "name": name}
        )

    def login_link(self, url_or_token: str) -> httpx.Response:
        token = url_or_token.rsplit("t=", 1)[-1]
        page = self.http.get("/staff/login", params={"t": token})
        assert page.status_code == 200, page.text
        return self.http.post("/staff/login", data={"csrf": csrf_of(page.text), "t": token})

    def csrf(self, path: str = "/desk") -> str:
        page = self.http.get(path)
        assert page.status_code == 200, (page.status_code, page.text)
        return csrf_of(page.text)

    def post(self, path: str, **fields) -> httpx.Response:
        """A form POST with the CSRF token a page of the console gives."""
        return self.http.post(path, data={"csrf": self.csrf(), **fields})

    def close(self) -> None:
        self.http.close()


class ChatUser:
    """A person in the web chat (bot/webchat): says things, reads the inbox."""

    def __init__(self, url: str):
        self.http = httpx.Client(base_url=url, timeout=30, headers={"Accept-Language": "zh-CN"})
        page = self.http.get("/")
        self.token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)

    def say(self, text: str) -> str:
        r = self.http.post(
            "/api/message", json={"text": text}, headers={"X-CSRF-Token": self.token}
        )
        assert r.status_code == 200, r.text
        return "\n".join(reply["text"] for reply in r.json()["replies"])

    def inbox(self) -> list[str]:
        return [m["text"] for m in self.http.get("/api/inbox").json()["messages"]]

    def close(self) -> None:
        self.http.close()


async def tick_and_stop(courier):
    """One tick of a courier, then stop it; what the tick returned."""
    try:
        return await courier.tick()
    finally:
        await courier.stop()


def on_own_loop(make_coro):
    """`asyncio.run(make_coro())` on a thread of its own (Playwright's sync API keeps an event
    loop on this one); its result."""
    result: list = []
    worker = threading.Thread(target=lambda: result.append(asyncio.run(make_coro())))
    worker.start()
    worker.join(60)
    return result[0]


def courier_tick(live) -> int:
    """The desk's courier once (web users' messages go to their inbox); messages sent."""
    return on_own_loop(
        lambda: tick_and_stop(
            DeskCourier(live.settings.db, reminder_sender(live.services), clock=live.clock)
        )
    )


def announce_tick(live) -> dict:
    """The announcement courier once (web users' announcements go to their inbox)."""
    from scheduler.announce import AnnounceCourier

    return on_own_loop(
        lambda: tick_and_stop(
            AnnounceCourier(
                live.settings.db, reminder_sender(live.services), clock=live.clock, rate_per_s=0
            )
        )
    )
