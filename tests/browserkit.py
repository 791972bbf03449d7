"""Debian's chromium under Playwright, headless, for the tests that drive a real browser (the web
chat, the help desk console, the admin console). The `browser` fixture is in tests/conftest.py.

    from browserkit import needs_chromium
    pytestmark = [pytest.mark.slow, needs_chromium]

Also what every such test checks on its pages: `watch` records script errors and requests,
`serious_axe_violations` runs axe-core (vendored at tests/web/vendor, `AXE`).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent / "web" / "vendor" / "axe.min.js"
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


def watch(page) -> tuple[list[str], list[str]]:
    """Record what `page` does from now on: its script errors (uncaught, or console.error) and
    the URLs it requests. Returns the two lists, filled as the page runs."""
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: requests.append(r.url))
    return errors, requests


def serious_axe_violations(page) -> list[tuple]:
    """Run axe-core (already injected into `page`) on the document; its serious or critical
    violations as (rule, impact, the first three offending elements)."""
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result
        if v["impact"] in ("serious", "critical")
    ]
