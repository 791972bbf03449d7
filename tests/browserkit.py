"""Debian's chromium under Playwright, headless, for the tests that drive a real browser (the web
chat, the help desk console, the admin console). The `browser` fixture is in tests/conftest.py.

    from browserkit import needs_chromium
    pytestmark = [pytest.mark.slow, needs_chromium]
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("LELING_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"no chromium at {CHROMIUM} (install it with `make system-deps`)",
)


@contextmanager
def chromium(*extra_args: str):
    """A launched headless chromium (Playwright's sync API), closed on leaving; skips the test
    when chromium or Playwright is missing."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM} (install it with `make system-deps`)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[*FLAGS, *extra_args])
        try:
            yield b
        finally:
            b.close()
