"""Build everything once at start-up (settings → store → backend); nothing happens at import."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from console import private
from console.config import Settings, audit_key_path, load_settings
from console.errors import HotlineError, InputError
from console.services.access import audit
from console.services.backend import Backend
from console.services.calendar.provider import CalendarProvider
from console.services.clock import Clock, clock_from_setting
from console.services.enterprise import desk
from console.services.knowledge.seeding import seed_store
from console.services.knowledge.service import KnowledgeService
from console.services.local import LocalBackend
from console.services.tickets.rules import RuleTable
from console.services.views import Actor
from console.store.engine import Store, connect
from console.store.migrate import HEAD, current_revision, upgrade


class NotMigrated(HotlineError):
    exit_status = 2


@dataclass
class Platform:
    """The shared parts every seat of this process uses."""

    settings: Settings
    store: Store
    clock: Clock
    rules: RuleTable
    calendar: CalendarProvider
    knowledge: KnowledgeService

    def backend(self, actor: Actor) -> LocalBackend:
        return LocalBackend(
            self.store,
            self.clock,
            actor,
            self.rules,
            self.calendar,
            self.knowledge,
            grades_file=self.settings.grades_file,
        )


def open_store(url: str, audit_key: Path | None = None) -> Store:
    """Open the database at ``url`` with the audit trail watching every write transaction
    (R-SECURITY, R-ARCHIVE): every store the platform writes through is opened here.

    ``audit_key``: the file of the audit trail's key; by default where the settings say
    (``console.config.audit_key_path``). An embedded database file is created 0600 in a
    0700 folder whatever the umask (R-SECURITY). PostgreSQL connections get the settings'
    lock and statement timeouts (HOTLINE_LOCK_TIMEOUT, HOTLINE_STATEMENT_TIMEOUT).
    """
    path = sqlite_path(url)
    if path is not None:
        private.touch(path)  # SQLite gives its -wal and -shm files the database's mode
        store = connect(url)
    else:
        settings = load_settings()  # PostgreSQL: the lock and statement timeouts
        store = connect(url, settings.lock_timeout, settings.statement_timeout)
    audit.install(store.writer, audit_key or audit_key_path(load_settings(), url))
    desk.install(store.writer)  # an enterprise ticket's end closes its assignment
    return store


def is_embedded(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        return None
    return Path(parsed.database)


def open_platform(settings: Settings, prepare: bool = True, cache_index: bool = False) -> Platform:
    """Open the store. The embedded SQLite store is created, migrated and seeded on first use;
    a shared PostgreSQL must be migrated with `hotline db upgrade` first.

    ``cache_index``: keep a copy of the built knowledge-search index in the data folder and
    read it back at the next start while the knowledge base is unchanged (the console).
    """
    private.ensure_dir(settings.data_dir)  # 0700 when made here (R-SECURITY)
    store = open_store(settings.db_url, audit_key_path(settings, settings.db_url))
    clock = clock_from_setting(settings.now, running=settings.clock_running)
    if prepare:
        if is_embedded(settings.db_url):
            fresh = not inspect(store.write_engine).has_table("tickets")
            upgrade(store)
            if fresh:
                seed_store(store, settings.seed_dir, clock.now())
        elif current_revision(store) != HEAD:
            store.dispose()
            raise NotMigrated("数据库结构不是最新版本，请先运行 hotline db upgrade")
    cache = None
    if cache_index:
        from console.services.knowledge.index_cache import IndexCache

        cache = IndexCache.for_store(settings.data_dir, settings.db_url)
    knowledge = KnowledgeService(store, cache)
    return Platform(settings, store, clock, RuleTable.load(), CalendarProvider(store), knowledge)


def make_backend(settings: Settings, actor_or_token: Actor | str | None = None) -> Backend:
    """The backend one seat works through.

    With ``settings.api_url`` (HOTLINE_API) set: a RemoteBackend against ``hotline serve``,
    authenticated by the token given here or ``settings.api_token`` (HOTLINE_TOKEN); the server
    says who the seat is (an Actor given here is ignored). It is connected at once, so a wrong
    address or token fails here with a clear message. Otherwise: a LocalBackend over the
    platform of ``settings`` acting as the given Actor.
    """
    if settings.api_url:
        from console.services.remote import RemoteBackend

        token = actor_or_token if isinstance(actor_or_token, str) else ""
        return RemoteBackend(settings.api_url, token or settings.api_token).connect()
    if not isinstance(actor_or_token, Actor):
        raise InputError("HOTLINE_SEAT", "本地模式须指定席位：姓名:角色[:单位]")
    return open_platform(settings).backend(actor_or_token)
