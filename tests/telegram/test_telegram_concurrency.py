"""Through the channel: a turn stuck for one chat does not hold up another chat's answer (turns
run on the service's turn workers, not on the single database thread)."""

from __future__ import annotations

import asyncio
import threading

from tgkit import FakeAssistant, sent_texts

from dialogues.models import Reply


async def test_a_stuck_chat_does_not_delay_another(harness):
    entered, release = threading.Event(), threading.Event()

    def script(incoming):
        if incoming.user_id == "telegram:1":
            entered.set()
            assert release.wait(30)
        return [Reply(f"echo: {incoming.text}")]

    h = await harness(assistant=FakeAssistant(script))
    slow = asyncio.ensure_future(h.text(1, "慢"))
    assert await asyncio.to_thread(entered.wait, 30)
    calls = await h.text(2, "你好")  # answered in full while chat 1 is stuck
    assert "echo: 你好" in sent_texts(calls)
    assert not slow.done()
    release.set()
    assert "echo: 慢" in sent_texts(await slow)
