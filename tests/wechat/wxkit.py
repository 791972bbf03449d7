"""Test kit for the WeChat channel: a fake WeChat API server over real HTTP on 127.0.0.1, a live
Leling server with the account configured, and messages signed (and encrypted) the way WeChat's
documentation describes them."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import uvicorn
import xmltodict
from wechatpy.crypto import WeChatCrypto

from bot.app import open_catalogue, open_database
from bot.channels.wechat import WeChatChannel, WeChatConfig
from bot.config import Settings
from bot.service import Services
from bot.web import create_app
from dialogues import Assistant

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))

from webkit import NOW, SAMPLE, Clock, dispatch_once, free_port, start_server  # noqa: E402

TOKEN = "leling-test-token"
APPID = "wx0123456789abcdef"
SECRET = "test-app-secret-0123456789abcdef"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as WeChat's
ACCOUNT = "gh_leling"


class FakeWeChat:
    """WeChat's API as Leling uses it: /cgi-bin/token, custom/send, template/send, menu/create.

    `sent`, `templates`, `menus` record the calls; `expires_in` is what a token claims;
    `revoke()` makes the current token answer 40001 once it is used (as when another process
    fetched a newer one)."""

    def __init__(self):
        self.tokens: list[str] = []
        self.valid: set[str] = set()
        self.expires_in = 7200
        self.sent: list[dict] = []
        self.templates: list[dict] = []
        self.menus: list[dict] = []
        self.token_calls = 0
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, body: dict) -> None:
                raw = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self):
                url = urlsplit(self.path)
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/cgi-bin/media/get":
                    if q.get("access_token") not in fake.valid:
                        return self._answer({"errcode": 40001, "errmsg": "invalid credential"})
                    data = fake.media.get(q.get("media_id", ""))
                    if data is None:
                        return self._answer({"errcode": 40007, "errmsg": "invalid media_id"})
                    self.send_response(200)
                    self.send_header("Content-Type", "audio/amr")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return None
                if url.path != "/cgi-bin/token":
                    return self._answer({"errcode": 404, "errmsg": "no such api"})
                if q.get("appid") != APPID or q.get("secret") != SECRET:
                    return self._answer({"errcode": 40013, "errmsg": "invalid appid"})
                with fake.lock:
                    fake.token_calls += 1
                    token = f"TOKEN{fake.token_calls}"
                    fake.tokens.append(token)
                    fake.valid = {token}
                self._answer({"access_token": token, "expires_in": fake.expires_in})

            def do_POST(self):
                url = urlsplit(self.path)
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if q.get("access_token") not in fake.valid:
                    return self._answer({"errcode": 40001, "errmsg": "invalid credential"})
                target = {
                    "/cgi-bin/message/custom/send": fake.sent,
                    "/cgi-bin/message/template/send": fake.templates,
                    "/cgi-bin/menu/create": fake.menus,
                }.get(url.path)
                if target is None:
                    return self._answer({"errcode": 404, "errmsg": "no such api"})
                if body.get("touser") in fake.unfollowed:
                    return self._answer({"errcode": 43004, "errmsg": "require subscribe"})
                if body.get("msgtype") == "msgmenu" and not fake.allow_menu:
                    return self._answer({"errcode": 48001, "errmsg": "api unauthorized"})
                if url.path.endswith("custom/send") and body["touser"] in fake.outside_window:
                    return self._answer({"errcode": 45015, "errmsg": "response out of time limit"})
                with fake.lock:
                    target.append(body)
                self._answer({"errcode": 0, "errmsg": "ok"})

        self.outside_window: set[str] = set()  # openids whose 48-hour window is closed
        self.unfollowed: set[str] = set()  # openids that unfollowed the account
        self.allow_menu = True  # False: msgmenu answers 48001 (an account without it)
        self.media: dict[str, bytes] = {}  # media id → the file media/get returns
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # a short poll: shutdown() waits for it (0.5 s by default, at every test's end)
        self.thread = threading.Thread(
            target=lambda: self.server.serve_forever(poll_interval=0.05), daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def revoke(self) -> None:
        """Every token handed out so far is now rejected with 40001."""
        with self.lock:
            self.valid = set()

    @staticmethod
    def content(sent: dict) -> str:
        """The text of a customer-service message (text, or a msgmenu's head and options)."""
        if sent["msgtype"] == "msgmenu":
            menu = sent["msgmenu"]
            return "\n".join([menu["head_content"], *(o["content"] for o in menu["list"])])
        return sent["text"]["content"]

    def wait_sent(self, n: int, timeout: float = 20.0) -> list[dict]:
        """The customer-service messages, once there are at least `n`."""
        deadline = time.monotonic() + timeout
        while len(self.sent) < n and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.sent)

    def __enter__(self) -> FakeWeChat:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def signature(timestamp: str, nonce: str, token: str = TOKEN) -> str:
    """WeChat's request signature: sha1 of the sorted token, timestamp and nonce."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()


def signed_query(timestamp: str | None = None, nonce: str = "n0nce", **extra) -> dict:
    """The query string WeChat adds to each request to the server URL."""
    timestamp = timestamp or str(int(time.time()))
    return {
        "signature": signature(timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        **extra,
    }


def text_xml(content: str, openid: str = "oUser1", msg_id: str = "1001") -> str:
    """A text message as WeChat POSTs it."""
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


def message_xml(openid: str = "oUser1", msg_id: str | None = None, **fields) -> str:
    """Any message or event: `fields` become elements (MsgType=…, Event=…, Location_X=…)."""
    parts = [
        f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>",
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>",
        f"<CreateTime>{fields.pop('CreateTime', int(time.time()))}</CreateTime>",
    ]
    for k, v in fields.items():
        parts.append(f"<{k}><![CDATA[{v}]]></{k}>")
    if msg_id:
        parts.append(f"<MsgId>{msg_id}</MsgId>")
    return "<xml>" + "".join(parts) + "</xml>"


class WeChatServer:
    """A live Leling web app (uvicorn on a free 127.0.0.1 port, on a thread) with the Official
    Account configured against `fake`, over a fresh database and the shipped catalogue, the
    conversation's clock fixed at NOW. `budget` is the passive-reply budget in seconds;
    `public` makes the server its own LELING_PUBLIC_URL (links to the web chat)."""

    def __init__(
        self,
        folder,
        parser,
        fake: FakeWeChat,
        *,
        aes=False,
        budget=4.0,
        content=SAMPLE,
        public=False,
        **settings,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        if public:  # LELING_PUBLIC_URL: this server, so links to the web chat open here
            settings["public_url"] = self.url
        self.settings = Settings(
            db=folder / "leling.db",
            content=content,
            port=self.port,
            web_secret="test-secret",
            wechat_token=TOKEN,
            wechat_appid=APPID,
            wechat_secret=SECRET,
            wechat_aes_key=AES_KEY if aes else None,
            wechat_api_base_url=fake.url,
            **settings,
        )
        db = open_database(self.settings)
        catalogue = open_catalogue(self.settings, db)
        self.clock = Clock(NOW)
        assistant = Assistant(db, catalogue, parser, clock=self.clock)
        self.services = Services(
            settings=self.settings, db=db, catalogue=catalogue, assistant=assistant
        )
        config = dataclasses.replace(WeChatConfig.from_settings(self.settings), budget=budget)
        self.channel = self.services.wechat = WeChatChannel(self.services, config)
        self.crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)
        self.server = uvicorn.Server(
            uvicorn.Config(
                create_app(self.services),
                host="127.0.0.1",
                port=self.port,
                log_level="warning",
                lifespan="off",
            )
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self.thread = threading.Thread(
            target=lambda: asyncio.run(self._serve()), name="wechat-test", daemon=True
        )
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=30)

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self.server.serve()
        await self.channel.close()

    def __enter__(self) -> WeChatServer:
        start_server(self.server, self.thread, "the test server")
        return self

    def __exit__(self, *exc) -> None:
        self.http.close()
        self.server.should_exit = True
        self.thread.join(15)
        self.services.close()

    def post(self, xml: str, *, encrypt: bool = False, query: dict | None = None):
        """POST a message as WeChat does (signed; encrypted in safe mode)."""
        q = query or signed_query()
        body = xml
        if encrypt:
            enc = self.crypto.encrypt_message(xml, q["nonce"], q["timestamp"])
            encrypted = xmltodict.parse(enc)["xml"]["Encrypt"]
            q = {**q, "encrypt_type": "aes", "msg_signature": _msg_signature(q, encrypted)}
            body = f"<xml><ToUserName>{ACCOUNT}</ToUserName><Encrypt>{encrypted}</Encrypt></xml>"
        return self.http.post("/wechat", params=q, content=body.encode())

    def say(self, text: str, openid: str = "oUser1", msg_id: str | None = None) -> str:
        """Send a text message; the passive reply's text ("" for `success`)."""
        global _MSG
        _MSG += 1
        r = self.post(text_xml(text, openid, msg_id or str(_MSG)))
        assert r.status_code == 200, r.text
        return reply_text(r.text)

    def dispatch(self, at):
        """Run the reminder dispatcher once at `at`, sending as `leling run` does."""

        # The channel's API client lives on the server's loop: run the dispatcher there too.
        return self.run(dispatch_once(self.services, at))

    def loop(self) -> asyncio.AbstractEventLoop:
        """The server thread's event loop."""
        return self._loop

    def run(self, coro):
        """Run `coro` on the server's event loop; its result."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(60)


_MSG = 5000


def reply_text(body: str) -> str:
    """The text of a passive reply ("" for `success`)."""
    if body == "success" or not body:
        return ""
    return xmltodict.parse(body)["xml"]["Content"]


def _msg_signature(q: dict, encrypted: str) -> str:
    parts = sorted([TOKEN, q["timestamp"], q["nonce"], encrypted])
    return hashlib.sha1("".join(parts).encode()).hexdigest()
