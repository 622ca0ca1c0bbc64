"""Where the command-line verbs get the domain objects they share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from console.bootstrap import Platform, is_embedded, open_platform, sqlite_path
from console.config import load_settings
from console.errors import InputError, Unavailable
from console.services.calendar.workdays import WorkCalendar
from console.services.tickets.rules import RuleTable
from console.services.values import Role
from console.services.views import Actor


def platform(prepare: bool = True) -> Platform:
    """The platform named by the settings (HOTLINE_DB …)."""
    return open_platform(load_settings(), prepare=prepare)


@contextmanager
def opened_platform() -> Iterator[Platform]:
    """The platform for one verb's work, its connections closed after it."""
    p = platform()
    try:
        yield p
    finally:
        p.store.dispose()


def person(name: str, role: Role, unit: str | None = None) -> Actor:
    """The person a verb acts as (``--by``): named in the audit trail, never anonymous."""
    name = " ".join(name.split())[:40]
    if not name:
        raise InputError("by", "须写明姓名（记入审计）")
    return Actor(seat=f"cli:{name}"[:40], name=name, role=role, unit_id=unit)


def work_calendar() -> WorkCalendar:
    """The work calendar with every official schedule loaded into this installation's database.

    With no database yet (a fresh machine) or none reachable, the built-in calendar answers.
    """
    settings = load_settings()
    if is_embedded(settings.db_url):
        path = sqlite_path(settings.db_url)
        if path is None or not path.exists():
            return WorkCalendar()
    try:
        p = open_platform(settings, prepare=False)
        try:
            return p.calendar()
        finally:
            p.store.dispose()
    except (Unavailable, Exception):  # noqa: BLE001 — a missing table or server: fall back
        return WorkCalendar()


def rule_table() -> RuleTable:
    """The rule table with the shipped overrides set by law (knowledge_seed/limit_overrides.toml)."""
    return RuleTable.load()
