"""The /wechat route over real HTTP: signatures, plain and safe mode, de-duplication, size."""

from __future__ import annotations

import hashlib

from wxkit import (
    TOKEN,
    WeChatServer,
    message_xml,
    reply_text,
    signature,
    signed_query,
    text_xml,
)


def test_get_echoes_echostr_when_signed(wx):
    r = wx.http.get("/wechat", params=signed_query(echostr="hello123"))
    assert r.status_code == 200 and r.text == "hello123"


def test_bad_or_missing_signature_is_403(wx):
    q = signed_query(echostr="x")
    q["signature"] = "0" * 40
    assert wx.http.get("/wechat", params=q).status_code == 403
    assert wx.http.get("/wechat", params={"echostr": "x"}).status_code == 403
    r = wx.http.post("/wechat", params={**q}, content=text_xml("你好").encode())
    assert r.status_code == 403
    assert wx.channel.turns == 0


def test_signature_is_wechats_documented_sha1():
    expected = hashlib.sha1("".join(sorted([TOKEN, "1700000000", "abc"])).encode()).hexdigest()
    assert signature("1700000000", "abc") == expected


def test_text_gets_a_passive_reply_with_numbered_lines(wx):
    answer = wx.say("朝阳区的老年大学")
    assert "北京老年开放大学朝阳分校" in answer
    assert "回复2：换个地方" in answer  # buttons become numbered lines
    assert "CDATA" not in answer and "<xml" not in answer
    # the center gets a tappable map link (WGS-84, Amap)
    assert '<a href="https://uri.amap.com/marker?' in answer
    assert "coordinate=wgs84" in answer and "北京老年开放大学朝阳分校：看地图</a>" in answer


def test_numbers_pick_the_numbered_lines(wx):
    wx.say("朝阳区的老年大学")
    detail = wx.say("１")  # the listed center (full-width digits too)
    assert "北京老年开放大学朝阳分校" in detail and "010-65972353" in detail
    wx.say("朝阳区的老年大学")
    assert "附近" in wx.say("2")  # 换个地方: "where shall I look?"
    # a number of the channel's own (not one of the engine's choices): 找人帮忙
    menu = wx.say("朝阳区的老年大学")
    human = next(x for x in menu.splitlines() if x.endswith("找人帮忙"))
    n = human.removeprefix("回复").split("：")[0]
    assert "人" in wx.say(n)


def test_retry_with_same_msgid_is_handled_once(wx):
    xml = text_xml("你好", msg_id="777")
    first = wx.post(xml)
    again = wx.post(xml)
    assert reply_text(first.text)
    # the turn ran once; the retry (WeChat did not get the first answer) gets the same reply
    assert reply_text(again.text) == reply_text(first.text)
    assert wx.channel.turns == 1


def test_event_retries_deduplicated_by_sender_and_time(wx):
    xml = message_xml(MsgType="event", Event="CLICK", EventKey="/list_lectures", CreateTime=42)
    first = reply_text(wx.post(xml).text)
    assert first and reply_text(wx.post(xml).text) == first
    assert wx.channel.turns == 1


def test_body_over_the_limit_is_413(wx):
    r = wx.http.post("/wechat", params=signed_query(), content=b"<xml>" + b"a" * 70_000)
    assert r.status_code == 413


def test_not_xml_is_400(wx):
    r = wx.http.post("/wechat", params=signed_query(), content=b"not xml at all")
    assert r.status_code == 400


def test_safe_mode_round_trip(tmp_path, real_parser, fake):
    with WeChatServer(tmp_path, real_parser, fake, aes=True) as server:
        q = signed_query(nonce="safe1")
        r = server.post(text_xml("你好", msg_id="9001"), encrypt=True, query=q)
        assert r.status_code == 200
        assert "<Encrypt>" in r.text
        import xmltodict

        outer = xmltodict.parse(r.text)["xml"]
        plain = server.crypto.decrypt_message(
            r.text, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"]
        )
        assert reply_text(plain)
        # a tampered msg_signature is refused
        bad = server.post(text_xml("你好", msg_id="9002"), encrypt=True, query=q)
        assert bad.status_code == 200
        q2 = signed_query(nonce="safe2")
        enc = server.crypto.encrypt_message(text_xml("hi", msg_id="9003"), "safe2", q2["timestamp"])
        encrypted = xmltodict.parse(enc)["xml"]["Encrypt"]
        body = f"<xml><Encrypt>{encrypted}</Encrypt></xml>".encode()
        q2.update(encrypt_type="aes", msg_signature="0" * 40)
        assert server.http.post("/wechat", params=q2, content=body).status_code == 403


def test_not_mounted_without_configuration(tmp_path):
    from starlette.testclient import TestClient

    from bot.config import Settings
    from bot.web import create_app

    class S:
        settings = Settings(db=tmp_path / "x.db")
        wechat = None
        telegram = None
        telegram_mode = None

    with TestClient(create_app(S())) as client:
        assert client.get("/wechat", params=signed_query(echostr="x")).status_code in (404, 405)


def test_configuration_from_the_environment():
    import pytest

    from bot.channels.wechat import WeChatConfig
    from bot.config import ConfigError, Settings

    env = {
        "LELING_WECHAT_TOKEN": "t",
        "LELING_WECHAT_APPID": "wx1",
        "LELING_WECHAT_SECRET": "s",
        "LELING_WECHAT_TEMPLATE_ID": "TPL",
    }
    config = WeChatConfig.from_settings(Settings.from_env(env))
    assert (config.token, config.appid, config.aes_key) == ("t", "wx1", None)
    assert Settings.from_env(env).wechat_template_id == "TPL"
    assert WeChatConfig.from_settings(Settings.from_env({"LELING_WECHAT_TOKEN": "t"})) is None
    with pytest.raises(ConfigError, match="EncodingAESKey"):
        Settings.from_env({**env, "LELING_WECHAT_AES_KEY": "short"})
