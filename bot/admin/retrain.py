"""The console's "retrain" button: gated training on a background thread, then the new model
swapped in — only when the held-out gates passed (nlu/review.py `train_gated`).

One training at a time per service (`Retrainer.start` says False while one runs). The state
(`idle` / `running` / `passed` / `failed` / `error`, when, the scores or the reasons) is kept in
memory for the page; the outcome is also in the audit log (`nlu.retrain`).
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from pathlib import Path

from store import audit

log = logging.getLogger(__name__)


class Retrainer:
    """Runs `train_gated` for one service and swaps the new parser in when it passed."""

    def __init__(self, services, data_dir: Path | None = None, model_dir: Path | None = None):
        self.services = services
        self.data_dir, self.model_dir = data_dir, model_dir
        self.lock = threading.Lock()
        self.state: dict = {"state": "idle"}
        self.thread: threading.Thread | None = None

    def start(self, actor: str) -> bool:
        """Start a training; False when one is already running."""
        with self.lock:
            if self.state.get("state") == "running":
                return False
            self.state = {"state": "running", "since": _now()}
            self.thread = threading.Thread(
                target=self._run, args=(actor,), name="leling-retrain", daemon=True
            )
            self.thread.start()
            return True

    def snapshot(self) -> dict:
        """The state for the page (a copy)."""
        with self.lock:
            return dict(self.state)

    def wait(self, timeout: float | None = None) -> dict:
        """Wait for the running training (tests, shutdown); the state after it."""
        thread = self.thread
        if thread is not None:
            thread.join(timeout)
        return self.snapshot()

    def _run(self, actor: str) -> None:
        from bot.app import catalogue_gazetteer
        from nlu.review import train_gated

        services = self.services
        try:
            catalogue = services.catalogue
            outcome = train_gated(catalogue_gazetteer(catalogue), self.data_dir, self.model_dir)
            state = {
                "state": "passed" if outcome.passed else "failed",
                "scores": outcome.scores,
                "gates": outcome.gates,
                "reasons": outcome.reasons,
                "promoted": outcome.promoted,
            }
            if outcome.passed:
                parser = self._open_parser(catalogue)
                if services.assistant is not None:
                    services.assistant.parser = parser  # a turn reads it once: never half
                state["model"] = str(outcome.model_path or "")
        except Exception as exc:  # training is the operator's button: report, keep serving
            log.exception("retraining from the console failed")
            state = {"state": "error", "why": type(exc).__name__}
        state["finished"] = _now()
        detail = {k: state.get(k) for k in ("state", "scores", "reasons", "promoted", "why")}
        try:
            from store.db import open_db

            db = open_db(services.settings.db)
            try:
                audit.record(db, actor, "nlu.retrain", detail)
            finally:
                db.conn.close()
        except Exception:
            log.exception("could not write the retraining to the audit log")
        with self.lock:
            self.state = state

    def _open_parser(self, catalogue):
        from bot.app import open_parser

        parser = open_parser(
            self.services.settings, catalogue, data_dir=self.data_dir, model_dir=self.model_dir
        )
        warm = getattr(getattr(parser, "fallback", parser), "warm_up", None)
        if warm is not None:
            warm()
        return parser


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def retrainer(app) -> Retrainer:
    """The app's one Retrainer (made on first use; `app.state.nlu_data` and `nlu_model_dir`
    point it at other folders, as tests do)."""
    found = getattr(app.state, "retrainer", None)
    if found is None:
        found = Retrainer(
            app.state.services,
            getattr(app.state, "nlu_data", None),
            getattr(app.state, "nlu_model_dir", None),
        )
        app.state.retrainer = found
    return found
