"""The web chat's API over real HTTP: cookies, CSRF, limits, cards, deep links, the inbox filled
by the reminder dispatcher, /api/mydata and /api/forget."""

from __future__ import annotations

import json
import re
from datetime import datetime

import httpx
import pytest
from webkit import SECRET, TZ, LiveServer

from bot.webchat import security
from bot.webchat.api import WebLimits
from bot.webchat.sender import WebSender
from scheduler.sender import OutboundMessage, PermanentSendError

LECTURE = "lec-dongcheng-teen-silence-1205"  # Saturday 5 Dec 2026, 14:00


class Client:
    """A browser-like client: keeps the cookie, sends the CSRF token it got from the page."""

    def __init__(self, url: str):
        self.http = httpx.Client(base_url=url, timeout=30, headers={"Accept-Language": "zh-CN"})
        page = self.http.get("/")
        assert page.status_code == 200
        self.page = page
        self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)

    def say(self, **body) -> httpx.Response:
        return self.http.post("/api/message", json=body, headers={"X-CSRF-Token": self.csrf})

    def replies(self, **body) -> list[dict]:
        r = self.say(**body)
        assert r.status_code == 200, r.text
        return r.json()["replies"]

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def client(live):
    c = Client(live.url)
    yield c
    c.close()


def test_page_sets_a_signed_httponly_cookie_and_security_headers(live, client):
    set_cookie = client.page.headers["set-cookie"]
    assert set_cookie.startswith(security.COOKIE + "=web%3A") or "=web:" in set_cookie
    assert "HttpOnly" in set_cookie and "SameSite=lax" in set_cookie
    for r in (client.page, client.http.get("/healthz"), client.http.get("/static/chat.js")):
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "default-src 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in client.page.text and "style=" not in client.page.text
    assert re.search(r"https?://(?!127\.0\.0\.1)", client.page.text) is None  # nothing third-party
    assert client.http.get("/healthz").json()["status"] == "ok"


def test_every_post_needs_the_csrf_token(live, client):
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        r = client.http.post("/api/message", json={"text": "你好"}, headers=headers)
        assert r.status_code == 403
        assert "刷新" in r.json()["replies"][0]["text"]  # kind: "please reload the page"
    # the token belongs to its cookie: another user's token does not work with this cookie
    other = Client(live.url)
    r = client.http.post(
        "/api/message", json={"text": "你好"}, headers={"X-CSRF-Token": other.csrf}
    )
    assert r.status_code == 403
    other.close()
    # a forged cookie is no cookie
    forged = httpx.Client(base_url=live.url, cookies={security.COOKIE: "web:abc.bad"})
    r = forged.post("/api/message", json={"text": "你好"}, headers={"X-CSRF-Token": client.csrf})
    assert r.status_code == 403
    forged.close()
    for path in ("/api/inbox/ack", "/api/forget"):
        assert client.http.post(path, json={}).status_code == 403


def test_a_location_gives_center_cards_with_phone_map_and_hours(client):
    replies = client.replies(location={"lat": 39.93, "lon": 116.45})
    items = replies[0]["items"]
    assert [i["type"] for i in items] == ["center"] * len(items) and items
    card = items[0]["card"]
    assert card["distance"].startswith("约") and card["address"]
    assert card["tel"].startswith("tel:") and card["tel"][4:].isdigit()
    assert card["map_url"].startswith("https://uri.amap.com/marker?")
    assert "今天" in card["hours"] and card["open_now"] is True  # Friday 15:00
    # the engine's JSON is kept as it is: the card is an extra field
    assert {"text", "buttons", "items", "voice"} <= set(replies[0])


def test_the_conversation_survives_a_new_connection_with_the_cookie(live, client):
    first = client.replies(text="怎么用微信视频")
    assert first[0]["guide"]["step"] == 1 and first[0]["guide"]["label"] == "第1步/共7步"
    cookies = dict(client.http.cookies)
    again = httpx.Client(base_url=live.url, cookies=cookies, timeout=30)
    r = again.post(
        "/api/message", json={"payload": "/guide_next"}, headers={"X-CSRF-Token": client.csrf}
    )
    assert r.json()["replies"][0]["guide"]["step"] == 2
    again.close()


def test_limits_are_answered_kindly(tmp_path, web_parser):
    limits = WebLimits(max_text=20, max_body=2000, per_minute=1, burst=2)
    with LiveServer(tmp_path, web_parser, limits=limits) as server:
        c = Client(server.url)
        r = c.say(text="长" * 21)
        assert r.status_code == 413 and "20个字" in r.json()["replies"][0]["text"]
        r = c.http.post(
            "/api/message",
            content=json.dumps({"text": "x" * 3000}),
            headers={"X-CSRF-Token": c.csrf, "Content-Type": "application/json"},
        )
        assert r.status_code == 413 and "太大" in r.json()["replies"][0]["text"]
        r = c.say(text="你好")
        assert r.status_code == 429 and "歇一会儿" in r.json()["replies"][0]["text"]
        reply = r.json()["replies"][0]
        assert {b["payload"] for b in reply["buttons"]} == {"/help", "/human_help"}
        c.close()


@pytest.mark.parametrize(
    "body",
    [
        {"location": {"lat": "north", "lon": 1}},
        {"location": {"lat": 200, "lon": 1}},
        {"payload": "no slash"},
        {"text": ""},
        {"text": ["not", "text"]},
        {},
    ],
)
def test_bad_messages_get_a_kind_400(client, body):
    r = client.say(**body)
    assert r.status_code == 400
    assert "没看懂" in r.json()["replies"][0]["text"]


def test_not_json_is_a_kind_400(client):
    r = client.http.post("/api/message", content=b"\xff{", headers={"X-CSRF-Token": client.csrf})
    assert r.status_code == 400


def test_deep_links_open_a_lecture_with_its_remind_button_in_the_card(client):
    replies = client.replies(start=f"lecture_{LECTURE}")
    card = replies[0]["items"][0]["card"]
    assert card["title"] == "青春期孩子不爱说话怎么办"
    assert card["when"].startswith("明天(周六)下午2:00")
    assert card["remind"] == f'/subscribe{{"lecture":"{LECTURE}"}}'
    moved = [b for b in replies[0]["buttons"] if b.get("in_card")]
    assert [b["payload"] for b in moved] == [card["remind"]]
    guide = client.replies(start="guide_wechat_video_call")
    assert guide[0]["guide"]["title"] == "用微信和家人视频通话"
    junk = client.replies(start="../../etc")  # not a deep link: the greeting
    assert junk[0]["buttons"]


def test_reminders_reach_the_inbox_through_the_dispatcher(live, client):
    replies = client.replies(payload=f'/subscribe{{"lecture":"{LECTURE}"}}')
    assert "网页关掉以后" in replies[-1]["note"]  # honest: a closed page cannot be called
    assert client.http.get("/api/inbox").json() == {"messages": [], "count": 0}

    report = live.dispatch(datetime(2026, 12, 4, 18, 0, 30, tzinfo=TZ))  # the day-before one
    assert report.sent == 1
    inbox = client.http.get("/api/inbox").json()
    assert inbox["count"] == 1
    message = inbox["messages"][0]
    assert "青春期孩子不爱说话怎么办" in message["text"] and message["text"].startswith("提醒您")
    assert live.dispatch(datetime(2026, 12, 4, 18, 1, tzinfo=TZ)).sent == 0  # exactly once
    # the next turn says how many wait
    assert client.say(text="你好").json()["inbox"] == 1
    r = client.http.post(
        "/api/inbox/ack", json={"up_to": message["id"]}, headers={"X-CSRF-Token": client.csrf}
    )
    assert r.json() == {"removed": 1}
    assert client.http.get("/api/inbox").json()["count"] == 0


def test_mydata_and_forget(live, client):
    client.replies(payload=f'/subscribe{{"lecture":"{LECTURE}"}}')
    live.dispatch(datetime(2026, 12, 4, 18, 0, 30, tzinfo=TZ))
    r = client.http.get("/api/mydata")
    assert r.headers["content-disposition"].startswith("attachment")
    doc = r.json()
    assert doc["user"]["id"].startswith("web:") and doc["user"]["channel"] == "web"
    assert len(doc["subscriptions"]) == 1 and len(doc["inbox"]) == 1
    r = client.http.post("/api/forget", json={}, headers={"X-CSRF-Token": client.csrf})
    assert r.status_code == 400  # needs {"confirm": true}
    r = client.http.post(
        "/api/forget", json={"confirm": True}, headers={"X-CSRF-Token": client.csrf}
    )
    assert r.json()["deleted"]["users"] == 1 and r.json()["deleted"]["inbox"] == 1
    old = doc["user"]["id"]
    assert old not in r.headers["set-cookie"]  # a new anonymous id from now on
    assert client.http.get("/api/mydata").json()["user"] is None
    client.csrf = r.json()["csrf"]
    assert client.say(text="你好").status_code == 200


def test_forgetting_in_the_conversation_starts_afresh(client):
    client.replies(text="你好")
    old = client.http.cookies[security.COOKIE]
    client.replies(payload="/forget")
    r = client.say(payload="/affirm")
    assert r.json()["forgotten"] is True and r.json()["csrf"] != client.csrf
    assert client.http.cookies[security.COOKIE] != old


def test_guide_images_are_served_only_from_the_catalogue_folder(tmp_path, web_parser, sample_dir):
    (sample_dir / "guides" / "img").mkdir()
    (sample_dir / "guides" / "img" / "step2.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (sample_dir / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    with LiveServer(tmp_path, web_parser, content=sample_dir) as server:
        http = httpx.Client(base_url=server.url)
        r = http.get("/media/guides/img/step2.png")
        assert r.status_code == 200 and r.headers["content-type"] == "image/png"
        for path in ("../secret.png", "..%2Fsecret.png", "missing.png", "wechat_video_call.yaml"):
            assert http.get("/media/guides/" + path).status_code == 404, path
        assert http.get("/media/guides/../../pyproject.toml").status_code == 404
        http.close()


async def test_the_web_sender_knows_a_forgotten_user_is_gone(db):
    from store import inbox, users

    async def run(fn, *args):
        return fn(db, *args)

    sender = WebSender(run)
    users.get_or_create(db, "web:a")
    await sender.send("web:a", OutboundMessage("提醒您", (("回首页", "/help"),), key="k1"))
    await sender.send("web:a", OutboundMessage("提醒您", (("回首页", "/help"),), key="k1"))
    assert [m["text"] for m in inbox.waiting(db, "web:a")] == ["提醒您"]  # a retry adds nothing
    with pytest.raises(PermanentSendError):
        await sender.send("web:gone", OutboundMessage("提醒您", key="k2"))


def test_cookie_signing_and_the_kept_secret(tmp_path):
    secret = security.load_secret(None, tmp_path)
    assert security.load_secret(None, tmp_path) == secret  # kept across restarts
    assert (tmp_path / security.SECRET_FILE).stat().st_mode & 0o777 == 0o600
    assert security.load_secret(SECRET, tmp_path) == SECRET.encode()
    value = security.sign_user(secret, "web:abc")
    assert security.verify_user(secret, value) == "web:abc"
    assert security.verify_user(b"other", value) is None
    assert security.verify_user(secret, value.replace("abc", "abd")) is None
    assert security.verify_user(secret, "telegram:1." + value.rpartition(".")[2]) is None


def test_the_rate_limiter_refills_and_forgets_idle_clients():
    now = [0.0]
    limiter = security.RateLimiter(per_minute=60, burst=2, max_keys=2, clock=lambda: now[0])
    assert limiter.allow("a") and limiter.allow("a") and not limiter.allow("a")
    now[0] += 1.0  # one token a second
    assert limiter.allow("a") and not limiter.allow("a")
    limiter.allow("b")
    now[0] += 10
    assert limiter.allow("c")  # the table was full: idle buckets were dropped
    assert len(limiter._buckets) <= 2


def test_the_inbox_keeps_a_users_newest_messages_only(db, monkeypatch):
    from store import inbox

    monkeypatch.setattr(inbox, "KEEP", 3)
    for n in range(5):
        assert inbox.add(db, "web:a", {"text": f"m{n}"}, key=f"k{n}")
    inbox.add(db, "web:b", {"text": "other"}, key="k0")
    assert [m["text"] for m in inbox.waiting(db, "web:a")] == ["m2", "m3", "m4"]
    assert inbox.count(db, "web:b") == 1


def test_the_pages_own_words_exist_in_both_languages(live):
    """static/chat-texts.json reaches the page as the script chat.js reads; every word the page
    shows exists in Mandarin and in English."""
    r = httpx.get(f"{live.url}/static/chat-texts.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]
    prefix = '"use strict";\nwindow.LELING_UI = '
    assert r.text.startswith(prefix)
    texts = json.loads(r.text[len(prefix) :].rstrip().rstrip(";"))
    assert set(texts) == {"zh", "en"}
    assert set(texts["zh"]) == set(texts["en"])
    assert texts["zh"]["send"] == "发送" and texts["en"]["send"] == "Send"
    blank = {"repeat"}  # deliberately empty in both
    for lang in ("zh", "en"):
        assert all(texts[lang][k] for k in set(texts[lang]) - blank), lang
