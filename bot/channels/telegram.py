"""Leling on Telegram: translate updates into `Incoming`, hand them to the assistant, and send
its replies back. No conversation logic lives here.

    app = build_application(services, token)            # polling: app.updater
    await app.initialize(); await app.start(); await app.updater.start_polling()

What arrives and where it goes:
- commands (/start with deep links such as `lecture_<id>`, /help, /centers, …) and text → the
  assistant, as typed; in groups only commands and messages that @mention the bot (or reply to
  it) are answered; edited messages are handled again;
- a location, or a venue → the assistant as a shared location; a contact → a kind note;
- a voice message or audio file → speech recognition when `bot.voice` has it ("我在听…" when it
  takes over a second; a kind word for empty, broken or over-long recordings), then the
  assistant, whose replies come back spoken and written; else a kind "please type" reply;
- a button press → answered at once (the spinner stops), then its payload → the assistant;
- /mydata → the assistant's summary plus the stored data as a JSON document; /forget → the
  assistant asks for confirmation and deletes (`store.users.forget`);
- `my_chat_member` → the user blocked (inactive) or unblocked (active) the bot.
Rendering rules are in `telegram_render.py`, the scheduler's sender in `telegram_sender.py`, the
HTTP layer under the bot (aiohttp, JSON bodies) in `telegram_request.py`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re

from telegram import BotCommand, BotCommandScopeDefault, InputFile, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.telegram_render import inline_keyboard, message_kwargs, render
from bot.channels.telegram_request import AiohttpRequest
from bot.channels.telegram_texts import COMMANDS, ENGINE_COMMANDS
from bot.channels.telegram_texts import text as phrase
from dialogues import sanitize
from dialogues.models import Incoming
from store import callbacks
from store import users as users_store

log = logging.getLogger(__name__)

CONCURRENCY = 8  # chats served at once; one chat's updates always run in order
POOL_SIZE = 12  # HTTP connections to the Bot API (one more serves long polling)
LISTENING_AFTER = 1.0  # seconds of recognition before the user is told "我在听…"
REPLY_RETRIES = 2  # a 429 while answering a user: wait `retry_after`, try again, twice
LANG_ARGS = {"zh": "zh", "中文": "zh", "en": "en", "english": "en"}
# The help desk's commands (dialogues/actions/desk.py) go to the assistant whole.
DESK_COMMANDS = frozenset(
    {"/volunteer", "/invite", "/volunteers", "/revoke", "/desk", "/claim", "/reply", "/close"}
)
_BOT_SUFFIX = re.compile(r"^(/\w+)@\w+$")


def user_id(update: Update) -> str:
    """Leling's user id for the chat of an update ("telegram:<chat id>")."""
    return f"telegram:{update.effective_chat.id}"


def lang_hint(update: Update) -> str | None:
    """ "zh" / "en" from the Telegram client's language, for users Leling has not met yet."""
    code = (update.effective_user.language_code if update.effective_user else None) or ""
    return "en" if code.startswith("en") else "zh" if code.startswith("zh") else None


def _services(context: ContextTypes.DEFAULT_TYPE):
    return context.application.bot_data["services"]


async def _user_lang(context, update: Update) -> str:
    row = await _services(context).run(users_store.get, _services(context).db, user_id(update))
    return (row or {}).get("lang") or lang_hint(update) or "zh"


async def _call(bot, method: str, chat_id: int, kwargs: dict):
    extra = {"rate_limit_args": REPLY_RETRIES} if bot.rate_limiter else {}
    if method == "voice":
        return await bot.send_voice(chat_id=chat_id, **kwargs, **extra)
    if method == "venue":
        return await bot.send_venue(chat_id=chat_id, **kwargs, **extra)
    return await bot.send_message(chat_id=chat_id, **kwargs, **extra)


async def converse(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str = "",
    location: tuple[float, float] | None = None,
    voice: bool = False,
    unsure: bool = False,
    photo: str | None = None,
) -> None:
    """One turn: the assistant handles the message; every reply is sent to the chat."""
    services = _services(context)
    uid = user_id(update)
    incoming = Incoming(
        user_id=uid,
        text=text,
        location=location,
        lang=lang_hint(update),
        voice=voice,
        unsure=unsure,
        photo=photo,
    )

    # On a turn worker: chats are answered concurrently, each user's turns in order.
    replies = await services.run_turn(services.assistant.handle, incoming)
    row = await services.run(users_store.get, services.db, uid)
    lang = (row or {}).get("lang") or incoming.lang or "zh"
    await send_replies(context, update.effective_chat.id, uid, replies, lang)


async def send_replies(context, chat_id: int, uid: str, replies, lang: str) -> None:
    """Render and send the replies; a user who blocked the bot is marked inactive."""
    services = _services(context)

    async def data_for(payload: str) -> str:
        if callbacks.fits(payload):
            return payload
        return await services.run(callbacks.to_callback_data, services.db, payload)

    speak = services.speak_async if services.speak is not None else None
    try:
        for reply in replies:
            for out in await render(
                reply, lang=lang, callback_data=data_for, catalogue=services.catalogue, speak=speak
            ):
                await _call(context.bot, out.method, chat_id, out.kwargs)
    except Forbidden as exc:
        log.info("%s blocked the bot: %s", uid, exc)
        await services.run(users_store.set_active, services.db, uid, False, str(exc))


def _own_words(lang: str, key: str) -> dict:
    """sendMessage's arguments for one of the channel's own sentences, with a "回首页" button so
    the user always has a way on."""
    return message_kwargs(phrase(lang, key), inline_keyboard([(phrase(lang, "home"), "/help")]))


async def _say(update: Update, context, key: str) -> None:
    lang = await _user_lang(context, update)
    await context.bot.send_message(update.effective_chat.id, **_own_words(lang, key))


# -- handlers ---------------------------------------------------------------------------------


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start (with a deep link), /help, /centers, … → the assistant."""
    head, _, args = update.effective_message.text.strip().partition(" ")
    head = _BOT_SUFFIX.sub(r"\1", head)  # "/help@leling_bot" → "/help"
    args = args.strip()
    command = head.lower()
    if command == "/lang" and args.lower() in LANG_ARGS:
        await converse(update, context, f'/set_lang{{"lang":"{LANG_ARGS[args.lower()]}"}}')
    elif command == "/start" or not args or command in DESK_COMMANDS:
        # "/volunteer CODE", "/claim 12": the desk's commands need their arguments
        await converse(update, context, f"{head} {args}".strip())
    else:  # "/centers 朝阳区": the words say more than the command
        await converse(update, context, args)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A typed message (or an edit of one) → the assistant."""
    await converse(update, context, update.effective_message.text)


async def on_mention(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group: only messages that mention the bot or reply to it."""
    message = update.effective_message
    me = context.bot.username or ""
    mention = f"@{me}".lower()
    replied = (
        message.reply_to_message
        and message.reply_to_message.from_user
        and (message.reply_to_message.from_user.id == context.bot.id)
    )
    if mention not in message.text.lower() and not replied:
        return
    cleaned = " ".join(w for w in message.text.split() if w.lower() != mention).strip()
    await converse(update, context, cleaned)


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared location or venue → nearest centers (the point is not stored)."""
    loc = update.effective_message.location
    await converse(update, context, "", location=(loc.latitude, loc.longitude))


async def on_voice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A voice message or audio file → speech recognition (saying "我在听…" when it takes more
    than LISTENING_AFTER seconds) → the assistant, or a kind "please type"."""
    services = _services(context)
    if services.transcribe is None:
        await _say(update, context, "voice_unavailable")
        return
    from bot.voice.audio import MAX_BYTES, MAX_SECONDS, AudioError
    from bot.voice.phrases import phrase as voice_phrase

    media = update.effective_message.voice or update.effective_message.audio
    lang = await _user_lang(context, update)
    chat_id = update.effective_chat.id

    async def say(key: str) -> None:
        text = voice_phrase(lang, key)
        markup = inline_keyboard([(phrase(lang, "home"), "/help")]) if key != "listening" else None
        await context.bot.send_message(chat_id, **message_kwargs(text, markup))

    # Telegram states size and length up front: no download for what cannot be heard.
    if (media.file_size or 0) > MAX_BYTES:
        await say("too_big")
        return
    length = media.duration or 0
    if (length.total_seconds() if hasattr(length, "total_seconds") else length) > MAX_SECONDS + 1:
        await say("too_long")
        return
    file = await context.bot.get_file(media.file_id)
    data = bytes(await file.download_as_bytearray())
    task = asyncio.ensure_future(services.transcribe_async(data, media.mime_type, lang))
    done, _ = await asyncio.wait({task}, timeout=LISTENING_AFTER)
    if not done:
        await say("listening")
    try:
        heard = await task
    except AudioError as exc:
        await say(exc.reason)
        return
    except Exception as exc:  # Busy, or a recogniser failing: a kind word, never a crash
        if type(exc).__name__ != "Busy":
            log.warning("speech recognition failed: %s", type(exc).__name__)
        await say("busy")
        return
    text = (getattr(heard, "text", heard) or "").strip()
    if getattr(heard, "backend", "") == "none":
        await say("no_language")
    elif not text:
        await _say(update, context, "voice_unheard")
    else:
        await converse(update, context, text, voice=True, unsure=not getattr(heard, "sure", True))


async def on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared contact: not needed, said kindly."""
    await _say(update, context, "contact")


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, files …: say what Leling understands. A photo goes to the engine with its
    caption as the text (an announcement's picture, or words answered as typed)."""
    services = _services(context)
    message = update.effective_message
    if message.photo:
        caption = " ".join((message.caption or "").split())
        await converse(update, context, caption, photo=message.photo[-1].file_id)
        return
    await _say(update, context, "unsupported_voice" if services.transcribe else "unsupported")


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tapped inline button: stop the spinner at once (while the assistant thinks), then act
    on its payload."""
    query = update.callback_query
    answered = asyncio.ensure_future(_answer(query))
    services = _services(context)
    data = query.data or ""
    payload = (
        data
        if not callbacks.needs_store(data)
        else await services.run(callbacks.resolve, services.db, data)
    )
    await converse(update, context, payload or "/help")
    await answered


async def _answer(query) -> None:
    try:
        await query.answer()
    except TelegramError as exc:  # e.g. "query is too old": the reply matters more
        log.info("could not answer callback query %s: %s", query.id, exc)


async def on_mydata(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/mydata: the assistant's summary, then everything stored as a JSON document."""
    if update.effective_chat.type != ChatType.PRIVATE:
        await _say(update, context, "private_only")
        return
    await converse(update, context, "/mydata")
    services = _services(context)
    doc = await services.run(users_store.export, services.db, user_id(update))
    body = json.dumps(doc, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    lang = await _user_lang(context, update)
    await update.effective_message.reply_document(
        InputFile(body, filename="leling-mydata.json"), caption=phrase(lang, "mydata")
    )


async def on_weblogin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/weblogin: a volunteer or an admin gets a one-time link to the web console
    (bot/staffweb/links.py); anyone else a polite refusal. No link preview: Telegram's preview
    fetch must not be the one to see the page."""
    from telegram import LinkPreviewOptions

    from bot.staffweb.links import weblogin_text

    services = _services(context)
    lang = await _user_lang(context, update)
    words = await services.run(weblogin_text, services.db, services.settings, user_id(update), lang)
    await context.bot.send_message(
        update.effective_chat.id, words, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )


async def on_forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/forget: the assistant asks for confirmation (buttons), then deletes."""
    if update.effective_chat.type != ChatType.PRIVATE:
        await _say(update, context, "private_only")
        return
    await converse(update, context, "/forget")


async def on_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The user blocked or unblocked the bot (private chats only)."""
    change = update.my_chat_member
    if change.chat.type != ChatType.PRIVATE:
        return
    services = _services(context)
    status = change.new_chat_member.status
    active = status not in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)
    await services.run(
        users_store.set_active, services.db, user_id(update), active, f"telegram: {status}"
    )
    log.info("%s is now %s", user_id(update), "active" if active else "inactive (blocked)")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log with the update id and tell the user something kind; never re-raise."""
    update_id = getattr(update, "update_id", None)
    error = context.error
    # The type and traceback only: an exception's text can quote the message or the session.
    log.error(
        "update %s failed: %s",
        update_id,
        type(error).__name__,
        exc_info=sanitize.exc_info(error) if error is not None else None,
    )
    if isinstance(update, Update) and update.effective_chat:
        try:
            lang = lang_hint(update) or "zh"
            await context.bot.send_message(update.effective_chat.id, **_own_words(lang, "error"))
        except Exception as exc:  # the apology itself failed; logging is all that is left
            log.warning("update %s: could not apologise: %s", update_id, type(exc).__name__)


# -- assembly ---------------------------------------------------------------------------------


async def post_init(application: Application) -> None:
    """Register the command menu once, per language (zh is also the default)."""
    bot = application.bot
    for lang in ("zh", "en"):
        commands = [BotCommand(c, d) for c, d in COMMANDS[lang]]
        await bot.set_my_commands(commands, language_code=lang)
    await bot.set_my_commands(
        [BotCommand(c, d) for c, d in COMMANDS["zh"]], scope=BotCommandScopeDefault()
    )


def add_handlers(application: Application) -> None:
    """Every handler of the channel, in the order they are tried."""
    private = filters.ChatType.PRIVATE
    application.add_handler(ChatMemberHandler(on_member, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(CommandHandler("mydata", on_mydata))
    application.add_handler(CommandHandler("forget", on_forget))
    application.add_handler(CommandHandler("weblogin", on_weblogin, filters=private))
    application.add_handler(CommandHandler(ENGINE_COMMANDS, on_command))
    application.add_handler(MessageHandler(filters.COMMAND & private, on_command))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & private, on_text))
    application.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.GROUPS, on_mention)
    )
    application.add_handler(MessageHandler(filters.LOCATION & private, on_location))
    application.add_handler(MessageHandler((filters.VOICE | filters.AUDIO) & private, on_voice))
    application.add_handler(MessageHandler(filters.CONTACT & private, on_contact))
    application.add_handler(
        MessageHandler(~filters.COMMAND & private & ~filters.StatusUpdate.ALL, on_other)
    )
    application.add_error_handler(on_error)


class PerChatProcessor(BaseUpdateProcessor):
    """Updates of different chats run concurrently (one user's slow turn or network call does
    not hold up the others); updates of one chat run one after another, in order."""

    def __init__(self, max_concurrent_updates: int = 64, health=None):
        super().__init__(max_concurrent_updates)
        self._locks: dict[int | None, asyncio.Lock] = {}
        self.health = health  # told of each update's start and end (for /healthz)

    async def do_process_update(self, update: object, coroutine) -> None:
        """Wait for the chat's earlier updates, then process this one."""
        chat = getattr(update, "effective_chat", None)
        key = chat.id if chat is not None else None
        lock = self._locks.setdefault(key, asyncio.Lock())
        if self.health is not None:
            self.health.started()
        try:
            async with lock:
                await coroutine
        finally:
            if self.health is not None:
                self.health.finished()
            if not lock.locked() and self._locks.get(key) is lock:
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def build_application(
    services,
    token: str,
    *,
    base_url: str | None = None,
    base_file_url: str | None = None,
    rate_limit: bool = True,
    webhook: bool = False,
    request=None,
    concurrency: int = CONCURRENCY,
) -> Application:
    """The PTB `Application` for Leling. `webhook=True` builds it without an updater (updates
    then come from `bot/web.py`); `request` replaces the HTTP layer (tests); `concurrency`
    is how many chats are served at once (1: one update after another)."""
    builder: ApplicationBuilder = Application.builder().token(token).post_init(post_init)
    if concurrency > 1:
        health = getattr(services, "health", None)
        builder = builder.concurrent_updates(PerChatProcessor(concurrency, health))
    if request is None:
        # Enough connections for the chats in flight plus reminder sends (the rate limiter
        # caps both at ~30/s).
        request = AiohttpRequest(POOL_SIZE)
        updates_request = AiohttpRequest(1)
    else:
        updates_request = request
    if base_url:
        builder = builder.base_url(base_url)
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=0))
    builder = builder.request(request).get_updates_request(updates_request)
    if webhook:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data["services"] = services
    add_handlers(application)
    return application
