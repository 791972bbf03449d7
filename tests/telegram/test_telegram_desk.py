"""The help desk end to end on Telegram: `leling run` against the fake Bot API server; an admin
invites, a volunteer joins, a senior asks for help, the volunteer claims and answers, the senior
says "不用了"."""

from __future__ import annotations

import os
import re

import pytest
from fake_bot_api import FakeBotApi
from test_telegram_e2e import Leling, ask

pytestmark = pytest.mark.slow

ADMIN, VOLUNTEER, SENIOR = 901, 902, 903


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    fake = FakeBotApi().start()
    saved = dict(os.environ)
    # Open around the clock, so the test does not depend on when it runs.
    os.environ.update(LELING_ADMINS=f"telegram:{ADMIN}", LELING_DESK_HOURS="00:00-23:59")
    try:
        proc = Leling(fake, tmp_path_factory.mktemp("desk"), "polling")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    try:
        proc.wait_ready()
        yield fake
    finally:
        code = proc.stop()
        fake.stop()
    assert code == 0, proc.log.read_text()


def _text_to(fake, chat_id: int, after: int, contains: str) -> str:
    call = fake.wait_for(
        "sendMessage", chat_id=chat_id, after=after, where=lambda c: contains in c.params["text"]
    )
    return call.params["text"]


def test_the_whole_desk_flow_over_telegram(desk):
    fake = desk
    # A stranger is refused politely.
    assert "给志愿者用的" in ask(fake, SENIOR, "/desk").params["text"]
    invite = ask(fake, ADMIN, "/invite 东城区").params["text"]
    code = re.search(r"/volunteer ([A-Z0-9]{8})", invite).group(1)
    assert "欢迎" in ask(fake, VOLUNTEER, f"/volunteer {code} 小王").params["text"]

    mark = fake.mark()
    asked = ask(fake, SENIOR, "找人帮忙").params["text"]
    assert "1 位值班志愿者" in asked
    notice = _text_to(fake, VOLUNTEER, mark, "#")
    rid = re.search(r"#(\d+)", notice).group(1)

    mark = fake.mark()
    ask(fake, VOLUNTEER, f"/claim {rid}")
    assert "志愿者小王来帮您了" in _text_to(fake, SENIOR, mark, "小王")

    mark = fake.mark()
    ask(fake, VOLUNTEER, "请点右上角的加号")
    assert _text_to(fake, SENIOR, mark, "加号").startswith("志愿者小王：")

    mark = fake.mark()
    assert "转给志愿者小王" in ask(fake, SENIOR, "点了").params["text"]
    assert "点了" in _text_to(fake, VOLUNTEER, mark, "点了")

    mark = fake.mark()
    ask(fake, SENIOR, "不用了")
    assert "不用了" in _text_to(fake, VOLUNTEER, mark, "不用了")
