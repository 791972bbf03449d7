"""`leling wechat menu [--apply]`: the shipped menu file, WeChat's rules, the real call."""

from __future__ import annotations

import json

import pytest
from wxkit import APPID, SECRET

from bot import cli
from bot.channels.wechat_menu import MenuError, load_menu
from bot.config import SHIPPED_CONTENT


def test_shipped_menu_has_the_three_buttons():
    menu = load_menu(SHIPPED_CONTENT)
    assert [b["name"] for b in menu["button"]] == ["找学习点", "讲座和课程", "学用手机"]
    assert menu["button"][0] == {"type": "click", "name": "找学习点", "key": "/find_center"}


def test_apply_creates_the_menu_on_the_account(fake, monkeypatch, capsys):
    for k, v in {
        "LELING_WECHAT_APPID": APPID,
        "LELING_WECHAT_SECRET": SECRET,
        "LELING_WECHAT_API_BASE_URL": fake.url,
    }.items():
        monkeypatch.setenv(k, v)
    assert cli.main(["wechat", "menu", "--apply"]) == 0
    assert fake.menus == [load_menu(SHIPPED_CONTENT)]
    assert "找学习点" in capsys.readouterr().out


def test_apply_needs_the_account(monkeypatch, capsys):
    monkeypatch.delenv("LELING_WECHAT_APPID", raising=False)
    assert cli.main(["wechat", "menu", "--apply"]) == 2
    assert "LELING_WECHAT_APPID" in capsys.readouterr().err


def test_json_prints_the_body(capsys):
    assert cli.main(["wechat", "menu", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["button"][2]["name"] == "学用手机"


@pytest.mark.parametrize(
    "text, message",
    [
        ("button: []", "1 to 3"),
        ("button: [{name: 一二三四五六七八九, key: /help}]", "name must be"),
        ("button: [{name: 首页, key: help}]", "payload"),
        ("button: [{name: 首页}]", "needs a key"),
        (
            "button: [{name: a, key: /a}, {name: b, key: /b}, {name: c, key: /c}, {name: d, key: /d}]",
            "1 to 3",
        ),
    ],
)
def test_rules_are_checked(tmp_path, text, message):
    (tmp_path / "wechat_menu.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(MenuError, match=message):
        load_menu(tmp_path)


def test_apply_reports_wechats_refusal(fake, monkeypatch, capsys):
    for k, v in {
        "LELING_WECHAT_APPID": APPID,
        "LELING_WECHAT_SECRET": "not-the-secret",
        "LELING_WECHAT_API_BASE_URL": fake.url,
    }.items():
        monkeypatch.setenv(k, v)
    assert cli.main(["wechat", "menu", "--apply"]) == 1
    assert "WeChat refused the menu" in capsys.readouterr().err and fake.menus == []


def test_a_web_key_in_the_menu_file_is_accepted(tmp_path):
    (tmp_path / "wechat_menu.yaml").write_text(
        "button: [{name: 网页版, key: /web}]", encoding="utf-8"
    )
    assert load_menu(tmp_path)["button"][0]["key"] == "/web"
