"""Wiring, in order: settings → logging → Bot → Dispatcher → engine → middlewares → routers.

The scheduler lives in the dispatcher's workflow data; it starts in the startup hook and stops
in the shutdown hook, after the updates in flight have finished.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial

from aiogram import Bot, Dispatcher, methods
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.methods import Response, TelegramMethod
from aiogram.utils.i18n import I18n
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.background import BackgroundWork
from bot.config import Settings
from bot.entry.backup_command import prepare_database
from bot.entry.conversations import create_storage
from bot.entry.dispatch import (
    StateWhereFiltered,
    route_buttons_by_prefix,
    run_filters_inline,
    state_filtered_events,
)
from bot.entry.logs import setup_logging
from bot.entry.middlewares import (
    ClockMiddleware,
    CurrentPersonMiddleware,
    DbSessionMiddleware,
    LocaleMiddleware,
    UpdateBoundSession,
    UpdatesInFlight,
)
from bot.entry.private_chats import PrivateChatsOnly, used_update_types
from bot.entry.telegram_session import JsonBodySession
from bot.entry.translations import create_i18n
from bot.i18n import DEFAULT_LOCALE, pick_locale
from bot.people import Presence
from bot.plan_import.pending import PendingImports
from bot.plan_import.queue import ImportQueue
from bot.presentation.commands import Audience
from bot.presentation.menus import set_default_menus, set_personal_menu
from handlers import build_routers
from models import queries
from models.engine import create_engine, create_sessionmaker, create_update_sessionmaker
from scheduler import (
    BackgroundJobs,
    change_messages,  # noqa: F401  (registers deadline requests and announced changes)
    digest_messages,  # noqa: F401  (registers the weekly digest renderer)
    invitation_messages,  # noqa: F401  (registers "your invitation was used")
    question_messages,  # noqa: F401  (registers questions, "not ours" and their answers)
    reminder_messages,  # noqa: F401  (registers the reminder renderer)
    report_messages,  # noqa: F401  (registers the report renderers)
    successor_messages,  # noqa: F401  (registers the successor's question and a «no»)
)
from scheduler.digests import scan_digests
from scheduler.documents import DocumentFetcher
from scheduler.maintenance import purge_conversations
from scheduler.reminders import scan_reminders
from scheduler.sender import OutboxSender
from scheduler.successions import scan_successions

logger = logging.getLogger(__name__)

# How often conversations and previewed imports past their lifetime are forgotten (seconds).
CONVERSATION_PURGE_SECONDS = 3600

# aiogram parses every reply of Telegram with `Response[method.__returning__]`; pydantic keeps
# such generic models only weakly, so each full garbage collection threw them away and the next
# call of that method built its model again (about a tenth of the bot's time under load).
# Holding them for the life of the process makes every reply reuse its model.
_RESPONSE_MODELS: list[type[Response[object]]] = []


def keep_response_models() -> None:
    """Build, once, the reply model of every Bot API method and keep it alive."""
    if _RESPONSE_MODELS:
        return
    for name in methods.__all__:
        method = getattr(methods, name)
        if (
            isinstance(method, type)
            and issubclass(method, TelegramMethod)
            and method is not TelegramMethod
        ):
            _RESPONSE_MODELS.append(Response[method.__returning__])  # type: ignore[name-defined]


def create_bot(settings: Settings) -> Bot:
    token = settings.require_bot_token()
    keep_response_models()
    session = (
        JsonBodySession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
        if settings.telegram_api_url
        else JsonBodySession()
    )
    return Bot(
        token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


async def _scan_now(
    scan: Callable[..., Awaitable[int]],
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> int:
    """Run one outbox scan at the scheduler's `now` (Settings' clock, shifted in tests)."""
    return await scan(
        sessionmaker,
        now=settings.now(),
        default_timezone=settings.default_timezone,
        admin_telegram_ids=settings.admin_ids,
    )


def create_dispatcher(
    settings: Settings,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    i18n: I18n,
) -> Dispatcher:
    in_flight = UpdatesInFlight()
    presence = Presence(sessionmaker)
    storage, events_isolation = create_storage(settings, sessionmaker)
    dispatcher = Dispatcher(
        # Conversations are kept in the database (or Redis): the FSM middleware is placed
        # below the update's session, below, so that its state is read in that session.
        storage=storage,
        events_isolation=events_isolation,
        disable_fsm=True,
        settings=settings,
        engine=engine,
        sessionmaker=sessionmaker,
        i18n=i18n,
        in_flight=in_flight,
        jobs=BackgroundJobs(engine),
        background=BackgroundWork(),
        pending_imports=PendingImports(sessionmaker, settings.now),
        import_queue=ImportQueue(),
        presence=presence,
    )
    # The scans that write into the outbox: reminders and weekly digests, on one interval; and
    # the successions that have come (before reminders would go to a body that passed).
    for name, scan in (
        ("succession-scan", scan_successions),
        ("reminder-scan", scan_reminders),
        ("digest-scan", scan_digests),
    ):
        dispatcher["jobs"].add_interval(
            name,
            partial(_scan_now, scan, sessionmaker, settings),
            seconds=settings.reminder_scan_seconds,
            start_now=True,
        )
    dispatcher["jobs"].add_interval(
        "conversation-purge",
        lambda: purge_conversations(
            sessionmaker, settings.now(), timedelta(days=settings.conversation_days)
        ),
        seconds=CONVERSATION_PURGE_SECONDS,
        start_now=True,
    )
    # Updates get sessions of their own: deferred on SQLite, committed before Telegram calls.
    # The update's one `now` first: recognising the person stamps it too.
    # Groups and channels are answered before any session is opened (bot/entry/private_chats).
    dispatcher.update.outer_middleware(PrivateChatsOnly(i18n))
    dispatcher.update.outer_middleware(ClockMiddleware(settings.now))
    dispatcher.update.outer_middleware(
        DbSessionMiddleware(create_update_sessionmaker(engine, UpdateBoundSession), in_flight)
    )
    # The conversation's state, read (and kept) in the update's session and transaction.
    state_reads = StateWhereFiltered(dispatcher.fsm)
    dispatcher.update.outer_middleware(state_reads)
    dispatcher.update.outer_middleware(CurrentPersonMiddleware(settings.admin_ids, presence))
    dispatcher.update.outer_middleware(LocaleMiddleware(i18n))
    dispatcher.include_routers(*build_routers())
    run_filters_inline([dispatcher])
    route_buttons_by_prefix([dispatcher])
    state_reads.read_for = state_filtered_events([dispatcher])
    dispatcher.startup.register(on_startup)
    dispatcher.shutdown.register(on_shutdown)
    return dispatcher


async def on_startup(
    bot: Bot,
    dispatcher: Dispatcher,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    i18n: I18n,
    jobs: BackgroundJobs,
) -> None:
    # Polling and a webhook exclude each other; keep pending updates, they are people's requests.
    await bot.delete_webhook(drop_pending_updates=False)
    await set_default_menus(bot, i18n)
    await _set_coordinator_menus(bot, settings, sessionmaker, i18n)
    # The sender needs the bot, which the dispatcher meets only here.
    sender = OutboxSender(
        bot,
        sessionmaker,
        i18n,
        default_locale=DEFAULT_LOCALE,
        admin_ids=settings.admin_ids,
        clock=settings.now,
    )
    dispatcher["sender"] = sender
    jobs.add_interval("outbox", sender.drain_once, seconds=settings.outbox_drain_seconds)
    fetcher = DocumentFetcher(bot, sessionmaker, settings.documents_dir, clock=settings.now)
    dispatcher["document_fetcher"] = fetcher
    jobs.add_interval(
        "documents", fetcher.fetch_once, seconds=settings.document_fetch_seconds, start_now=True
    )
    jobs.start()
    logger.info("Bot started")


async def _set_coordinator_menus(
    bot: Bot, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], i18n: I18n
) -> None:
    async with sessionmaker() as session, session.begin():
        coordinators = dict(await queries.coordinators_for_menus(session))
        admin_locales = await queries.locales_by_telegram_id(session, settings.admin_ids)
    menus = {
        telegram_id: (Audience.COORDINATOR, locale) for telegram_id, locale in coordinators.items()
    }
    for telegram_id in settings.admin_ids:
        menus[telegram_id] = (Audience.ADMINISTRATOR, admin_locales.get(telegram_id))
    for telegram_id, (audience, locale) in menus.items():
        await set_personal_menu(bot, i18n, telegram_id, audience, pick_locale(locale, None))


async def on_shutdown(
    bot: Bot,
    settings: Settings,
    engine: AsyncEngine,
    in_flight: UpdatesInFlight,
    jobs: BackgroundJobs,
    background: BackgroundWork,
    dispatcher: Dispatcher,
    presence: Presence,
) -> None:
    logger.info("Stopping: waiting for %d update(s) in flight", in_flight.count)
    cancelled = await in_flight.drain(settings.shutdown_grace_seconds)
    if cancelled:
        logger.warning("%d update(s) did not finish in time and were rolled back", cancelled)
    await background.stop(settings.shutdown_grace_seconds)
    sender: OutboxSender | None = dispatcher.workflow_data.get("sender")
    if sender is not None:
        sender.request_stop()
    await _confirm_handled_updates(bot, in_flight)
    await jobs.stop(settings.shutdown_grace_seconds)
    await presence.flush()
    await engine.dispose()
    logger.info("Stopped cleanly")


async def _confirm_handled_updates(bot: Bot, in_flight: UpdatesInFlight) -> None:
    """Tell Telegram the last handled update, so a restart does not handle it again.

    Polling confirms an update only with the next getUpdates call, which a stop never makes.
    limit=1 with timeout=0 confirms what was handled and leaves the rest unconfirmed.
    """
    if in_flight.last_update_id is None:
        return
    try:
        await bot.get_updates(offset=in_flight.last_update_id + 1, limit=1, timeout=0)
    except Exception as error:
        logger.warning("Could not confirm handled updates: %s", error)


def log_secrets(settings: Settings) -> list[str]:
    """What no log line may show: the bot token, the database password."""
    token = settings.bot_token.get_secret_value().strip() if settings.bot_token else ""
    password = make_url(settings.effective_database_url).password
    return [secret for secret in (token, password) if secret]


def settle_memory() -> None:
    """Everything made while starting (modules, aiogram's and pydantic's types, SQLAlchemy's
    mappings: some hundreds of thousands of objects) lives as long as the process: moved out of
    the garbage collector's sight, a full collection no longer walks them all again and again
    while the bot answers; and young objects are collected less often (every 20,000
    allocations instead of 2,000): an update makes thousands, most gone when it ends."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


async def run_bot(settings: Settings) -> None:
    setup_logging(settings.log_level, secrets=log_secrets(settings))
    bot = create_bot(settings)
    try:
        await prepare_database(settings)
        engine = create_engine(settings.effective_database_url)
        dispatcher = create_dispatcher(settings, engine, create_sessionmaker(engine), create_i18n())
    except BaseException:
        await bot.session.close()
        raise
    settle_memory()
    # start_polling stops on SIGINT/SIGTERM, runs on_shutdown and closes the bot's session;
    # when the startup hook fails (Telegram unreachable, token refused) it does neither.
    try:
        await dispatcher.start_polling(
            bot,
            allowed_updates=used_update_types(dispatcher.resolve_used_update_types()),
            handle_signals=True,
        )
    finally:
        await bot.session.close()
        await engine.dispose()
