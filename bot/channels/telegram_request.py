"""The HTTP layer under the bot: Bot API calls through aiohttp, as JSON bodies.

python-telegram-bot's default `HTTPXRequest` spends about 1 ms of CPU on every call here
(httpx and anyio in pure Python; urlencoding a long Chinese reply byte by byte), which made
sending — not the conversation — the largest cost of a turn. aiohttp parses HTTP in C and
needs under half of that (figures in docs/benchmarks.md). The Bot API takes
`application/json` bodies for every method that uploads no file, so the parameters are encoded
once, in C; calls with files (sendVoice, sendDocument) are multipart.

This is PTB's documented extension point (`telegram.request.BaseRequest`); errors map to PTB's
as in `HTTPXRequest`: timeouts → `TimedOut`, other transport failures → `NetworkError`.
"""

from __future__ import annotations

import functools
import json
import urllib.parse
import urllib.request

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

JSON_HEADERS = {"Content-Type": "application/json", "User-Agent": BaseRequest.USER_AGENT}
PLAIN_HEADERS = {"User-Agent": BaseRequest.USER_AGENT}


class AiohttpRequest(BaseRequest):
    """Up to `pool_size` keep-alive connections to the Bot API.

    Timeouts: `connect_timeout` for the TCP connect, `pool_timeout` (plus the connect) for
    waiting on a free connection, `read_timeout` for each read of the answer. aiohttp has no
    write timeout, so the whole call is bounded by the sum of all four (`media_write_timeout`
    replaces `write_timeout` for uploads): a stalled upload cannot hang a sender. Proxies come
    from the usual environment variables (HTTPS_PROXY, NO_PROXY …, read once per host), as
    with httpx.
    """

    __slots__ = ("_defaults", "_pool_size", "_session")

    def __init__(
        self,
        pool_size: int = 8,
        *,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 10.0,
        media_write_timeout: float | None = 20.0,
    ):
        self._pool_size = pool_size
        self._defaults = {
            "read": read_timeout,
            "write": write_timeout,
            "media_write": media_write_timeout,
            "connect": connect_timeout,
            "pool": pool_timeout,
        }
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call does not give one."""
        return self._defaults["read"]

    async def initialize(self) -> None:
        """Open the connection pool (it needs the running event loop)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets none
            )

    async def shutdown(self) -> None:
        """Close the connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout=BaseRequest.DEFAULT_NONE,
        write_timeout=BaseRequest.DEFAULT_NONE,
        connect_timeout=BaseRequest.DEFAULT_NONE,
        pool_timeout=BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """One HTTP call: (status code, body)."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data is not None else None
        connect = self._given(connect_timeout, "connect")
        pool = self._given(pool_timeout, "pool")
        read = self._given(read_timeout, "read")
        write = self._given(write_timeout, "media_write" if files else "write")
        parts = (connect, pool, read, write)
        timeout = aiohttp.ClientTimeout(
            total=None if None in parts else sum(parts),
            connect=None if pool is None or connect is None else pool + connect,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(
                method, url, timeout=timeout, proxy=proxy_for(url), **_body(request_data, files)
            ) as res:
                return res.status, await res.read()
        except (TimeoutError, aiohttp.ServerTimeoutError) as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err

    def _given(self, value, name: str) -> float | None:
        """A timeout the caller gave (None too: no limit), else the default."""
        return self._defaults[name] if value is BaseRequest.DEFAULT_NONE else value


def proxy_for(url: str) -> str | None:
    """The proxy from HTTPS_PROXY / HTTP_PROXY (minus NO_PROXY) for the URL's host, or None."""
    parts = urllib.parse.urlsplit(url)
    return _proxy(parts.scheme, parts.hostname or "")


@functools.cache
def _proxy(scheme: str, host: str) -> str | None:
    # Read once per host: aiohttp's trust_env scans the environment on a worker thread for
    # every request, which cost more than the request itself.
    proxies = urllib.request.getproxies_environment()
    if urllib.request.proxy_bypass_environment(host, proxies):
        return None
    return proxies.get(scheme)


def _body(request_data: RequestData | None, files: dict | None) -> dict:
    """aiohttp's arguments for the parameters: JSON, or multipart when files are uploaded."""
    if not files:
        if request_data is None or not request_data.parameters:
            return {"headers": PLAIN_HEADERS}
        payload = json.dumps(request_data.parameters, ensure_ascii=False).encode()
        return {"data": payload, "headers": JSON_HEADERS}
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in files.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return {"data": form, "headers": PLAIN_HEADERS}
