"""The web chat page in a real browser: Playwright driving Debian's chromium, headless.

Asks a question and sees center cards, presses a button, walks guide steps, subscribes and sees
the reminder in the inbox after the dispatcher runs with an injected clock, checks the largest
text size at 360 px, reloads and resumes, and runs axe-core (vendored, tests/web/vendor/) at
every text size. Screenshots go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from browserkit import AXE, needs_chromium, serious_axe_violations, watch
from webkit import TZ, LiveServer

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
LECTURE = "lec-dongcheng-teen-silence-1205"

pytestmark = [pytest.mark.slow, needs_chromium]


@pytest.fixture
def server(tmp_path, web_parser):
    with LiveServer(tmp_path, web_parser) as s:
        yield s


class Page:
    """One phone-sized page on the live server, failing the test on any script error."""

    def __init__(self, browser, url: str, width: int = 390, **context):
        self.context = browser.new_context(
            viewport={"width": width, "height": 800}, locale="zh-CN", **context
        )
        self.page = self.context.new_page()
        self.errors, self.requests = watch(self.page)
        self.url = url

    def open(self, path: str = "/") -> Page:
        self.page.goto(self.url + path)
        self.page.wait_for_selector(".msg-bot")
        return self

    def bot_count(self) -> int:
        return self.page.locator("#log .msg-bot").count()

    def type(self, text: str) -> None:
        before = self.bot_count()
        self.page.fill("#input", text)
        self.page.keyboard.press("Enter")
        self._wait_more(before)

    def tap(self, name: str) -> None:
        before = self.bot_count()
        self.last_reply().get_by_role("button", name=name, exact=True).click()
        self._wait_more(before)

    def _wait_more(self, before: int) -> None:
        self.page.wait_for_function(
            f"() => document.querySelectorAll('#log .msg-bot').length > {before}"
            " && !document.getElementById('log').hasAttribute('aria-busy')"
        )

    def last_reply(self):
        return self.page.locator("#log .msg-bot").last

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        assert self.errors == []
        foreign = [u for u in self.requests if not u.startswith(self.url)]
        assert foreign == []  # no third-party requests, ever
        self.context.close()


@pytest.fixture
def page(browser, server):
    p = Page(browser, server.url)
    yield p
    p.close()


def test_a_question_gives_center_cards_and_a_used_button_names_the_choice(page):
    page.open()
    assert "您好" in page.last_reply().inner_text()  # the first visit is greeted
    page.type("离我最近的老年大学在哪儿")
    page.tap("朝阳区")
    cards = page.page.locator(".card-center")
    assert cards.count() >= 1
    first = cards.first
    assert "地址" in first.inner_text() and "今天开放" in first.inner_text()
    call = first.get_by_role("link", name=re.compile("打电话"))
    assert call.get_attribute("href").startswith("tel:")
    # the tapped button is disabled and says what was chosen
    asked = page.page.locator("#log .msg-bot").nth(1)
    chosen = asked.get_by_role("button", name="✓ 朝阳区")
    assert chosen.is_disabled()
    assert "您选了：朝阳区" in asked.inner_text()
    # the nearest center's phone is one tap away from now on
    assert page.page.locator("#call-nearest").is_visible()
    page.shot("centers")


def test_walk_guide_steps_then_reload_and_resume(page):
    page.open()
    page.type("怎么用微信视频")
    assert "第1步/共7步" in page.last_reply().locator(".card-guide").inner_text()
    page.tap("下一步")
    assert "第2步/共7步" in page.last_reply().inner_text()
    page.tap("下一步")
    assert "第3步/共7步" in page.last_reply().inner_text()
    page.tap("上一步")
    assert "第2步/共7步" in page.last_reply().inner_text()
    page.shot("guide")

    page.page.reload()
    page.page.wait_for_selector(".msg-bot")
    assert "第2步/共7步" in page.last_reply().inner_text()  # the conversation is back
    assert page.page.locator("#log .msg-bot").first.get_by_role("button").first.is_disabled()
    page.tap("下一步")  # and it carries on where it was
    assert "第3步/共7步" in page.last_reply().inner_text()


def test_subscribe_then_the_reminder_waits_in_the_inbox(page, server):
    page.open(f"/?start=lecture_{LECTURE}")
    page.page.wait_for_selector(".card-lecture")
    assert "start=" not in page.page.url  # a reload will not subscribe twice
    card = page.page.locator(".card-lecture").last
    assert "明天(周六)下午2:00" in card.inner_text()
    before = page.bot_count()
    card.get_by_role("button", name=re.compile("提醒我")).click()
    page._wait_more(before)
    assert "网页关掉以后" in page.last_reply().inner_text()

    report = server.dispatch(datetime(2026, 12, 4, 18, 0, 30, tzinfo=TZ))
    assert report.sent == 1
    page.page.reload()  # the page opens: what waited is shown at the top
    inbox = page.page.locator("#inbox")
    inbox.wait_for(state="visible")
    assert "您有1条提醒" in inbox.inner_text()
    assert "青春期孩子不爱说话怎么办" in inbox.inner_text()
    page.shot("inbox")
    page.page.get_by_role("button", name="知道了").click()
    assert not inbox.is_visible()
    page.page.reload()
    page.page.wait_for_selector(".msg-reminder")  # kept in the conversation, not shown again
    assert not page.page.locator("#inbox").is_visible()


def test_the_largest_text_fits_a_360px_phone_and_is_remembered(browser, server):
    p = Page(browser, server.url, width=360)
    p.open()
    p.type("朝阳区的老年大学")
    p.type("怎么用微信视频")
    p.page.locator("#size-btn").click()
    p.page.locator("#size-btn").click()
    assert p.page.evaluate("getComputedStyle(document.body).fontSize") == "30px"
    overflowing = p.page.evaluate(
        """() => {
        const out = [];
        document.querySelectorAll('body *').forEach(e => {
          if (e.closest('.sr-only') || e.classList.contains('skip-link')) return;
          const r = e.getBoundingClientRect();
          if (r.width && (r.left < -1 || r.right > 361)) out.push(e.tagName + '.' + e.className);
        });
        return [document.documentElement.scrollWidth, out];
    }"""
    )
    assert overflowing == [360, []]
    # every main button is at least 60×60 px, every other one at least 44×44 px
    small = p.page.evaluate(
        """() => [...document.querySelectorAll('.btn')].filter(b => b.offsetParent)
          .map(b => [b.className, b.getBoundingClientRect()])
          .filter(([c, r]) => r.height < (c.includes('btn-main') ? 60 : 44)
                           || r.width < (c.includes('btn-main') ? 60 : 44))
          .map(([c]) => c)"""
    )
    assert small == []
    p.shot("largest-360")
    p.page.reload()
    p.page.wait_for_selector(".msg-bot")
    assert p.page.evaluate("document.documentElement.dataset.size") == "3"
    p.close()


def test_keyboard_only_and_the_live_region(page):
    page.open()
    page.page.keyboard.press("Tab")  # the skip link comes first
    assert page.page.evaluate("document.activeElement.className") == "skip-link"
    page.page.keyboard.press("Enter")
    page.page.focus("#input")
    page.page.keyboard.type("怎么用微信视频")
    before = page.bot_count()
    page.page.keyboard.press("Enter")
    page._wait_more(before)
    live = page.page.locator("#live")
    assert live.get_attribute("aria-live") == "polite"
    page.page.wait_for_function(
        "() => document.getElementById('live').textContent.includes('第1步')"
    )
    # each announcement stays about a second, then the region is cleared
    page.page.wait_for_function("() => document.getElementById('live').textContent === ''")
    # a button pressed with the keyboard: focus moves to the new reply
    page.last_reply().get_by_role("button", name="下一步").focus()
    before = page.bot_count()
    page.page.keyboard.press("Enter")
    page._wait_more(before)
    assert page.page.evaluate("document.activeElement.classList.contains('msg-bot')")
    assert "第2步" in page.page.evaluate("document.activeElement.textContent")


def test_english_switch_and_the_always_there_buttons(page):
    page.open()
    before = page.bot_count()
    page.page.get_by_role("button", name="English").click()
    page._wait_more(before)
    assert page.page.evaluate("document.documentElement.lang") == "en"
    assert page.page.get_by_role("button", name="Get help").is_visible()
    assert page.page.get_by_role("button", name="Home").is_visible()
    page.page.get_by_role("button", name="Get help").click()
    page.page.wait_for_function("() => !document.getElementById('log').hasAttribute('aria-busy')")
    assert page.bot_count() > before + 1


def test_a_refused_location_is_answered_kindly(browser, server):
    p = Page(browser, server.url)  # no geolocation permission granted: the browser refuses
    p.open()
    p.page.get_by_role("button", name="发送我的位置").click()
    p.page.wait_for_function(
        "() => document.querySelector('#log .msg-bot:last-of-type').textContent.includes('哪个区')"
    )
    p.close()


def test_a_granted_location_gives_centers(browser, server):
    p = Page(
        browser,
        server.url,
        permissions=["geolocation"],
        geolocation={"latitude": 39.93, "longitude": 116.45},
    )
    p.open()
    before = p.bot_count()
    p.page.get_by_role("button", name="发送我的位置").click()
    p._wait_more(before)
    assert p.page.locator(".card-center").count() >= 1
    assert "约" in p.page.locator(".card-center").first.inner_text()  # the distance
    p.close()


def _axe(p: Page, what: str) -> None:
    """axe-core at each text size: no serious or critical violation."""
    p.page.add_script_tag(path=str(AXE))
    for size in (1, 2, 3):
        p.page.evaluate(f"document.documentElement.setAttribute('data-size', '{size}')")
        bad = serious_axe_violations(p.page)
        assert bad == [], f"{what}, text size {size}: {bad}"


def remind_me_and_deliver(page: Page, server) -> None:
    """On the lecture's card the page shows, tap 提醒我; then run the reminder dispatcher at the
    time the reminder is due (18:00:30 on the lecture's day)."""
    page.page.wait_for_selector(".card-lecture")
    before = page.bot_count()
    page.page.locator(".card-lecture").last.get_by_role("button", name=re.compile("提醒我")).click()
    page._wait_more(before)
    server.dispatch(datetime(2026, 12, 4, 18, 0, 30, tzinfo=TZ))


def test_axe_finds_no_serious_problems_at_any_text_size(browser, server):
    # axe is injected as an inline script, which the page's CSP (rightly) forbids: bypass it
    # for the audit only.
    p = Page(browser, server.url, width=360, bypass_csp=True)
    p.open()
    p.type("朝阳区的老年大学")  # center cards
    p.type("怎么用微信视频")  # a guide step, a used button
    p.tap("下一步")
    _axe(p, "centers and a guide")
    p.shot("axe-checked")
    p.page.goto(f"{server.url}/?start=lecture_{LECTURE}")  # a lecture card, then the inbox
    remind_me_and_deliver(p, server)
    p.page.reload()
    p.page.locator("#inbox").wait_for(state="visible")
    _axe(p, "a lecture and the inbox")
    before = p.bot_count()
    p.page.get_by_role("button", name="English").click()
    p._wait_more(before)
    _axe(p, "in English")
    p.close()


def test_a_reminder_shows_while_the_page_is_open(page, server):
    page.open(f"/?start=lecture_{LECTURE}")
    remind_me_and_deliver(page, server)
    page.type("你好")  # any answer says how many wait; the page then shows them
    page.page.locator("#inbox").wait_for(state="visible")
    assert "您有1条提醒" in page.page.locator("#inbox").inner_text()


def test_listen_reads_aloud_or_says_it_cannot(page):
    page.open()
    page.last_reply().get_by_role("button", name="听，朗读这条回复").click()
    spoke = page.page.evaluate(
        "() => window.speechSynthesis && (speechSynthesis.speaking || speechSynthesis.pending)"
    )
    assert spoke or "不能朗读" in page.last_reply().inner_text()


def test_forgetting_me_clears_this_device_too(page):
    page.open()
    page.type("怎么用微信视频")
    page.type("/forget")
    page.last_reply().get_by_role("button").first.click()  # yes, delete
    page.page.wait_for_function(
        "() => !document.getElementById('log').hasAttribute('aria-busy')"
        " && document.querySelectorAll('#log .msg-user').length === 0"
    )
    kept = page.page.evaluate("() => localStorage.getItem('leling.history') || ''")
    assert "怎么用微信视频" not in kept
    assert "怎么用微信视频" not in page.page.locator("#log").inner_text()
    page.page.reload()
    page.page.wait_for_selector(".msg-bot")
    assert "怎么用微信视频" not in page.page.locator("#log").inner_text()


def test_the_open_page_polls_the_inbox(page, server):
    page.page.clock.install()  # the page's timers run on a clock the test moves
    page.open(f"/?start=lecture_{LECTURE}")
    remind_me_and_deliver(page, server)
    assert not page.page.locator("#inbox").is_visible()
    page.page.clock.run_for(31_000)  # nobody types: the 30-second poll finds it
    page.page.locator("#inbox").wait_for(state="visible")
    assert "您有1条提醒" in page.page.locator("#inbox").inner_text()
