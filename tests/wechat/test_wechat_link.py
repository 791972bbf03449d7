"""The signed one-time link from a WeChat chat to the web chat, over real HTTP: it signs the page
in as the same Leling user (same subscriptions, same conversation), once, for 15 minutes; the
token is kept hashed; a used or expired link opens a fresh anonymous chat with a kind line."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx
import pytest
from wxkit import WeChatServer, message_xml, reply_text

from bot.webchat import security
from store import web_links

LECTURE = "lec-dongcheng-teen-silence-1205"
LECTURE_TITLE = "青春期孩子不爱说话怎么办"
_HREF = re.compile(r'<a href="([^"]+)">')


@pytest.fixture
def wxp(tmp_path, real_parser, fake):
    """Leling with the Official Account configured and LELING_PUBLIC_URL set to itself."""
    with WeChatServer(tmp_path, real_parser, fake, public=True) as server:
        yield server


def link_in(answer: str) -> str:
    found = _HREF.search(answer)
    assert found, answer
    return html.unescape(found.group(1))


def browser(server) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=30)


def web_say(client: httpx.Client, **body) -> str:
    csrf = client.get("/api/session").json()["csrf"]
    r = client.post("/api/message", json=body, headers={security.CSRF_HEADER: csrf})
    assert r.status_code == 200, r.text
    return "\n".join(x["text"] for x in r.json()["replies"])


def db_call(server, fn, *args, **kw):
    return server.services.executor.submit(fn, server.services.db, *args, **kw).result()


def test_open_web_version_signs_the_page_in_as_the_same_user(wxp):
    wxp.say(f'/subscribe{{"lecture":"{LECTURE}"}}', openid="oWeb")
    wxp.say("朝阳区的老年大学", openid="oWeb")  # a numbered list, left open in WeChat
    answer = wxp.say("打开网页版", openid="oWeb")
    url = link_in(answer)
    assert url.startswith(wxp.url + "/?wx=") and "15分钟" in answer
    token = url.split("wx=", 1)[1]
    # only the token's hash is stored
    rows = db_call(wxp, lambda db: [dict(r) for r in db["web_links"].rows])
    assert [r["token_hash"] for r in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in repr(rows) and rows[0]["user_id"] == "wechat:oWeb"

    with browser(wxp) as page:
        r = page.get(urlsplit(url).path + "?" + urlsplit(url).query)
        assert r.status_code == 303 and r.headers["location"] == "/"
        assert page.cookies[security.COOKIE].startswith("wechat:oWeb.")
        assert "wx=" not in r.headers["location"]  # the token leaves the address bar
        home = page.get("/")
        assert home.status_code == 200 and "已经用过" not in home.text
        # the same conversation: "1" picks the first center of the list shown in WeChat
        assert "北京老年开放大学朝阳分校" in web_say(page, text="1")
        # the same subscriptions
        assert LECTURE_TITLE in web_say(page, payload="/my_subscriptions")
        # a second tap on the same link in the same browser simply carries on
        again = page.get("/", params={"wx": token})
        assert again.status_code == 303 and page.cookies[security.COOKIE].startswith("wechat:")

    # anyone else opening the used link gets a fresh anonymous chat and a kind line
    with browser(wxp) as other:
        r = other.get("/", params={"wx": token})
        assert r.status_code == 200 and "已经用过或者过期" in r.text
        assert other.cookies[security.COOKIE].startswith("web:")
        assert LECTURE_TITLE not in web_say(other, payload="/my_subscriptions")


def test_expired_unknown_and_forged_links_open_a_fresh_chat(wxp):
    wxp.say("你好", openid="oOld")
    old = datetime.now(UTC) - timedelta(minutes=16)
    token = db_call(wxp, web_links.issue, "wechat:oOld", now=old)
    for wx in (token, "not-a-token", "x" * 500):
        with browser(wxp) as page:
            r = page.get("/", params={"wx": wx}, headers={"Accept-Language": "en-GB"})
            assert r.status_code == 200 and "already used or has expired" in r.text
            assert page.cookies[security.COOKIE].startswith("web:")
    # a cookie naming a WeChat user is only good when signed with the web chat's secret
    with browser(wxp) as forger:
        forger.cookies.set(security.COOKIE, "wechat:oOld.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        assert forger.get("/").cookies[security.COOKIE].startswith("web:")


def test_a_link_opens_once(wxp):
    token = db_call(wxp, web_links.issue, "wechat:oOnce")
    assert db_call(wxp, web_links.redeem, token)[:2] == ("ok", "wechat:oOnce")
    assert db_call(wxp, web_links.redeem, token)[:2] == ("used", "wechat:oOnce")


def test_a_guide_step_with_a_picture_links_to_the_web_page_on_that_guide(
    tmp_path, real_parser, fake, sample_dir
):
    guide = sample_dir / "guides" / "anti_fraud_app.yaml"
    text = guide.read_text(encoding="utf-8")
    first_en = text.index("      en:", text.index("steps:"))
    end = text.index("\n", first_en) + 1
    guide.write_text(text[:end] + "    image: anti_fraud/1.png\n" + text[end:], encoding="utf-8")
    (sample_dir / "guides" / "anti_fraud").mkdir()
    (sample_dir / "guides" / "anti_fraud" / "1.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    with WeChatServer(tmp_path, real_parser, fake, content=sample_dir, public=True) as wx:
        answer = wx.say('/start_guide{"guide":"anti_fraud_app"}', openid="oGuide")
        assert "打开网页版看图" in answer
        with browser(wx) as page:
            r = page.get(link_in(answer).removeprefix(wx.url))
            assert r.status_code == 303 and r.headers["location"] == "/?start=guide_anti_fraud_app"
            # the page sends that deep link: the guide where the follower is
            assert "安装国家反诈中心" in web_say(page, start="guide_anti_fraud_app")
        # the next step has no picture: no link
        assert "网页版" not in wx.say("下一步", openid="oGuide")


def test_without_a_public_address_there_is_no_link(wx):
    answer = wx.say("打开网页版", openid="oNoUrl")
    assert "还没有网页版" in answer and "<a href" not in answer
    tapped = message_xml(openid="oNoUrl", MsgType="text", Content="网页版", msg_id="99")
    assert "还没有网页版" in reply_text(wx.post(tapped).text)


def test_a_menu_button_can_send_the_link(wxp):
    click = message_xml(openid="oMenu", MsgType="event", Event="CLICK", EventKey="/web")
    assert link_in(reply_text(wxp.post(click).text)).startswith(wxp.url + "/?wx=")


def test_a_follower_who_likes_replies_read_aloud_gets_the_link_to_listen(wxp):
    answer = wxp.say("/prefer_voice", openid="oEar")
    assert "想听我读出来" in answer and "听" in answer
    assert link_in(answer).startswith(wxp.url + "/?wx=")


def test_subscribing_on_the_web_as_a_follower_says_nothing_of_the_web_inbox(wxp):
    url = link_in(wxp.say("打开网页版", openid="oSub"))
    with browser(wxp) as page:
        page.get(url.removeprefix(wxp.url))
        csrf = page.get("/api/session").json()["csrf"]
        body = {"payload": f'/subscribe{{"lecture":"{LECTURE}"}}'}
        r = page.post("/api/message", json=body, headers={security.CSRF_HEADER: csrf})
        assert r.status_code == 200
        assert not any("note" in x for x in r.json()["replies"])  # reminders come in WeChat
    assert db_call(wxp, lambda db: db["subscriptions"].count_where("user_id = ?", ["wechat:oSub"]))


def test_back_in_wechat_a_number_means_what_the_conversation_showed_last(wxp):
    listing = wxp.say("朝阳区的老年大学", openid="oBack")
    assert "回复2：换个地方" in listing  # in WeChat, "2" would ask where to look
    url = link_in(wxp.say("打开网页版", openid="oBack"))
    with browser(wxp) as page:
        page.get(url.removeprefix(wxp.url))
        assert "2. 家庭教育讲座" in web_say(page, text="你好")  # the web shows the home menu
    answer = wxp.say("2", openid="oBack")  # so "2" is 家庭教育讲座 now
    assert "您想在哪儿附近找" not in answer and "讲座" in answer
