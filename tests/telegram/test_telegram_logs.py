"""No user text and no secrets in the log, at any level: the channel's own lines carry ids and
lengths, the libraries' chatty DEBUG lines stay off, and tokens are redacted from every line."""

from __future__ import annotations

import io
import logging

import pytest
from fake_bot_api import TOKEN
from tgkit import FakeAssistant

from bot import logsafe

SECRET_WORDS = "我家住在幸福小区3号楼紫色长颈鹿"


@pytest.fixture
def log_stream():
    """Everything logged at DEBUG, formatted as `leling` formats it (redacting)."""
    root = logging.getLogger()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    saved = {n: logging.getLogger(n).level for n in ("", *logsafe.QUIET_LIBRARIES)}
    only = logging.Logger("only-this-handler")
    only.addHandler(handler)
    logsafe.install(logger=only)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    for name, level in saved.items():
        logging.getLogger(name or None).setLevel(level)


async def test_a_turn_and_a_failing_turn_log_neither_text_nor_token(harness, log_stream):
    logsafe.add_secret(TOKEN)  # as `leling run` does with TELEGRAM_BOT_TOKEN
    h = await harness()
    await h.text(42, SECRET_WORDS)

    def fail(incoming):
        raise ValueError(f"cannot handle {incoming.text!r}; session {{'history': ['{TOKEN}']}}")

    h2 = await harness(assistant=FakeAssistant(fail))
    calls = await h2.text(43, SECRET_WORDS + " 再说一遍")
    assert any(c.method == "sendMessage" for c in calls)  # the kind apology still went out
    logging.getLogger("httpx").info("HTTP Request: POST https://api.example/bot%s/getMe", TOKEN)
    out = log_stream.getvalue()
    assert "update" in out and "failed: ValueError" in out
    assert "幸福小区" not in out
    assert TOKEN not in out
    assert "/bot<redacted>/getMe" in out


def test_anything_shaped_like_a_bot_token_is_redacted():
    token = "7012345678:AAHc3V9xQp-k2_LmZ0aBcDeFgHiJkLmNoPq"
    line = logsafe.redact(f"POST https://api.telegram.org/bot{token}/sendMessage failed")
    assert line == "POST https://api.telegram.org/bot<redacted>/sendMessage failed"


def test_registered_secrets_are_redacted():
    logsafe.add_secret("webhook-secret-0123456789")
    assert logsafe.redact("given webhook-secret-0123456789") == "given <redacted>"
    assert logsafe.redact("short") == "short"
