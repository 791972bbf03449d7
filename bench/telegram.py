"""Telegram channel benchmark: Leling vs a minimal echo bot on the same fake Bot API server.

Run: .venv/bin/python bench/telegram.py [--updates 1000] [--samples 200] [--rounds 3] [--json]

Every bot is a real python-telegram-bot `Application` in its own process, long polling the
fake server (tests/telegram/fake_bot_api.py) over loopback with the same settings. Leling is
the full service stack (database, catalogue, NLU, the assistant, the channel); the echo bot
answers every update with one sendMessage. Three bots:

- `echo`: the minimal echo bot on python-telegram-bot's defaults (httpx) — the target's baseline;
- `echo-aiohttp`: the same echo bot on Leling's HTTP layer (bot/channels/telegram_request.py),
  to show how much of Leling's figure is the HTTP layer and how much its own work;
- `leling`.

The same script is sent to all: /start, questions, a shared location, a guide and two of its
buttons, "I'm stuck", English, a lesson question.

- throughput: all updates queued at once (each chat goes through the whole script, in order);
  updates per second until the last reply was sent; CPU per update of the bot process;
- latency: one update at a time; from queueing the update to the bot's first reply call;
  Leling's *added* latency is its percentile minus the echo bot's.
Targets (issue #6): Leling >= 0.5 x the echo bot's throughput; p99 added <= 50 ms.
Telegram's own rate limits (AIORateLimiter, ~30 messages/s) are off for all bots here: they
would cap all at the same 30/s and hide the processing cost this measures. `--rtt-ms 20`
delays every Bot API answer, like a distant server. `PROFILE=/tmp/p` writes a cProfile of each
bot's event-loop thread during the throughput phase to /tmp/p.<bot>.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This file is bench/telegram.py: keep bench/ off the path so `import telegram` finds PTB.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "telegram"))

import psutil  # noqa: E402
from fake_bot_api import TOKEN, FakeBotApi  # noqa: E402

BOTS = ("echo", "echo-aiohttp", "leling")
SCRIPT = [
    ("text", "/start"),
    ("text", "附近的老年大学"),
    ("location", (39.8822, 116.4066)),
    ("text", "下周朝阳区有什么家庭教育讲座"),
    ("text", "教我用微信视频"),
    ("press", "/guide_next"),
    ("press", "/guide_next"),
    ("text", "我卡住了"),
    ("text", "hello, what can you do?"),
    ("text", "海淀区的智能手机课"),
]


# -- the bots (child processes) -----------------------------------------------------------


async def _run_bot(kind: str, base_url: str, db: str) -> None:
    from telegram import Update
    from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

    if kind == "leling":
        from bot.channels.telegram import build_application
        from bot.config import Settings
        from bot.service import build_services

        services = build_services(Settings(db=Path(db)))
        app = build_application(services, TOKEN, base_url=base_url, rate_limit=False)
    else:
        from bot.channels.telegram_request import AiohttpRequest

        async def echo(update: Update, context) -> None:
            if update.callback_query:
                await update.callback_query.answer()
            message = update.effective_message
            await context.bot.send_message(
                update.effective_chat.id, (message.text if message else None) or "ok"
            )

        builder = Application.builder().token(TOKEN).base_url(base_url)
        if kind == "echo-aiohttp":
            builder = builder.request(AiohttpRequest()).get_updates_request(AiohttpRequest(1))
        app = builder.build()
        app.add_handler(CallbackQueryHandler(echo))
        app.add_handler(MessageHandler(filters.ALL, echo))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    if os.environ.get("PROFILE"):
        import cProfile

        prof = cProfile.Profile()
        asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, prof.enable)
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=10)
        await stop.wait()
        await app.updater.stop()
        await app.stop()
    if os.environ.get("PROFILE"):
        prof.disable()
        prof.dump_stats(os.environ["PROFILE"] + "." + kind)


# -- the driver ---------------------------------------------------------------------------


def _push(fake: FakeBotApi, chat_id: int, step) -> None:
    kind, value = step
    if kind == "text":
        fake.send_text(chat_id, value)
    elif kind == "location":
        fake.send_location(chat_id, *value)
    else:
        fake.press(chat_id, value)


def _replies(fake: FakeBotApi, after: int) -> dict[int, list[float]]:
    out: dict[int, list[float]] = {}
    with fake.lock:
        for c in fake.calls[after:]:
            if c.status == 200 and c.method.startswith("send") and c.chat_id is not None:
                out.setdefault(c.chat_id, []).append(c.at)
    return out


def _wait_quiet(
    fake: FakeBotApi, expected_chats: set[int], after: int, quiet: float = 0.5, timeout: float = 120
) -> float:
    """Wait until every chat got a reply and nothing was sent for `quiet` s; the last send."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = _replies(fake, after)
        last = max((t for ts in got.values() for t in ts), default=0.0)
        if expected_chats <= set(got) and time.monotonic() - last > quiet:
            return last
        time.sleep(0.05)
    raise TimeoutError("the bot did not answer every update")


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def measure(kind: str, fake: FakeBotApi, updates: int, samples: int, tmp: Path) -> dict:
    """Start bot `kind`, then measure throughput and latency against it."""
    fake.reset()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    log = (tmp / f"{kind}.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--bot",
            kind,
            "--base-url",
            fake.base_url,
            "--db",
            str(tmp / f"{kind}.db"),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        # warm up: every step once, so the model and caches are loaded
        for step in SCRIPT:
            mark = fake.mark()
            _push(fake, 1, step)
            if proc.poll() is not None:
                raise RuntimeError(f"the {kind} bot died:\n{(tmp / f'{kind}.log').read_text()}")
            fake.wait_for("sendMessage", chat_id=1, after=mark, timeout=60)
        time.sleep(0.3)

        # latency, one update at a time
        latencies = []
        for n in range(samples):
            chat = 1000 + n // len(SCRIPT)  # each user goes through the script in order
            mark = fake.mark()
            start = time.monotonic()
            _push(fake, chat, SCRIPT[n % len(SCRIPT)])
            first = fake.wait_for("sendMessage", chat_id=chat, after=mark, timeout=30)
            latencies.append((first.at - start) * 1000)
            time.sleep(0.005)
        _wait_quiet(fake, set(), fake.mark(), quiet=0.3)

        # throughput, everything queued at once
        if os.environ.get("PROFILE"):
            proc.send_signal(signal.SIGUSR1)
            time.sleep(0.2)
        mark = fake.mark()
        n_chats = max(1, updates // len(SCRIPT))
        chats = set()
        cpu0 = psutil.Process(proc.pid).cpu_times()
        start = time.monotonic()
        for n in range(updates):
            chat = 100_000 + n % n_chats
            chats.add(chat)
            _push(fake, chat, SCRIPT[(n // n_chats) % len(SCRIPT)])
        last = _wait_quiet(fake, chats, mark)
        cpu1 = psutil.Process(proc.pid).cpu_times()
        cpu_ms = (cpu1.user + cpu1.system - cpu0.user - cpu0.system) * 1000 / updates
        return {
            "bot": kind,
            "updates_per_s": updates / (last - start),
            "cpu_ms": cpu_ms,
            "p50_ms": _pct(latencies, 50),
            "p99_ms": _pct(latencies, 99),
        }
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def best(rounds: list[dict]) -> dict:
    """The best throughput and the median latencies over the rounds (a shared machine only
    ever makes a run slower)."""
    return {
        "bot": rounds[0]["bot"],
        "updates_per_s": max(r["updates_per_s"] for r in rounds),
        "p50_ms": statistics.median(r["p50_ms"] for r in rounds),
        "p99_ms": statistics.median(r["p99_ms"] for r in rounds),
        "cpu_ms": min(r["cpu_ms"] for r in rounds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--rtt-ms",
        type=float,
        default=0.0,
        help="add this much to every Bot API answer (a distant server)",
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--bot", choices=BOTS, help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bot:
        asyncio.run(_run_bot(args.bot, args.base_url, args.db))
        return
    fake = FakeBotApi(delay=args.rtt_ms / 1000).start()
    runs: dict[str, list[dict]] = {kind: [] for kind in BOTS}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(args.rounds):  # alternate, so both see the same machine load
                for kind in runs:
                    runs[kind].append(measure(kind, fake, args.updates, args.samples, Path(tmp)))
    finally:
        fake.stop()
    echo, same_http, leling = (best(runs[kind]) for kind in BOTS)
    ratio = leling["updates_per_s"] / echo["updates_per_s"]
    same_http_ratio = leling["updates_per_s"] / same_http["updates_per_s"]
    added = {p: leling[f"{p}_ms"] - echo[f"{p}_ms"] for p in ("p50", "p99")}
    result = {
        "echo": echo,
        "echo_aiohttp": same_http,
        "leling": leling,
        "throughput_ratio": ratio,
        "throughput_ratio_same_http": same_http_ratio,
        "added_p50_ms": added["p50"],
        "added_p99_ms": added["p99"],
        "updates": args.updates,
        "samples": args.samples,
        "rtt_ms": args.rtt_ms,
        "rounds": runs,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"Bot API answers delayed by {args.rtt_ms:g} ms; {args.updates} updates, "
        f"{args.samples} latency samples, best of {args.rounds} rounds\n"
    )
    print(
        "| bot | updates/s | latency p50 (ms) | latency p99 (ms) | CPU per update (ms) |\n"
        "|---|---|---|---|---|"
    )
    for r in (echo, same_http, leling):
        print(
            f"| {r['bot']} | {r['updates_per_s']:.0f} | {r['p50_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {r['cpu_ms']:.2f} |"
        )
    print(f"\nLeling / echo throughput: {ratio:.2f} (target >= 0.5)")
    print(f"Leling / echo on Leling's HTTP layer: {same_http_ratio:.2f}")
    print(f"added latency: p50 {added['p50']:.1f} ms, p99 {added['p99']:.1f} ms (target p99 <= 50)")


if __name__ == "__main__":
    main()
