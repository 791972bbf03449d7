"""The state behind the fake Bot API (no HTTP): updates to deliver, files, every call, and
injected failures. `fake_bot_api.FakeBotApi` serves it over HTTP; the fast handler tests call
it in-process through `tgkit.FakeRequest`."""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from fake_updates import UpdateMaker

TOKEN = "123456:TEST-token"
BOT_USERNAME = "leling_test_bot"
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "span",
    "blockquote",
    "tg-emoji",
}
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


@dataclass
class Call:
    """One Bot API request as the server saw it."""

    method: str
    params: dict
    files: dict = field(default_factory=dict)
    status: int = 200
    at: float = field(default_factory=time.monotonic)

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None and str(value).lstrip("-").isdigit() else None


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after

    def body(self) -> dict:
        out = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            out["parameters"] = {"retry_after": self.retry_after}
        return out


def html_text(text: str) -> str:
    """The visible text of an HTML-formatted message; ApiError(400) when Telegram would refuse."""
    for m in _TAG.finditer(text):
        if m.group(2).lower() not in ALLOWED_TAGS:
            raise ApiError(
                400,
                f"Bad Request: can't parse entities: unsupported start tag "
                f'"{m.group(2)}" at byte offset {m.start()}',
            )
    stripped = _TAG.sub("", text)
    if "<" in stripped:
        raise ApiError(400, "Bad Request: can't parse entities: unclosed start tag")
    for i, ch in enumerate(stripped):
        if ch == "&" and not _ENTITY.match(stripped, i):
            raise ApiError(400, "Bad Request: can't parse entities: character '&' is reserved")
    return _ENTITY.sub(
        lambda m: {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}.get(m.group(1), "?"), stripped
    )


class FakeTelegram(UpdateMaker):
    """The server's state: updates to deliver, files, every call, and injected failures."""

    def __init__(self, token: str = TOKEN, username: str = BOT_USERNAME):
        self.token, self.username = token, username
        self.bot_id = int(token.split(":", 1)[0])
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        # Never reused, even across reset(), as on Telegram: a poll left over from an earlier
        # bot must not confirm (and so drop) the next bot's updates.
        self.update_ids = itertools.count(1)
        self.reset()
        self.on_update = lambda: None  # the HTTP server wakes long polls / the webhook worker

    def reset(self) -> None:
        """Forget every call, update, file, failure and webhook."""
        with self.lock:
            self.calls: list[Call] = []
            self.updates: deque[dict] = deque()
            self.message_ids = itertools.count(1000)
            self.file_ids = itertools.count(1)
            self.files: dict[str, tuple[str, bytes]] = {}
            self.failures: list[dict] = []
            self.webhook: dict | None = None
            self.commands: dict[str, list] = {}

    def fail_next(
        self,
        method: str,
        code: int,
        description: str,
        *,
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` (for `chat_id`, if given) with an error."""
        with self.lock:
            self.failures.append(
                {
                    "method": method,
                    "chat_id": chat_id,
                    "times": times,
                    "error": ApiError(code, description, retry_after),
                }
            )

    def wait_for(
        self,
        method: str,
        *,
        chat_id: int | None = None,
        after: int = 0,
        where=None,
        timeout: float = 10.0,
        ok: bool | None = True,
    ) -> Call:
        """The first call of `method` (from index `after`) matching the filters; waits."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for call in self.calls[after:]:
                    if (
                        call.method == method
                        and (chat_id is None or call.chat_id == chat_id)
                        and (ok is None or (call.status == 200) == ok)
                        and (where is None or where(call))
                    ):
                        return call
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, c.chat_id, c.status) for c in self.calls[after:]][-15:]
                    raise AssertionError(
                        f"no {method} for chat {chat_id} in {timeout}s; saw {seen}"
                    )
                self.changed.wait(left)

    def sent(self, chat_id: int, after: int = 0, method: str | None = None) -> list[Call]:
        """Successful send*/edit* calls to a chat since index `after`."""
        with self.lock:
            return [
                c
                for c in self.calls[after:]
                if c.chat_id == chat_id
                and c.status == 200
                and c.method.startswith(("send", "edit"))
                and c.method != "sendChatAction"
                and (method is None or c.method == method)
            ]

    def mark(self) -> int:
        """An index into `calls` to wait from."""
        with self.lock:
            return len(self.calls)

    # -- the API --------------------------------------------------------------------------------

    def me(self) -> dict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "乐龄伴学",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def call(self, method: str, params: dict, files: dict | None = None) -> tuple[int, dict]:
        """Run one API method; returns (HTTP status, Telegram's JSON body)."""
        call = Call(method, params, files or {})
        try:
            result = self._dispatch(method, params, files or {})
            body = {"ok": True, "result": result}
        except ApiError as err:
            call.status, body = err.code, err.body()
        if method != "getUpdates" or call.status != 200:
            with self.changed:
                self.calls.append(call)
                self.changed.notify_all()
        if method == "setWebhook":
            self.on_update()
        return call.status, body

    def _failure(self, method: str, params: dict) -> ApiError | None:
        with self.lock:
            for f in self.failures:
                if f["method"] == method and f["chat_id"] in (None, Call(method, params).chat_id):
                    f["times"] -= 1
                    if f["times"] <= 0:
                        self.failures.remove(f)
                    return f["error"]
        return None

    def _dispatch(self, method: str, p: dict, files: dict):
        error = self._failure(method, p)
        if error is not None:
            raise error
        if method in ("getMe", "logOut", "close"):
            return self.me() if method == "getMe" else True
        if method == "getUpdates":
            return self.take_updates(int(p.get("offset") or 0), int(p.get("limit") or 100))
        if method in ("setWebhook", "deleteWebhook"):
            with self.lock:
                self.webhook = (
                    {"url": p["url"], "secret": p.get("secret_token")}
                    if method == "setWebhook"
                    else None
                )
                if p.get("drop_pending_updates"):
                    self.updates.clear()
            return True
        if method == "getWebhookInfo":
            return {
                "url": (self.webhook or {}).get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(self.updates),
            }
        if method in ("setMyCommands", "deleteMyCommands"):
            lang = p.get("language_code") or ""
            self.commands[lang] = p.get("commands", [])
            return True
        if method in ("answerCallbackQuery", "sendChatAction"):
            return True
        if method == "getFile":
            if p.get("file_id") not in self.files:
                raise ApiError(400, "Bad Request: invalid file_id")
            path, data = self.files[p["file_id"]]
            return {
                "file_id": p["file_id"],
                "file_unique_id": p["file_id"] + "u",
                "file_size": len(data),
                "file_path": path,
            }
        if method.startswith(("send", "edit")):
            return self._send(method, p, files)
        raise ApiError(404, "Not Found: method not found")

    def _send(self, method: str, p: dict, files: dict) -> dict:
        if "chat_id" not in p:
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat_id = int(p["chat_id"])
        extra: dict = {}
        if "text" in p:
            text = html_text(p["text"]) if p.get("parse_mode") == "HTML" else p["text"]
            if not text.strip():
                raise ApiError(400, "Bad Request: message text is empty")
            if len(text) > 4096:
                raise ApiError(400, "Bad Request: message is too long")
            extra["text"] = text
        markup = p.get("reply_markup")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        if markup and "inline_keyboard" in markup:
            extra["reply_markup"] = markup
        if method == "sendVenue":
            loc = {"latitude": float(p["latitude"]), "longitude": float(p["longitude"])}
            extra.update(
                location=loc, venue={"location": loc, "title": p["title"], "address": p["address"]}
            )
        if method == "sendPhoto" and isinstance(p.get("photo"), str) and not files:
            # a photo sent again by its file id (an announcement): Telegram answers PhotoSizes
            fid = p["photo"]
            extra["photo"] = [
                {"file_id": fid, "file_unique_id": fid + "u", "width": 1, "height": 1}
            ]
            if p.get("caption"):
                if len(p["caption"]) > 1024:
                    raise ApiError(400, "Bad Request: message caption is too long")
                extra["caption"] = p["caption"]
        for kind in ("voice", "document", "audio", "photo"):
            if kind in extra:
                continue
            if kind in files or kind in p:
                name, data, mime = files.get(kind) or next(iter(files.values()))
                file_id = self.add_file(data, f"{kind}/{name}")
                extra[kind] = {
                    "file_id": file_id,
                    "file_unique_id": file_id + "u",
                    "file_size": len(data),
                    "mime_type": mime or "",
                    **({"duration": 1} if kind == "voice" else {"file_name": name}),
                }
                if p.get("caption"):
                    extra["caption"] = p["caption"]
        msg = self.message(chat_id, from_bot=True, **extra)
        if method.startswith("edit") and p.get("message_id"):
            msg.update(message_id=int(p["message_id"]), edit_date=int(time.time()))
        return msg

    def take_updates(self, offset: int, limit: int = 100) -> list[dict]:
        with self.lock:
            if self.webhook:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is "
                    "active; use deleteWebhook to delete the webhook first",
                )
            while self.updates and self.updates[0]["update_id"] < offset:
                self.updates.popleft()
            return [
                {k: v for k, v in u.items() if k != "_at"}
                for u in itertools.islice(self.updates, limit)
            ]
