"""Benchmark: the web chat's POST /api/message over loopback, 50 concurrent clients.

    .venv/bin/python bench/web.py [--clients 50] [--seconds 10] [--json]

A server process (`leling run`'s web app: the real NLU, SQLite, the sample catalogue, the
conversation clock fixed at NOW, rate limits off) and this load process, sharing the machine.
Each client gets its own cookie and CSRF token, then plays the dialogue transcripts' typed
messages (tests/dialogues/transcripts) one after another, as a person would. Measured in the
same run:

1. `GET /healthz` at the same concurrency: the HTTP stack's own cost (the yardstick);
2. text turns, saturated (each client sends again as soon as it has its answer): turns/s;
3. text turns, paced (each client waits 0.5–1.5 × `--think` seconds between messages, as
   people do, starting at random moments): latency p50/p99 when the server is not queueing;
4. the in-process rate of the same turns (`Assistant.turn`, as bench/dialogue.py measures it).

Targets (issue 13): p99 ≤ 50 ms for text turns (paced), and turns/s over HTTP ≥ 0.5 × the
in-process rate. Under saturation the latency is queueing (Little's law: 50 in flight ÷ the
rate), so the p99 target is read from the paced run.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import random  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _bench_dialogue():
    """bench/dialogue.py as a module (not via sys.path: bench/nlu.py would shadow `nlu`)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_dialogue", ROOT / "bench" / "dialogue.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_dialogue = _bench_dialogue()
NOW, percentile, script = _dialogue.NOW, _dialogue.percentile, _dialogue.script

TARGET_P99_MS, TARGET_RATIO = 50.0, 0.5


def messages() -> list[str]:
    """The transcripts' typed messages (no locations, no restarts), in order."""
    out = []
    for conv in script():
        for msg in conv:
            if msg != "restart" and msg.text and msg.location is None:
                out.append(msg.text[:400])
    return out


# -- the server process ----------------------------------------------------------------------


def serve(port: int, db: Path) -> None:
    """The web app on 127.0.0.1:`port` over a fresh database, the clock fixed, no rate limits."""
    import uvicorn

    from bot.app import open_catalogue, open_database, open_parser
    from bot.config import Settings
    from bot.service import Services
    from bot.web import create_app
    from bot.webchat import WebLimits
    from dialogues import Assistant

    settings = Settings(db=db, port=port, web_secret="bench")
    database = open_database(settings)
    catalogue = open_catalogue(settings, database)
    parser = open_parser(settings, catalogue)
    assistant = Assistant(database, catalogue, parser, clock=lambda: NOW)
    services = Services(settings=settings, db=database, catalogue=catalogue, assistant=assistant)
    limits = WebLimits(per_minute=0, new_per_minute=0)
    uvicorn.run(
        create_app(services, limits=limits),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )


# -- the load ---------------------------------------------------------------------------------


async def _client(session, url: str) -> str:
    async with session.get(url + "/api/session") as r:
        return (await r.json())["csrf"]


async def load(
    url: str, clients: int, seconds: float, kind: str, think: float = 0.0, server=None
) -> dict:
    """`clients` concurrent clients for `seconds`; latencies of the requests completed, and
    the CPU seconds the server process (a `psutil.Process`) used meanwhile."""
    import aiohttp

    texts = messages()
    latencies: list[float] = []
    errors = 0
    statuses: dict[int, int] = {}
    stop_at = 0.0

    async def one(i: int) -> None:
        nonlocal errors
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as session:
            token = await _client(session, url)
            headers = {"X-CSRF-Token": token}
            n = i * 7  # each client starts at a different place in the script
            rng = random.Random(i)
            if think:  # people do not all type at the same moment
                await asyncio.sleep(rng.uniform(0, think))
            while time.perf_counter() < stop_at:
                t = time.perf_counter()
                if kind == "healthz":
                    async with session.get(url + "/healthz") as r:
                        await r.read()
                        ok = r.status == 200
                else:
                    body = {"text": texts[n % len(texts)]}
                    n += 1
                    async with session.post(url + "/api/message", json=body, headers=headers) as r:
                        data = await r.json()
                        ok = r.status == 200
                    if "csrf" in data:  # the script has a "forget me": a new id from then on
                        headers = {"X-CSRF-Token": data["csrf"]}
                latencies.append(time.perf_counter() - t)
                errors += not ok
                statuses[r.status] = statuses.get(r.status, 0) + 1
                if think:
                    await asyncio.sleep(rng.uniform(0.5, 1.5) * think)

    # clients connect (and, paced, spread out) first, then the clock starts
    stop_at = time.perf_counter() + seconds + 3600
    tasks = [asyncio.create_task(one(i)) for i in range(clients)]
    await asyncio.sleep(0.5 + think)
    latencies.clear()
    cpu0 = _cpu(server)
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - started
    cpu = _cpu(server) - cpu0
    ms = [x * 1000 for x in latencies]
    return {
        "server_cpu_s": cpu,
        "per_cpu_s": len(ms) / cpu if cpu else None,
        "requests": len(ms),
        "errors": errors,
        "statuses": statuses,
        "per_s": len(ms) / wall,
        "p50_ms": statistics.median(ms),
        "p99_ms": percentile(ms, 99),
    }


def _cpu(process) -> float:
    if process is None:
        return 0.0
    t = process.cpu_times()
    return t.user + t.system


def in_process_rate(turns: int = 1500) -> tuple[float, float]:
    """Turns per second of wall time and per CPU second of `Assistant.turn` on the same
    messages, one user per 25 messages."""
    from bot.app import open_catalogue, open_database, open_parser
    from bot.config import Settings
    from dialogues import Assistant, Incoming

    texts = messages()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=Path(tmp) / "bench.db")
        db = open_database(settings)
        cat = open_catalogue(settings, db)
        parser = open_parser(settings, cat)
        assistant = Assistant(db, cat, parser, clock=lambda: NOW)
        for i in range(200):  # warm-up
            assistant.turn(Incoming(f"web:warm{i // 25}", texts[i % len(texts)]))
        start, cpu = time.perf_counter(), time.process_time()
        for i in range(turns):
            assistant.turn(Incoming(f"web:b{i // 25}", texts[i % len(texts)]))
        rate = turns / (time.perf_counter() - start)
        per_cpu = turns / (time.process_time() - cpu)
        db.conn.close()
    return rate, per_cpu


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(clients: int, seconds: float, think: float) -> dict:
    """Start the server, measure the three loads and the in-process rate."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(port), "--db", str(Path(tmp) / "web.db")],
            stdout=subprocess.DEVNULL,
        )
        try:
            import psutil

            _wait(url, proc)
            server = psutil.Process(proc.pid)
            asyncio.run(load(url, clients, 2, "message"))  # warm-up, not counted
            health = asyncio.run(load(url, clients, seconds, "healthz", server=server))
            saturated = asyncio.run(load(url, clients, seconds, "message", server=server))
            paced = asyncio.run(load(url, clients, seconds, "message", think, server))
        finally:
            proc.terminate()
            proc.wait(20)
    rate, per_cpu = in_process_rate()
    return {
        "clients": clients,
        "seconds": seconds,
        "think_s": think,
        "healthz": health,
        "saturated": saturated,
        "paced": paced,
        "in_process_turns_per_s": rate,
        "in_process_turns_per_cpu_s": per_cpu,
        "ratio": saturated["per_s"] / rate,
        "ratio_cpu": saturated["per_cpu_s"] / per_cpu,
        "load_average": os.getloadavg()[0],
    }


def _wait(url: str, proc) -> None:
    import urllib.request

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the bench server stopped")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the bench server did not start")


def table(f: dict) -> str:
    """The figures as a markdown table."""
    ok_p99 = "✅" if f["paced"]["p99_ms"] <= TARGET_P99_MS else "❌"
    ok_ratio = "✅" if f["ratio"] >= TARGET_RATIO else "❌"
    ok_cpu = "✅" if f["ratio_cpu"] >= TARGET_RATIO else "❌"
    paced = f"POST /api/message, paced ({f['think_s']:g} s think)"
    rows = [
        ("GET /healthz (yardstick)", f["healthz"], ""),
        ("POST /api/message, saturated", f["saturated"], ""),
        (paced, f["paced"], f"p99 ≤ {TARGET_P99_MS:g} ms {ok_p99}"),
    ]
    lines = [
        f"| {f['clients']} clients, loopback | req/s | per server CPU-s | p50 | p99 | errors "
        "| target |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, m, target in rows:
        lines.append(
            f"| {name} | {m['per_s']:.0f} | {m['per_cpu_s'] or 0:.0f} | {m['p50_ms']:.1f} ms "
            f"| {m['p99_ms']:.1f} ms | {m['errors']} | {target} |"
        )
    lines.append(
        f"| in-process `Assistant.turn`, same messages | {f['in_process_turns_per_s']:.0f} "
        f"| {f['in_process_turns_per_cpu_s']:.0f} | | | | |"
    )
    lines.append(
        f"| HTTP ÷ in-process (wall; per CPU-s) | {f['ratio']:.2f} | {f['ratio_cpu']:.2f} "
        f"| | | | ≥ {TARGET_RATIO} {ok_ratio} {ok_cpu} |"
    )
    lines.append(f"\nload average at the end: {f['load_average']:.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with --serve, be its server)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--think", type=float, default=1.0, help="seconds between a client's turns")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.serve:
        serve(args.serve, args.db)
        return 0
    figures = run(args.clients, args.seconds, args.think)
    print(json.dumps(figures, indent=2) if args.json else table(figures))
    ok = figures["paced"]["p99_ms"] <= TARGET_P99_MS and figures["ratio"] >= TARGET_RATIO
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
