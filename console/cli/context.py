"""Where the command-line verbs get the domain objects they share."""

from __future__ import annotations

from console.bootstrap import Platform, is_embedded, open_platform, sqlite_path
from console.config import load_settings
from console.errors import Unavailable
from console.services.calendar.workdays import WorkCalendar
from console.services.tickets.rules import RuleTable


def platform(prepare: bool = True) -> Platform:
    """The platform named by the settings (HOTLINE_DB …)."""
    return open_platform(load_settings(), prepare=prepare)


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
