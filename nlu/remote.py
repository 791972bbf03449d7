"""Optional Rasa HTTP backend: `POST {url}/model/parse`, falling back to the local model.

An operator who runs a Rasa server (trained on the same `nlu/data`) sets `LELING_NLU_URL`.
When the server cannot be reached, answers with an error or with JSON that is not a parse, the
message is parsed locally instead and the server is left alone for `retry_after` seconds.
"""

from __future__ import annotations

import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from datetime import datetime

from .lang import detect_language
from .parser import Parser

log = logging.getLogger(__name__)


class RasaHTTPParser:
    """Same interface as `Parser`; `backend` says which one answered the last message."""

    def __init__(
        self, url: str, fallback: Parser, timeout: float = 2.0, retry_after: float = 30.0
    ) -> None:
        self.url = url.rstrip("/") + "/model/parse"
        self.fallback = fallback
        self.timeout = timeout
        self.retry_after = retry_after
        self.backend = "rasa"
        self._down_until = 0.0

    @property
    def fingerprint(self) -> str:
        """The fingerprint of the local fallback model."""
        return self.fallback.fingerprint

    @property
    def model(self):
        """The local fallback model."""
        return self.fallback.model

    def warm_up(self) -> None:
        """Warm the local fallback (the server warms itself)."""
        self.fallback.warm_up()

    def parse(self, text: str, now: datetime | None = None) -> dict:
        """The server's parse of `text`, or the local one when the server is unavailable."""
        if time.monotonic() >= self._down_until:
            try:
                result = self._post(text)
                self.backend = "rasa"
                return result
            except (OSError, ValueError, http.client.HTTPException) as exc:  # URLError: OSError
                log.warning("Rasa server %s unavailable (%s); using the local model", self.url, exc)
                self._down_until = time.monotonic() + self.retry_after
        self.backend = "local"
        return self.fallback.parse(text, now)

    def _post(self, text: str) -> dict:
        body = json.dumps({"text": text}).encode()
        request = urllib.request.Request(
            self.url, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            result = json.loads(response.read().decode("utf-8"))
        if not isinstance(result, dict) or not isinstance(result.get("intent"), dict):
            raise ValueError("response is not a parse")
        result.setdefault("text", text)
        result.setdefault("entities", [])
        result.setdefault("intent_ranking", [])
        result.setdefault("lang", detect_language(text))
        return result
