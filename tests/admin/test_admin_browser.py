"""The console in a real browser: Playwright driving Debian's chromium, headless, phone-sized.

An admin signs in with a one-time link, uploads a folder's files (a lecture cancelled, with a
subscriber), reads the diff and the notice that would go out, confirms and publishes; the usage
and not-understood pages show too. Every page: axe-core (tests/web/vendor) finds no serious or
critical violation, no script error (the CSP stays on: axe is served from the same origin), no
request to another origin, nothing wider than the phone. Screenshots go to tests/artifacts/;
with LELING_DOCS_SHOTS=1 also to docs/img/ (the ones docs/operators.md shows).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml
from adminkit import ADMIN, catalogue_copy
from browserkit import AXE, needs_chromium, serious_axe_violations, watch
from webkit import TZ

from content.load import load_catalogue
from scheduler.planning import plan_for_subscription
from store import events, not_understood, staff_tokens, subscriptions, users

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
DOCS_IMG = ROOT / "docs" / "img"
LECTURE = "lec-dongcheng-teen-silence-1205"
AXE_PATH = "/admin/static/__axe.js"  # served by the test itself, same origin

pytestmark = [pytest.mark.slow, needs_chromium]


class Phone:
    """A 390 px wide page on the live server; fails the test on any script error, CSP
    violation or request to another origin."""

    def __init__(self, browser, url: str, width: int = 390):
        self.context = browser.new_context(
            viewport={"width": width, "height": 844}, locale="zh-CN", device_scale_factor=1
        )
        self.page = self.context.new_page()
        self.url = url
        self.errors, self.requests = watch(self.page)
        self.page.route(
            f"{url}{AXE_PATH}",
            lambda route: route.fulfill(
                body=AXE.read_bytes(), content_type="application/javascript"
            ),
        )

    def go(self, path: str) -> None:
        self.page.goto(self.url + path)

    def check(self, what: str) -> None:
        """axe-core: no serious or critical violation; nothing wider than the screen."""
        self.page.add_script_tag(url=self.url + AXE_PATH)
        bad = serious_axe_violations(self.page)
        assert bad == [], f"{what}: {bad}"
        wide = self.page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert wide <= 0, f"{what}: {wide} px wider than the screen"

    def check_and_shoot(self, what: str, name: str) -> None:
        """`check(what)`, then the screenshot `name`."""
        self.check(what)
        self.shot(name)

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        if os.environ.get("LELING_DOCS_SHOTS") == "1":
            DOCS_IMG.mkdir(exist_ok=True)
            self.page.screenshot(path=str(DOCS_IMG / f"{name}.png"), full_page=True)

    def close(self) -> None:
        assert self.errors == []
        foreign = [u for u in self.requests if not u.startswith(self.url)]
        assert foreign == []
        self.context.close()


def _prepare(live, tmp_path) -> Path:
    """A subscriber to LECTURE; a catalogue folder that cancels it and adds a lesson."""
    users.get_or_create(live.db, "telegram:501")
    sub, _ = subscriptions.add(live.db, "telegram:501", "lecture", LECTURE)
    plan_for_subscription(live.db, load_catalogue(live.db), sub, live.clock())
    folder = catalogue_copy(tmp_path / "catalogue")
    path = folder / "lectures.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    next(x for x in items if x["id"] == LECTURE)["status"] = "cancelled"
    path.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def _activity(live) -> None:
    day = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
    for d in range(4):
        for i in range(d + 2):
            channel = ("web", "telegram", "wechat")[i % 3]
            events.record(
                live.db,
                "turn",
                user_id=f"{channel}:{i}",
                channel=channel,
                district=("朝阳区", "东城区", "海淀区")[i % 3],
                intent=("find_center", "list_lectures", "start_guide")[i % 3],
                at=day + timedelta(days=d, minutes=i),
            )
    for text in ("我想学跳广场舞", "想学广场舞", "你会唱京剧吗"):
        not_understood.record(live.db, text, "zh", "out_of_scope", 0.2, at=day)


def test_upload_diff_publish_in_a_browser_with_no_serious_axe_violation(browser, live, tmp_path):
    folder = _prepare(live, tmp_path)
    _activity(live)
    p = Phone(browser, live.url)
    p.go(f"/staff/login?t={staff_tokens.issue(live.db, ADMIN)}")
    p.page.get_by_role("button", name="登录").click()
    p.page.wait_for_load_state()
    p.go("/admin")
    assert p.page.get_by_role("heading", level=1).inner_text() == "管理台"
    p.check_and_shoot("home", "admin-home")

    p.page.get_by_role("link", name="课程和地点目录").first.click()
    p.page.wait_for_selector("#files")
    p.check_and_shoot("catalogue", "admin-catalogue")
    p.page.set_input_files("#files", [str(f) for f in sorted(folder.glob("*")) if f.is_file()])
    p.page.set_input_files("#guides", [str(f) for f in sorted((folder / "guides").glob("*"))])
    p.page.get_by_role("button", name="上传并检查").click()
    p.page.wait_for_selector("text=检查通过")
    review = p.page.inner_text("main")
    assert "取消的活动 (1)" in review and LECTURE in review and "通知 1 人" in review
    assert "wechat_menu.yaml" in review  # skipped, and said so
    p.check_and_shoot("review", "admin-review")

    p.page.get_by_role("button", name="发布这个目录").click()  # not confirmed: the browser asks
    assert "/admin/catalogue/review?s=" in p.page.url  # still on the review page
    status = live.db.execute("SELECT status FROM lectures WHERE id = ?", [LECTURE]).fetchone()
    assert status == ("scheduled",)
    p.page.get_by_label("我知道这次会删除 0 条、取消 1 个活动", exact=False).check()
    p.page.get_by_role("button", name="发布这个目录").click()
    p.page.wait_for_selector("text=已发布")
    status = live.db.execute("SELECT status FROM lectures WHERE id = ?", [LECTURE]).fetchone()
    assert status == ("cancelled",)
    assert "1 条通知" in p.page.inner_text("main")
    p.check_and_shoot("published", "admin-published")

    p.page.get_by_role("link", name="使用情况").first.click()
    p.page.wait_for_selector("img[alt='每天的对话次数和使用人数']")
    p.check_and_shoot("usage", "admin-usage")
    p.page.get_by_role("link", name="没听懂的话").first.click()
    p.page.wait_for_selector("text=我想学跳广场舞")
    p.check_and_shoot("not understood", "admin-not-understood")
    p.page.get_by_label("这组话的意思是").first.select_option("list_lessons")
    p.page.get_by_role("button", name="保存").first.click()
    p.page.wait_for_selector("text=已保存")
    p.check("assigned")
    p.close()
