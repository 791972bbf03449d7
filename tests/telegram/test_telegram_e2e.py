"""End to end over real HTTP: `leling run` as a subprocess against the fake Bot API server, in
long-polling and in webhook mode, driven the way Telegram would drive it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fake_bot_api import TOKEN, FakeBotApi, free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
LELING = [sys.executable, "-m", "bot.cli"]
OGG = b"OggS\x00\x02" + bytes(200)  # the start of an Ogg page; enough for "a voice file"


class Leling:
    """One `leling run` process."""

    def __init__(self, fake: FakeBotApi, tmp: Path, mode: str, extra_env: dict | None = None):
        self.fake, self.mode, self.port = fake, mode, free_port()
        self.db = tmp / f"{mode}.db"
        self.log = tmp / f"{mode}.log"
        self.secret = "e2e-secret-token"
        env = {
            **os.environ,
            "LELING_DB": str(self.db),
            "LELING_HOST": "127.0.0.1",
            "LELING_PORT": str(self.port),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "PYTHONUNBUFFERED": "1",
            # no test reaches the network: the online voice (gTTS) is not even probed
            "LELING_TTS": "offline",
            "LELING_TTS_CACHE": str(tmp / "tts"),
            **(extra_env or {}),
        }
        for key in ("LELING_WEBHOOK_URL", "LELING_WEBHOOK_SECRET", "LELING_CONTENT"):
            env.pop(key, None)
        if mode == "webhook":
            env["LELING_WEBHOOK_URL"] = f"http://127.0.0.1:{self.port}/telegram/webhook"
            env["LELING_WEBHOOK_SECRET"] = self.secret
        self.proc = subprocess.Popen(
            [*LELING, "run", "--no-chat"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                r = httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                if r.json().get("telegram") == self.mode:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"not ready in {timeout}s:\n{self.log.read_text()}")

    def __enter__(self) -> Leling:
        """Ready to answer (see `wait_ready`); on leaving, stopped, and it must exit with 0."""
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        code = self.stop()
        assert code == 0, self.log.read_text()

    def stop(self) -> int:
        """SIGTERM by PID; the exit code (killed after 15 s if it hangs)."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
        try:
            return self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            raise AssertionError(f"did not stop on SIGTERM:\n{self.log.read_text()}") from None

    def user(self, chat_id: int) -> dict | None:
        conn = sqlite3.connect(self.db)
        conn.row_factory = sqlite3.Row
        try:
            row = conn.execute(
                "SELECT * FROM users WHERE id = ?", [f"telegram:{chat_id}"]
            ).fetchone()
            return dict(row) if row else None
        finally:
            conn.close()


@pytest.fixture(scope="module", params=["polling", "webhook"])
def leling(request, fake, tmp_path_factory):
    fake.reset()
    with Leling(fake, tmp_path_factory.mktemp(request.param), request.param) as proc:
        yield proc


def ask(fake: FakeBotApi, chat_id: int, text: str, **kw):
    """Send a message; the first successful reply message."""
    mark = fake.mark()
    fake.send_text(chat_id, text, **kw)
    return fake.wait_for("sendMessage", chat_id=chat_id, after=mark, timeout=15)


def payloads(call) -> list[str]:
    rows = call.params.get("reply_markup", {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row]


def test_start_shows_the_menu_and_the_commands_are_registered(leling, fake):
    reply = ask(fake, 101, "/start")
    assert "/find_center" in payloads(reply)
    assert {"zh", "en"} <= set(fake.commands)
    if leling.mode == "webhook":
        hook = fake.wait_for("setWebhook")
        assert hook.params["url"].endswith("/telegram/webhook")
        assert hook.params["secret_token"] == leling.secret


def test_a_question_and_a_button_press(leling, fake):
    reply = ask(fake, 102, "教我用微信视频")
    assert "第1步" in reply.params["text"] and "/guide_next" in payloads(reply)
    mark = fake.mark()
    fake.press(102, "/guide_next", reply_message_id := 1)
    assert reply_message_id
    fake.wait_for("answerCallbackQuery", after=mark, timeout=15)
    step2 = fake.wait_for("sendMessage", chat_id=102, after=mark, timeout=15)
    assert "第2步" in step2.params["text"]


def test_asking_for_a_place_then_sharing_a_location(leling, fake):
    mark = fake.mark()
    fake.send_text(103, "附近的老年大学")
    keyboard = fake.wait_for(
        "sendMessage",
        chat_id=103,
        after=mark,
        timeout=15,
        where=lambda c: "keyboard" in c.params.get("reply_markup", {}),
    )
    assert keyboard.params["reply_markup"]["keyboard"][0][0]["request_location"] is True
    mark = fake.mark()
    fake.send_location(103, 39.8822, 116.4066)
    answer = fake.wait_for("sendMessage", chat_id=103, after=mark, timeout=15)
    assert "/center_info" in "".join(payloads(answer))


def test_a_voice_message_gets_a_kind_reply_without_speech_recognition(leling, fake):
    mark = fake.mark()
    fake.send_voice(104, OGG)
    reply = fake.wait_for("sendMessage", chat_id=104, after=mark, timeout=15)
    assert "打字" in reply.params["text"]


def test_a_deep_link_opens_the_guide(leling, fake):
    reply = ask(fake, 105, "/start guide_wechat_video_call")
    assert "第1步" in reply.params["text"]


def test_mydata_sends_a_json_document(leling, fake):
    ask(fake, 106, "/start")
    mark = fake.mark()
    fake.send_text(106, "/mydata")
    doc = fake.wait_for("sendDocument", chat_id=106, after=mark, timeout=15)
    name, body, _ = doc.files["document"]
    assert name == "leling-mydata.json"
    assert json.loads(body)["user"]["id"] == "telegram:106"


def test_forget_asks_then_deletes(leling, fake):
    ask(fake, 107, "/start")
    assert leling.user(107) is not None
    confirm = ask(fake, 107, "/forget")
    assert "/affirm" in payloads(confirm)
    mark = fake.mark()
    fake.press(107, "/affirm")
    fake.wait_for("sendMessage", chat_id=107, after=mark, timeout=15)
    assert leling.user(107) is None


def test_a_429_is_waited_out_and_the_reply_still_arrives(leling, fake):
    fake.fail_next(
        "sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, chat_id=108
    )
    mark = fake.mark()
    fake.send_text(108, "/help")
    refused = fake.wait_for("sendMessage", chat_id=108, after=mark, ok=False, timeout=15)
    delivered = fake.wait_for("sendMessage", chat_id=108, after=mark, timeout=15)
    assert refused.status == 429
    assert delivered.at - refused.at >= 1.0


def test_a_403_marks_the_user_inactive(leling, fake):
    ask(fake, 109, "/start")
    fake.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=109)
    mark = fake.mark()
    fake.send_text(109, "你好")
    fake.wait_for("sendMessage", chat_id=109, after=mark, ok=False, timeout=15)
    deadline = time.monotonic() + 10
    while leling.user(109)["active"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert leling.user(109)["active"] == 0
    fake.member_status(109, "member", old="kicked")  # unblocked again
    while not leling.user(109)["active"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert leling.user(109)["active"] == 1


def test_the_webhook_refuses_a_wrong_secret(leling, fake):
    url = f"http://127.0.0.1:{leling.port}/telegram/webhook"
    update = {"update_id": 999, "message": fake.message(110, "/start")}
    if leling.mode == "polling":  # no webhook route at all while polling
        assert httpx.post(url, json=update, timeout=5).status_code == 404
        return
    assert httpx.post(url, json=update, timeout=5).status_code == 403
    r = httpx.post(
        url, json=update, timeout=5, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
    )
    assert r.status_code == 403
    assert not fake.sent(110)


def _start(tmp_path, token: str, base_url: str) -> subprocess.Popen:
    port = free_port()
    env = {
        **os.environ,
        "LELING_DB": str(tmp_path / "leling.db"),
        "LELING_PORT": str(port),
        "LELING_HOST": "127.0.0.1",
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": base_url,
    }
    env.pop("LELING_WEBHOOK_URL", None)
    return subprocess.Popen(
        [*LELING, "run", "--no-chat"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_refused_token_stops_with_a_clear_message(fake, tmp_path):
    proc = _start(tmp_path, "999:not-the-token", fake.base_url)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "TELEGRAM_BOT_TOKEN" in out


def test_an_unreachable_telegram_is_retried_until_stopped(tmp_path):
    proc = _start(tmp_path, TOKEN, f"http://127.0.0.1:{free_port()}/bot")
    deadline = time.monotonic() + 60
    lines = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        lines.append(line)
        if "not reachable" in line:
            break
    os.kill(proc.pid, signal.SIGTERM)
    out, _ = proc.communicate(timeout=15)
    assert any("not reachable" in line for line in lines), "".join(lines) + out
    assert proc.returncode == 0
