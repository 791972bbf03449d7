"""A fixed in-run yardstick every benchmark prints beside its figures (issue #16).

The same pure-Python loop, timed a few times at the start of a run: on an idle machine of this
class it takes about the same time every day, so a reader sees how busy the machine was when the
figures were taken (the development machine's two cores are shared). Also the load average.
"""

from __future__ import annotations

import os
import platform
import statistics
import time


def _loop() -> int:
    total = 0
    for i in range(1_000_000):
        total += i * i % 7
    return total


def measure(repeat: int = 5) -> dict:
    """Median and spread (ms) of the fixed loop, and the 1-minute load average."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        _loop()
        times.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": statistics.median(times),
        "min_ms": min(times),
        "max_ms": max(times),
        "load": os.getloadavg()[0],
    }


def line(m: dict | None = None) -> str:
    """One printable line: the yardstick, the load average, the machine."""
    m = m or measure()
    return (
        f"yardstick: pure-Python loop of 1,000,000 steps {m['median_ms']:.0f} ms median "
        f"({m['min_ms']:.0f}–{m['max_ms']:.0f}); load average {m['load']:.2f}; "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M')}"
    )
