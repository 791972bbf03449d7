"""A phone shared in a family: the web chat page, in a real headless chromium, keeps one
person's conversation on the device; when a one-time WeChat link signs the page in as someone
else, the previous person's messages are neither shown nor kept, while a reload by the same
person resumes the conversation."""

from __future__ import annotations

import pytest
from browserkit import needs_chromium
from wxkit import WeChatServer

from store import web_links

pytestmark = [pytest.mark.slow, needs_chromium]


@pytest.fixture
def wxp(tmp_path, real_parser, fake):
    with WeChatServer(tmp_path, real_parser, fake, public=True) as server:
        yield server


def _ask(page, text: str) -> None:
    before = page.locator("#log .msg-bot").count()
    page.fill("#input", text)
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"() => document.querySelectorAll('#log .msg-bot').length > {before}"
        " && !document.getElementById('log').hasAttribute('aria-busy')"
    )


def _kept(page) -> str:
    return page.evaluate("() => window.localStorage.getItem('leling.history') || ''")


def test_a_wechat_link_to_someone_else_drops_the_previous_persons_history(browser, wxp):
    context = browser.new_context(viewport={"width": 390, "height": 800}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(wxp.url + "/")
        page.wait_for_selector(".msg-bot")
        _ask(page, "海淀区的老年大学")
        # the same person reloading resumes the conversation
        page.reload()
        page.wait_for_selector(".msg-bot")
        assert "海淀区的老年大学" in page.inner_text("#log") and "海淀区的老年大学" in _kept(page)

        wxp.say("你好", openid="oGrandpa")
        token = wxp.services.executor.submit(
            web_links.issue, wxp.services.db, "wechat:oGrandpa"
        ).result()
        page.goto(f"{wxp.url}/?wx={token}")
        page.wait_for_selector(".msg-bot")
        assert "海淀区的老年大学" not in page.inner_text("#log")
        assert "海淀区的老年大学" not in _kept(page)

        # grandpa's own conversation is kept across a reload
        _ask(page, "朝阳区的讲座")
        page.reload()
        page.wait_for_selector(".msg-bot")
        assert "朝阳区的讲座" in page.inner_text("#log")
        assert "海淀区的老年大学" not in page.inner_text("#log")
        assert errors == []
    finally:
        context.close()
