"""A small fake Telegram Bot API server for tests and the benchmark.

It speaks Telegram's JSON for the methods Leling uses — getMe, getUpdates (long polling),
sendMessage, sendVoice and sendDocument (multipart), sendVenue, sendChatAction,
answerCallbackQuery, editMessageText, setMyCommands, setWebhook / deleteWebhook, getFile and
the file download path — checks what the real server checks (HTML entities, 4096 characters,
64-byte callback_data) and can answer the next call of a method with an error such as a 429
with `retry_after` or a 403 (the user blocked the bot).

    fake = FakeBotApi().start()               # listens on 127.0.0.1:<free port>
    ... run a bot with base_url=fake.base_url, base_file_url=fake.base_file_url ...
    fake.send_text(42, "/start")
    call = fake.wait_for("sendMessage", chat_id=42)
    fake.stop()

`FakeTelegram` (the state, no HTTP) is also used in-process by the fast handler tests.
In webhook mode (after setWebhook) pushed updates are POSTed to the webhook with the secret
header, one at a time, as Telegram does.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.policy
import json
import socket
import threading
import time
from email.parser import BytesParser
from urllib.parse import parse_qsl

import httpx
import uvicorn
from fake_telegram import BOT_USERNAME, TOKEN, ApiError, Call, FakeTelegram, html_text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

__all__ = [
    "BOT_USERNAME",
    "TOKEN",
    "ApiError",
    "Call",
    "FakeBotApi",
    "FakeTelegram",
    "free_port",
    "html_text",
]

JSON_KEYS = {
    "reply_markup",
    "commands",
    "scope",
    "allowed_updates",
    "entities",
    "link_preview_options",
    "reply_parameters",
    "caption_entities",
}


def _decode_body(ctype: str, body: bytes) -> tuple[dict, dict]:
    """Form fields (JSON-decoded where Telegram expects JSON) and uploaded files, from a
    urlencoded or multipart body (the standard library only: no python-multipart needed)."""
    fields: list[tuple[str, str]] = []
    files: dict = {}
    if ctype.startswith("multipart/"):
        msg = BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body
        )
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True) or b""
            if part.get_filename() is not None:
                files[name] = (part.get_filename(), data, part.get_content_type())
            else:
                fields.append((name, data.decode("utf-8")))
    else:
        fields = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    params = {}
    for key, value in fields:
        if key in JSON_KEYS or (key != "text" and value[:1] in "{[" and value[-1:] in "}]"):
            params[key] = json.loads(value)
        else:
            params[key] = value
    return params, files


class FakeBotApi(FakeTelegram):
    """FakeTelegram served over HTTP on 127.0.0.1, in a background thread."""

    def __init__(
        self, token: str = TOKEN, username: str = BOT_USERNAME, port: int = 0, delay: float = 0.0
    ):
        """`delay`: seconds added to every answer but long polls, like a distant server."""
        super().__init__(token, username)
        self.delay = delay
        self.port = port or free_port()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.wake: asyncio.Event | None = None
        self.webhook_posts: list[tuple[int, int]] = []  # (update_id, HTTP status)
        self.encodings: list[tuple[str, str]] = []  # (method, request content type)
        self.on_update = self._wake
        self.app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._api, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._file, methods=["GET"]),
            ]
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def _wake(self) -> None:
        if self.loop is not None and self.wake is not None:
            self.loop.call_soon_threadsafe(self.wake.set)

    async def _api(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return JSONResponse(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401
            )
        method = request.path_params["method"]
        ctype = request.headers.get("content-type", "")
        self.encodings.append((method, ctype.split(";")[0]))
        if "json" in ctype:
            params, files = await request.json(), {}
        else:
            params, files = _decode_body(ctype, await request.body())
        if method == "getUpdates":
            return await self._long_poll(params)
        if self.delay:
            await asyncio.sleep(self.delay)
        status, body = self.call(method, params, files)
        return JSONResponse(body, status_code=status)

    async def _long_poll(self, params: dict) -> Response:
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while True:
            self.wake.clear()
            status, body = self.call("getUpdates", params)
            left = deadline - time.monotonic()
            if status != 200 or body["result"] or left <= 0:
                return JSONResponse(body, status_code=status)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), min(left, 1.0))

    async def _file(self, request: Request) -> Response:
        path = request.path_params["path"]
        with self.lock:
            for stored_path, data in self.files.values():
                if stored_path == path and request.path_params["token"] == self.token:
                    return Response(data, media_type="application/octet-stream")
        return Response(b"Not Found", status_code=404)

    async def _webhook_worker(self) -> None:
        failures = 0
        async with httpx.AsyncClient(timeout=30) as client:
            while True:
                await self.wake.wait()
                self.wake.clear()
                while True:
                    with self.lock:
                        hook, update = self.webhook, (self.updates[0] if self.updates else None)
                    if not hook or update is None:
                        break
                    body = {k: v for k, v in update.items() if k != "_at"}
                    headers = (
                        {"X-Telegram-Bot-Api-Secret-Token": hook["secret"]}
                        if hook["secret"]
                        else {}
                    )
                    try:
                        r = await client.post(hook["url"], json=body, headers=headers)
                        status = r.status_code
                    except httpx.HTTPError:
                        status = 0
                    self.webhook_posts.append((update["update_id"], status))
                    failures = 0 if status == 200 else failures + 1
                    if status == 200 or failures >= 5:  # Telegram, too, gives up eventually
                        with self.lock:
                            if self.updates and self.updates[0] is update:
                                self.updates.popleft()
                    else:
                        await asyncio.sleep(0.2)

    def start(self) -> FakeBotApi:
        """Serve in a daemon thread; returns when the port accepts connections."""
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.server.install_signal_handlers = lambda: None  # uvicorn < 0.29
        ready = threading.Event()

        async def main() -> None:
            self.loop, self.wake = asyncio.get_running_loop(), asyncio.Event()
            worker = asyncio.create_task(self._webhook_worker())
            ready.set()
            await self.server.serve()
            worker.cancel()

        def run() -> None:
            asyncio.run(main())

        self.thread = threading.Thread(target=run, name="fake-bot-api", daemon=True)
        self.thread.start()
        ready.wait(10)
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving and join the thread."""
        self.server.should_exit = True
        self.thread.join(10)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
