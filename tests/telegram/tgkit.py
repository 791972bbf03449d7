"""Helpers for the Telegram tests: an offline request object over `FakeTelegram` (like
python-telegram-bot's own `OfflineRequest`, but answering with Telegram's JSON and recording
every call), a scriptable fake assistant, and a harness that processes one update at a time."""

from __future__ import annotations

import json

from fake_bot_api import FakeTelegram
from telegram import Update
from telegram.request import BaseRequest

from bot.service import Services
from dialogues.models import Button, Incoming, Reply


class FakeRequest(BaseRequest):
    """A `BaseRequest` that never touches the network: calls go to a `FakeTelegram`."""

    def __init__(self, api: FakeTelegram):
        self.api = api

    @property
    def read_timeout(self) -> float:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url,
        method,
        request_data=None,
        read_timeout=None,
        write_timeout=None,
        connect_timeout=None,
        pool_timeout=None,
    ):
        if "/file/bot" in url:
            path = url.split("/file/bot", 1)[1].split("/", 1)[1]
            for stored, data in self.api.files.values():
                if stored == path:
                    return 200, data
            return 404, b"Not Found"
        files = {}
        for name, (filename, content, mime) in (
            (request_data.multipart_data if request_data else None) or {}
        ).items():
            files[name] = (
                filename,
                content if isinstance(content, bytes) else content.read(),
                mime,
            )
        params = dict(request_data.parameters) if request_data else {}
        status, body = self.api.call(url.rsplit("/", 1)[-1], params, files)
        return status, json.dumps(body).encode()


class FakeAssistant:
    """Answers each message with `script(incoming)` (default: echo it with two buttons)."""

    def __init__(self, script=None):
        self.seen: list[Incoming] = []
        self.script = script or (
            lambda m: [
                Reply(
                    f"echo: {m.text}", [Button("下一步", "/guide_next"), Button("回首页", "/help")]
                )
            ]
        )

    def handle(self, incoming: Incoming) -> list[Reply]:
        self.seen.append(incoming)
        return self.script(incoming)


class Harness:
    """One Application over a FakeTelegram: `await h.send(kind, ...)` processes an update."""

    def __init__(self, api: FakeTelegram, services: Services, app):
        self.api, self.services, self.app = api, services, app

    async def process(self, update_id: int) -> None:
        data = next(u for u in self.api.take_updates(0) if u["update_id"] == update_id)
        await self.app.process_update(Update.de_json(data, self.app.bot))

    async def text(self, chat_id: int, text: str, **kw) -> list:
        mark = self.api.mark()
        await self.process(self.api.send_text(chat_id, text, **kw))
        return self.api.calls[mark:]

    async def do(self, fn, *args, **kw) -> list:
        """Push an update with `fn(*args)` (a FakeTelegram method), process it, return calls."""
        mark = self.api.mark()
        await self.process(fn(*args, **kw))
        return self.api.calls[mark:]


def sent_texts(calls) -> list[str]:
    """The visible texts of successful sendMessage / editMessageText calls."""
    return [
        c.params["text"]
        for c in calls
        if c.method in ("sendMessage", "editMessageText") and c.status == 200
    ]
