"""The running service behind `leling run`.

    asyncio.run(serve(Settings.from_env()))

It assembles, in order: the database and catalogue (importing LELING_CONTENT when needed), the
NLU parser and the `Assistant`; Telegram when TELEGRAM_BOT_TOKEN is set (long polling, or a
webhook when LELING_WEBHOOK_URL is set, at TELEGRAM_API_BASE_URL when given); the reminder
dispatcher (always: web users' reminders go to their inbox, Telegram users' through the bot);
a watcher that loads a catalogue another process imported (`bot/catalogue_watch.py`); the
daily retention pruning (`bot/maintenance.py`); and the web app (`bot/web.py`: the web chat,
/healthz, the Telegram webhook) under uvicorn on LELING_HOST:LELING_PORT. SIGINT or SIGTERM
stops everything in the reverse order, letting the message in hand finish.

Database calls run on one worker thread (`Services.run`): the shared SQLite connection is never
used from two threads at once and the event loop never waits on the disk. Conversation turns run
on a pool of `TURN_WORKERS` threads (`Services.run_turn`), each with its own connection (the
`Assistant` opens one per thread; SQLite in WAL mode serialises the short write transactions),
so a slow turn holds up only its own chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import secrets
import signal
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import sqlite_utils
import uvicorn

from bot import logsafe
from bot.app import open_catalogue, open_database, open_parser
from bot.catalogue_watch import watch_catalogue
from bot.config import Settings
from bot.health import Health
from bot.maintenance import prune_daily
from store.db import checkpoint_in_background

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
TURN_WORKERS = 8


@dataclass
class Services:
    """The assembled parts every channel and the web app share."""

    settings: Settings
    db: sqlite_utils.Database
    catalogue: Any
    assistant: Any
    transcribe: Callable | None = None
    speak: Callable | None = None
    telegram: Any = None  # the PTB Application, when Telegram runs
    telegram_mode: str | None = None  # "polling" | "webhook"
    webhook_secret: str | None = None
    wechat: Any = None  # the WeChat channel (bot/channels/wechat.py), when configured
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="leling-db")
    )
    health: Health = field(default_factory=Health)
    turn_executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(
            max_workers=TURN_WORKERS, thread_name_prefix="leling-turn"
        )
    )

    async def run(self, fn: Callable, *args, **kwargs):
        """`fn(*args, **kwargs)` on the database thread (one call at a time)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(fn, *args, **kwargs))

    async def run_turn(self, fn: Callable, *args, **kwargs):
        """`fn(*args, **kwargs)` — a conversation turn, which uses only the assistant — on a
        turn worker (several at once; the assistant keeps each user's turns in order)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self.turn_executor, functools.partial(fn, *args, **kwargs)
        )

    async def transcribe_async(self, audio: bytes, mime_type: str | None, lang: str):
        """Speech to text off the event loop: a `bot.voice.asr.Transcript` (or the plain text
        a simpler recogniser returns; "" when nothing was understood). The recogniser's own
        bounded queue is used when it has one."""
        hear = getattr(self.transcribe, "hear", None)
        if hear is not None:
            return await hear(audio, mime_type, lang)
        return await asyncio.to_thread(self.transcribe, audio, mime_type, lang) or ""

    async def speak_async(self, text: str, lang: str) -> bytes | None:
        """Text to OGG/Opus on a worker thread (None when it cannot be spoken)."""
        return await asyncio.to_thread(self.speak, text, lang)

    def close(self) -> None:
        """Finish pending turns and database work and close the connections."""
        self.turn_executor.shutdown(wait=True)
        with contextlib.suppress(Exception):
            self.assistant.close()
        self.executor.submit(self.db.conn.close).result()
        self.executor.shutdown(wait=True)


def build_services(settings: Settings) -> Services:
    """Database, catalogue, understanding, conversation and voice, from the settings."""
    from bot import voice
    from dialogues import Assistant

    db = open_database(settings)
    catalogue = open_catalogue(settings, db)
    parser = open_parser(settings, catalogue)
    from dialogues.actions.desk import DeskConfig

    desk = DeskConfig(admins=frozenset(settings.admins), hours=settings.desk_hours)
    assistant = Assistant(db, catalogue, parser, desk=desk)
    return Services(
        settings=settings,
        db=db,
        catalogue=catalogue,
        assistant=assistant,
        transcribe=voice.recognizer(catalogue),
        speak=voice.synthesizer(),
    )


def webhook_url(settings: Settings) -> str:
    """LELING_WEBHOOK_URL, with /telegram/webhook added when it names only the host."""
    url = settings.webhook_url or ""
    return url.rstrip("/") + WEBHOOK_PATH if urlsplit(url).path in ("", "/") else url


def page_url(settings: Settings) -> str:
    """The web chat's address as this machine serves it (0.0.0.0 / :: shown as 127.0.0.1)."""
    host = settings.host
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}/"


def listen_socket(host: str, port: int) -> socket.socket:
    """A bound TCP socket for the web app (bound early, so a busy port fails fast)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: `serve()` owns SIGINT/SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self):
        yield


async def _start_telegram(services: Services, stop: asyncio.Event) -> bool:
    """Build and start the bot; False when `stop` came first. Retries while Telegram is
    unreachable (backing off up to a minute); a rejected token raises."""
    from telegram import Update
    from telegram.error import InvalidToken, NetworkError, TelegramError

    from bot.channels.telegram import build_application

    s = services.settings
    logsafe.add_secret(s.telegram_token)
    webhook = bool(s.webhook_url)
    base = s.telegram_api_base_url.rstrip("/") if s.telegram_api_base_url else None
    app = build_application(
        services, s.telegram_token, base_url=base, base_file_url=_file_url(base), webhook=webhook
    )
    delay = 1.0
    while True:
        try:
            await app.initialize()
            break
        except InvalidToken:
            raise
        except NetworkError as exc:
            log.warning("Telegram is not reachable (%s); trying again in %.0f s", exc, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            if stop.is_set():
                return False
            delay = min(delay * 2, 60.0)
    services.telegram = app
    try:  # run_polling() would call post_init; this service runs the lifecycle itself
        await app.post_init(app)
    except TelegramError as exc:
        log.warning("could not register the command menu: %s", exc)
    if webhook:
        services.webhook_secret = s.webhook_secret or secrets.token_urlsafe(32)
        logsafe.add_secret(services.webhook_secret)
        await app.bot.set_webhook(
            webhook_url(s), secret_token=services.webhook_secret, allowed_updates=Update.ALL_TYPES
        )
        services.telegram_mode = "webhook"
    await app.start()
    if not webhook:  # start_polling also removes a webhook left from an earlier run
        await app.updater.start_polling(
            allowed_updates=Update.ALL_TYPES, timeout=20, bootstrap_retries=-1
        )
        services.telegram_mode = "polling"
    log.info("Telegram bot @%s running (%s)", app.bot.username, services.telegram_mode)
    return True


def _file_url(base: str | None) -> str | None:
    """The file download base that goes with a self-hosted Bot API base URL."""
    if not base:
        return None
    head, _, tail = base.rpartition("/")
    return f"{head}/file/{tail}" if tail.startswith("bot") else f"{base}/file/bot"


def reminder_sender(services: Services):
    """The scheduler's sender: web users' reminders go to their inbox, Telegram users' through
    the bot when it runs, WeChat followers' through the account when it is configured
    (bot/channels/wechat_sender.py). A user of a channel not served here (a terminal user, or
    Telegram without a token) is a transient failure, never "blocked": the user is not deactivated."""
    from bot.webchat.sender import WebSender
    from scheduler.sender import RoutingSender
    from store import callbacks

    routes = {"web": WebSender(lambda fn, *args: services.run(fn, services.db, *args))}
    if services.telegram is not None:
        from bot.channels.telegram_sender import TelegramSender

        async def data_for(payload: str) -> str:
            return await services.run(callbacks.to_callback_data, services.db, payload)

        routes["telegram"] = TelegramSender(services.telegram.bot, data_for)
    if services.wechat is not None:
        from bot.channels.wechat_sender import WeChatSender

        s = services.settings
        routes["wechat"] = WeChatSender(
            services.wechat,
            lambda fn, *args: services.run(fn, services.db, *args),
            template_id=s.wechat_template_id,
            fields=s.wechat_template_fields,
        )
    return RoutingSender(routes)


async def _start_dispatcher(services: Services):
    """The reminder dispatcher: always runs (the web chat's inbox is always there)."""
    from content.load import load_catalogue
    from scheduler.dispatcher import Dispatcher

    if services.telegram is None:
        log.info("reminders: web users get them in their inbox (no TELEGRAM_BOT_TOKEN)")
    dispatcher = Dispatcher(services.settings.db, load_catalogue, reminder_sender(services))
    await dispatcher.start()
    return dispatcher


async def _start_desk(services: Services, dispatcher):
    """The help desk's courier: volunteers' notices and relayed messages, at the dispatcher's
    pace (scheduler/desk.py)."""
    from scheduler.desk import DeskCourier

    courier = DeskCourier(
        services.settings.db,
        reminder_sender(services),
        hours=services.settings.desk_hours,
        pace=dispatcher.pace,
    )
    await courier.start()
    return courier


async def _start_announcements(services: Services, dispatcher):
    """The announcement courier (scheduler/announce.py): at its own rate, sharing the reminder
    dispatcher's limiter so reminders are never starved."""
    from scheduler.announce import AnnounceCourier

    s = services.settings
    courier = AnnounceCourier(
        s.db,
        dispatcher.sender,  # one Telegram sender: a flood-wait holds reminders and news alike
        pace=dispatcher.pace,
        rate_per_s=s.announce_rate,
        cap=s.announce_cap[0],
        cap_days=s.announce_cap[1],
    )
    await courier.start()
    return courier


async def serve(
    settings: Settings,
    *,
    foreground: Callable[[Services], Any] | None = None,
    stop: asyncio.Event | None = None,
    on_ready: Callable[[Services], Any] | None = None,
) -> int:
    """Run until SIGINT/SIGTERM (or `stop` is set, or `foreground(services)` — a blocking
    function run on its own thread, such as the terminal chat — returns). `on_ready(services)`
    is called once everything is serving (`leling run` prints the page's address then).
    Returns an exit code.
    """
    from bot.web import create_app

    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        sock = listen_socket(settings.host, settings.port)
    except OSError as exc:
        log.error(
            "cannot listen on %s:%d (%s); is Leling already running? Set LELING_PORT "
            "to another port",
            settings.host,
            settings.port,
            exc.strerror or exc,
        )
        return 1
    # The dispatcher checkpoints the WAL every few seconds: no turn waits for a checkpoint.
    checkpoint_in_background()
    services = await asyncio.to_thread(build_services, settings)
    dispatcher = housekeeping = courier = announcer = None
    server = _Server(
        uvicorn.Config(
            create_app(services),
            host=settings.host,
            port=settings.port,
            log_level="warning",
            lifespan="off",
        )
    )
    logsafe.add_secret(getattr(settings, "web_secret", None))  # the web chat's cookie key
    server_task = asyncio.create_task(server.serve(sockets=[sock]))
    heartbeat = asyncio.create_task(services.health.beat())
    code = 0
    try:
        if settings.telegram_token:
            from telegram.error import InvalidToken

            try:
                if not await _start_telegram(services, stop):
                    return 0
            except InvalidToken as exc:
                log.error("Telegram refused TELEGRAM_BOT_TOKEN (%s); check it with BotFather", exc)
                return 1
        dispatcher = await _start_dispatcher(services)
        courier = await _start_desk(services, dispatcher)
        announcer = await _start_announcements(services, dispatcher)
        housekeeping = asyncio.gather(
            watch_catalogue(services, dispatcher, stop), prune_daily(services, stop)
        )
        waiters = [asyncio.create_task(stop.wait()), server_task]
        if foreground is not None:
            waiters.append(asyncio.create_task(_on_thread(foreground, services)))
        log.info("Leling is running: web chat on %s (Ctrl-C stops it)", page_url(settings))
        if on_ready is not None:
            on_ready(services)
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        if server_task.done() and not stop.is_set():
            log.error("the web server stopped (is port %d already in use?)", settings.port)
            code = 1
    finally:
        log.info("stopping")
        heartbeat.cancel()
        if housekeeping is not None:  # the catalogue watcher and the daily pruning
            housekeeping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await housekeeping
        if courier is not None:
            await courier.stop()
        if announcer is not None:
            await announcer.stop()
        await _shutdown(services, server, server_task, dispatcher)
    return code


async def _on_thread(fn: Callable, *args) -> Any:
    """Run a blocking function on a daemon thread (it may sit on stdin at exit)."""
    import threading

    loop = asyncio.get_running_loop()
    done: asyncio.Future = loop.create_future()

    def settle(error: BaseException | None, result: Any) -> None:
        if not done.done():
            if error is not None:
                done.set_exception(error)
            else:
                done.set_result(result)

    def target() -> None:
        try:
            result = fn(*args)
        except BaseException as exc:  # handed to the awaiting coroutine
            loop.call_soon_threadsafe(settle, exc, None)
        else:
            loop.call_soon_threadsafe(settle, None, result)

    threading.Thread(target=target, name="leling-foreground", daemon=True).start()
    return await done


async def _shutdown(services: Services, server, server_task, dispatcher) -> None:
    """No new updates (polling, then the web server), finish the ones in hand, then the
    dispatcher, the bot's HTTP client and the database."""
    app = services.telegram
    if app is not None and app.updater is not None and app.updater.running:
        with contextlib.suppress(Exception):
            await app.updater.stop()
    server.should_exit = True
    with contextlib.suppress(Exception):
        await asyncio.wait_for(server_task, 10)
    if app is not None and app.running:
        with contextlib.suppress(Exception):
            await app.stop()
    if dispatcher is not None:
        await dispatcher.stop()
    if services.wechat is not None:  # replies in flight go out first
        with contextlib.suppress(Exception):
            await services.wechat.close()
    if app is not None:
        with contextlib.suppress(Exception):
            await app.shutdown()
    await asyncio.to_thread(services.close)
