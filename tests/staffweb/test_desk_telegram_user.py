"""A Telegram user's request answered from the web console: the claim notice and the reply go
out through python-telegram-bot to the fake Bot API (the desk's courier with the Telegram
sender), and the user's Telegram messages show in the console's conversation."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "telegram"))

from fake_bot_api import TOKEN, FakeTelegram  # noqa: E402
from staffkit import ADMIN, Staff, on_own_loop, tick_and_stop  # noqa: E402
from telegram import Bot  # noqa: E402
from tgkit import FakeRequest  # noqa: E402

from bot.channels.telegram_sender import TelegramSender  # noqa: E402
from dialogues.models import Incoming  # noqa: E402
from scheduler.desk import DeskCourier  # noqa: E402
from scheduler.sender import RoutingSender  # noqa: E402
from store import help_requests, volunteers  # noqa: E402

SENIOR = 903


def _say(live, text: str) -> str:
    """A message from the Telegram user, through the service's assistant (on a turn worker)."""
    turn = live.services.turn_executor.submit(
        live.services.assistant.handle, Incoming(f"telegram:{SENIOR}", text)
    )
    return "\n".join(r.text for r in turn.result(60))


def _courier_to_telegram(live, api: FakeTelegram) -> int:
    async def once():
        bot = Bot(TOKEN, request=FakeRequest(api))
        await bot.initialize()
        sender = RoutingSender({"telegram": TelegramSender(bot)})
        try:
            return await tick_and_stop(DeskCourier(live.settings.db, sender, clock=live.clock))
        finally:
            await bot.shutdown()

    return on_own_loop(once)


def test_a_telegram_users_request_answered_on_the_web(live):
    wang = Staff(live.url)
    wang.login_code(volunteers.invite(live.db, ADMIN, org="东城区乐龄学习中心"), "小王")
    assert "1 位值班志愿者" in _say(live, "找人帮忙")
    [r] = help_requests.open_requests(live.db)
    wang.post(f"/desk/request/{r['id']}/claim")
    wang.post(f"/desk/request/{r['id']}/reply", text="您好，请告诉我您卡在哪一步了。")

    api = FakeTelegram()
    _courier_to_telegram(live, api)
    texts = [c.params["text"] for c in api.sent(SENIOR, method="sendMessage")]
    assert any("志愿者小王来帮您了" in t for t in texts)
    assert any(t.startswith("志愿者小王：您好，请告诉我") for t in texts)

    assert "转给志愿者小王" in _say(live, "第三步找不到加号")
    thread = wang.http.get(f"/desk/api/request/{r['id']}").json()
    assert "第三步找不到加号" in thread["html"] and "已发出" in thread["html"]
    wang.close()
