"""`/weblogin` on Telegram (python-telegram-bot's real Application over the fake Bot API): a
volunteer or an admin gets a one-time link with no link preview, and the link signs them in to
the live console; anyone else is refused politely."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "telegram"))

from fake_bot_api import TOKEN, FakeTelegram  # noqa: E402
from staffkit import ADMIN, Staff  # noqa: E402
from tgkit import FakeAssistant, FakeRequest, Harness, sent_texts  # noqa: E402

from bot.channels.telegram import build_application  # noqa: E402
from bot.service import Services  # noqa: E402
from store import audit, volunteers  # noqa: E402
from store.db import open_db  # noqa: E402


async def test_weblogin_sends_a_link_that_signs_in_once(live):
    volunteers.redeem(live.db, "telegram:7", volunteers.invite(live.db, ADMIN, name="小张"))
    api = FakeTelegram()
    settings = replace(live.settings, admins=(ADMIN,), public_url=live.url + "/")
    services = Services(
        settings=settings,
        db=open_db(live.settings.db),
        catalogue=live.services.catalogue,
        assistant=FakeAssistant(),
    )
    app = build_application(services, TOKEN, request=FakeRequest(api), rate_limit=False)
    await app.initialize()
    try:
        h = Harness(api, services, app)
        calls = await h.text(7, "/weblogin")
        [words] = sent_texts(calls)
        assert "10 分钟内有效" in words
        url = words.split("\n")[-1]
        assert url.startswith(live.url + "/staff/login?t=")
        [call] = [c for c in calls if c.method == "sendMessage"]
        assert call.params["link_preview_options"] == {"is_disabled": True}

        [admin_words] = sent_texts(await h.text(1, "/weblogin"))
        assert "/staff/login?t=" in admin_words

        [refusal] = sent_texts(await h.text(55, "/weblogin"))
        assert "只给志愿者和管理员用" in refusal and "t=" not in refusal
        assert services.assistant.seen == []  # the link never went through the conversation
    finally:
        await app.shutdown()
        services.executor.submit(services.db.conn.close).result()
        services.executor.shutdown(wait=True)
        services.turn_executor.shutdown(wait=True)

    c = Staff(live.url)
    assert c.login_link(url).status_code == 303
    assert "小张" in c.http.get("/desk").text
    assert Staff(live.url).login_link(url).status_code == 403  # once only
    c.close()
    actors = [e["actor"] for e in audit.entries(live.db, "staff.login_link")]
    assert actors == ["telegram:7", ADMIN]
