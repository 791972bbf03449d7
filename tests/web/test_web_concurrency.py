"""The web chat answers chats concurrently: a turn stuck for one browser does not hold up
another browser's answer, and a body over 1 MB is refused before it is read whole."""

from __future__ import annotations

import threading

from test_web_api import Client
from webkit import LiveServer


class GatedParser:
    """The real NLU, except that "慢慢来" waits until the test releases it."""

    def __init__(self, parser):
        self.parser = parser
        self.entered, self.release = threading.Event(), threading.Event()

    def parse(self, text, now=None):
        if text == "慢慢来":
            self.entered.set()
            assert self.release.wait(30)
        return self.parser.parse(text, now=now)


def test_a_stuck_browser_does_not_delay_another(tmp_path, web_parser):
    gated = GatedParser(web_parser)
    with LiveServer(tmp_path, gated) as live:
        a, b = Client(live.url), Client(live.url)
        answered = {}
        slow = threading.Thread(target=lambda: answered.setdefault("a", a.say(text="慢慢来")))
        slow.start()
        assert gated.entered.wait(30)
        assert b.replies(text="你好")  # answered while A's turn is stuck
        assert "a" not in answered
        gated.release.set()
        slow.join(30)
        assert answered["a"].status_code == 200
        a.close()
        b.close()


def test_a_body_over_one_megabyte_gets_413(live):
    c = Client(live.url)
    r = c.http.post(
        "/api/message", content=b"{" + b" " * (1024 * 1024) + b"}", headers={"X-CSRF-Token": c.csrf}
    )
    assert r.status_code == 413
    c.close()
