"""The WeChat Official Account API, as much as Leling uses: the access token, customer-service
messages, template messages and the custom menu (async, httpx).

    api = WeChatAPI(appid, secret)                      # base_url: a fake server in tests
    await api.send_text(openid, "您好")                  # raises WeChatError on an errcode

The access token (valid 7200 s) is fetched on first use, cached, and fetched again a few
minutes before it expires, or at once when WeChat says it is invalid or expired (errcode 40001,
40014, 42001: another process may have fetched a newer one). Only one fetch runs at a time; a
call that finds a fresh token after waiting for the lock uses it. Tokens and the secret are
registered with `bot.logsafe`, so a logged URL never shows them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable

import httpx

from bot import logsafe

log = logging.getLogger(__name__)

DEFAULT_BASE = "https://api.weixin.qq.com"
REFRESH_MARGIN = 300.0  # seconds before expiry the token is fetched again
TOKEN_ERRORS = (40001, 40014, 42001)  # invalid / not the latest / expired access token
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class WeChatError(Exception):
    """WeChat answered with a non-zero errcode (or not at all, with `errcode` -2)."""

    def __init__(self, errcode: int, errmsg: str = ""):
        super().__init__(f"WeChat error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class WeChatAPI:
    """A client for one account (`appid`, `secret`)."""

    def __init__(
        self,
        appid: str,
        secret: str,
        *,
        base_url: str = DEFAULT_BASE,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.appid = appid
        self.secret = secret
        self.base_url = base_url.rstrip("/")
        self.clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()
        self._client: httpx.AsyncClient | None = None
        self.fetches = 0  # how many tokens were fetched (tests and the operator's curiosity)
        logsafe.add_secret(secret)

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=TIMEOUT)
        return self._client

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def token(self) -> str:
        """A valid access token (fetched when missing or within REFRESH_MARGIN of expiry)."""
        if self._token and self.clock() < self._expires_at - REFRESH_MARGIN:
            return self._token
        async with self._lock:  # one refresher at a time; the others take its token
            if self._token and self.clock() < self._expires_at - REFRESH_MARGIN:
                return self._token
            data = await self._get(
                "/cgi-bin/token",
                {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
            )
            token = data.get("access_token")
            if not isinstance(token, str) or not token:
                raise WeChatError(int(data.get("errcode") or -1), str(data.get("errmsg", "")))
            logsafe.add_secret(token)
            self._token = token
            self._expires_at = self.clock() + float(data.get("expires_in") or 7200)
            self.fetches += 1
            return token

    def _invalidate(self, token: str) -> None:
        # Only the token that failed: a newer one fetched meanwhile stays.
        if self._token == token:
            self._token = None

    async def _get(self, path: str, params: dict) -> dict:
        try:
            response = await self._http().get(self.base_url + path, params=params)
            return _json(response)
        except httpx.HTTPError as exc:
            raise WeChatError(-2, type(exc).__name__) from exc

    async def call(self, path: str, body: dict) -> dict:
        """POST `body` (UTF-8 JSON, Chinese unescaped as WeChat wants) to `path` with the
        access token; retried once with a new token when WeChat rejects the token."""
        raw = json.dumps(body, ensure_ascii=False).encode()
        for attempt in (1, 2):
            token = await self.token()
            try:
                response = await self._http().post(
                    self.base_url + path,
                    params={"access_token": token},
                    content=raw,
                    headers={"Content-Type": "application/json; charset=utf-8"},
                )
                data = _json(response)
            except httpx.HTTPError as exc:
                raise WeChatError(-2, type(exc).__name__) from exc
            code = int(data.get("errcode") or 0)
            if code in TOKEN_ERRORS and attempt == 1:
                log.info("WeChat rejected the access token (%d); fetching a new one", code)
                self._invalidate(token)
                continue
            if code:
                raise WeChatError(code, str(data.get("errmsg", "")))
            return data
        raise AssertionError("unreachable")

    async def send_text(self, openid: str, text: str) -> None:
        """A customer-service text message (allowed within 48 h of the user's last message)."""
        await self.call(
            "/cgi-bin/message/custom/send",
            {"touser": openid, "msgtype": "text", "text": {"content": text}},
        )

    async def send_menu(self, openid: str, head: str, options: list[tuple[str, str]]) -> None:
        """A customer-service message with tappable options (`msgmenu`: (id, text) pairs); a
        tap comes back as a text message whose `bizmsgmenuid` is the option's id."""
        await self.call(
            "/cgi-bin/message/custom/send",
            {
                "touser": openid,
                "msgtype": "msgmenu",
                "msgmenu": {
                    "head_content": head,
                    "list": [{"id": i, "content": text} for i, text in options],
                    "tail_content": "",
                },
            },
        )

    async def send_template(
        self, openid: str, template_id: str, data: dict[str, str], url: str | None = None
    ) -> None:
        """A template message (any time, for a user who follows the account)."""
        body: dict = {
            "touser": openid,
            "template_id": template_id,
            "data": {k: {"value": v} for k, v in data.items()},
        }
        if url:
            body["url"] = url
        await self.call("/cgi-bin/message/template/send", body)

    async def download_media(self, media_id: str, max_bytes: int) -> bytes:
        """A message's media (a voice message's AMR audio) by its MediaId; WeChatError when
        WeChat answers with an error or the file is over `max_bytes` (code -3)."""
        for attempt in (1, 2):
            token = await self.token()
            try:
                async with self._http().stream(
                    "GET",
                    self.base_url + "/cgi-bin/media/get",
                    params={"access_token": token, "media_id": media_id},
                ) as response:
                    if "json" in response.headers.get("content-type", "") or (
                        "text/plain" in response.headers.get("content-type", "")
                    ):
                        data = _json(httpx.Response(200, content=await response.aread()))
                        code = int(data.get("errcode") or -1)
                        if code in TOKEN_ERRORS and attempt == 1:
                            self._invalidate(token)
                            continue
                        raise WeChatError(code, str(data.get("errmsg", "")))
                    body = bytearray()
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) > max_bytes:
                            raise WeChatError(-3, "media too big")
                    return bytes(body)
            except httpx.HTTPError as exc:
                raise WeChatError(-2, type(exc).__name__) from exc
        raise AssertionError("unreachable")

    async def create_menu(self, menu: dict) -> None:
        """Replace the account's custom menu (`{"button": [...]}`)."""
        await self.call("/cgi-bin/menu/create", menu)


def _json(response: httpx.Response) -> dict:
    try:
        data = response.json()
    except ValueError as exc:
        raise WeChatError(-2, f"HTTP {response.status_code}, not JSON") from exc
    if not isinstance(data, dict):
        raise WeChatError(-2, "not a JSON object")
    return data
