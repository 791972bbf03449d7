"""`leling run` on a fresh machine: it prints the web chat's address (and a QR code of it),
serves the page with the sample catalogue and the reminder dispatcher, and stops on SIGTERM."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from webkit import free_port

from bot.commands.run import announce, qr_text
from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_announce_prints_the_address_and_a_qr_code():
    out = io.StringIO()
    announce(Settings(port=8123), qr=True, out=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8123/" in text and "only this computer" in text
    assert "█" in text or "▀" in text  # the QR code, drawn with blocks
    out = io.StringIO()
    announce(Settings(public_url="https://leling.example.org/"), qr=False, out=out)
    assert "https://leling.example.org/" in out.getvalue()
    assert "only this computer" not in out.getvalue() and "▀" not in out.getvalue()
    assert qr_text("https://leling.example.org/").count("\n") > 10


@pytest.mark.slow
def test_leling_run_serves_the_page_on_a_fresh_machine(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "LELING_DB": str(tmp_path / "data" / "leling.db"),
        "LELING_HOST": "127.0.0.1",
        "LELING_PORT": str(port),
        "PYTHONUNBUFFERED": "1",
    }
    for key in ("TELEGRAM_BOT_TOKEN", "LELING_CONTENT", "LELING_WEB_SECRET", "LELING_PUBLIC_URL"):
        env.pop(key, None)
    log = tmp_path / "run.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while f"Open the web chat: http://127.0.0.1:{port}/" not in log.read_text():
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert page.status_code == 200 and "乐龄伴学" in page.text
        token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
        r = httpx.post(
            f"http://127.0.0.1:{port}/api/message",
            json={"text": "朝阳区的老年大学"},
            cookies=page.cookies,
            headers={"X-CSRF-Token": token},
            timeout=30,
        )
        assert r.json()["replies"][0]["items"][0]["card"]["tel"].startswith("tel:")
        assert "reminder dispatcher started" in log.read_text()
        assert (tmp_path / "data" / "web-secret").exists()  # generated and kept
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
        code = proc.wait(20)
    assert code == 0, log.read_text()
    assert "朝阳区的老年大学" not in log.read_text()  # no user text in the log
