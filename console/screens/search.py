"""Ticket search (工单查询): a palette over the work queues and the board.

One line: a ticket number (or part of it), a caller's number, or words the caller said; with
``状态:办理中``, ``单位:hn-rst``, ``自:2026-11-01``, ``至:2026-11-30``, ``电话:…``, ``编号:…`` to
narrow it. The tickets this seat may see, newest first, in a table (callers masked); Enter
opens one, Esc closes. The search runs on the platform (``Backend.search_tickets``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from console.errors import HotlineError, InputError
from console.services.views import Page
from console.widgets.safe import clean
from console.widgets.ticket_table import TicketTable

PREFIXES = {
    "状态": "state",
    "state": "state",
    "单位": "unit",
    "unit": "unit",
    "自": "since",
    "since": "since",
    "至": "until",
    "until": "until",
    "电话": "phone",
    "phone": "phone",
    "编号": "number",
    "number": "number",
}
LABELS = {"since": "自", "until": "至"}
_NUMBER = re.compile(r"^HN\d*$", re.IGNORECASE)
_PHONE = re.compile(r"^\+?[\d\- ]+$")
MAX_PAGE = 100
"""The most rows one search answers (the table asks window by window)."""


def parse_query(line: str) -> dict[str, Any]:
    """The search criteria a typed line stands for (InputError naming the criterion)."""
    criteria: dict[str, Any] = {}
    words: list[str] = []
    for token in line.split():
        key, sep, value = token.replace("：", ":").partition(":")
        field = PREFIXES.get(key.lower()) if sep else None
        if field is None:
            words.append(token)
            continue
        if field in ("since", "until"):
            try:
                criteria[field] = dt.date.fromisoformat(value)
            except ValueError:
                raise InputError(field, f"{LABELS[field]}：日期应为 YYYY-MM-DD") from None
        else:
            criteria[field] = value
    rest = " ".join(words)
    digits = sum(ch.isdigit() for ch in rest)
    if rest and _NUMBER.match(rest):
        criteria.setdefault("number", rest)
    elif rest and _PHONE.match(rest) and 5 <= digits <= 15:
        criteria.setdefault("phone", rest)
    elif rest:
        criteria["text"] = rest
    return criteria


class TicketSearchScreen(ModalScreen[None]):
    """Type, Enter: the matching tickets; Enter on one opens it."""

    DEFAULT_CSS = """
    TicketSearchScreen { align: center middle; background: $background 60%; }
    TicketSearchScreen > Vertical {
        width: 90%; height: 85%; border: thick $accent; background: $surface; padding: 0 1;
    }
    TicketSearchScreen #search-status { height: auto; color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "close", "关闭", id="search.close")]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial = query
        self.criteria: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("查询工单"), classes="dialog-title")
            yield Input(
                value=self.initial,
                placeholder="工单号、来电号码或诉求内容；可加 状态:办理中 单位:hn-rst 自:2026-11-01 至:2026-11-30",
                id="search-input",
            )
            yield TicketTable(id="search-table")
            yield Static(
                Text("Enter 查询 · ↓ 到结果 · 结果上 Enter 打开工单 · Esc 关闭"),
                id="search-status",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one("#search-input", Input).focus()
        self._load_unit_names()
        if self.initial.strip():
            self.run_search(self.initial)

    @work(thread=True, exclusive=True, group="search-units")
    def _load_unit_names(self) -> None:
        """The units' names for the 承办单位 column (ids until they arrive or if they fail)."""
        try:
            names = {u.id: u.name for u in self.app.backend.units()}  # type: ignore[attr-defined]
        except HotlineError:
            return
        self.app.call_from_thread(self._show_unit_names, names)

    def _show_unit_names(self, names: dict[str, str]) -> None:
        if self.is_mounted:
            table = self.query_one(TicketTable)
            table.set_unit_names(names)

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.run_search(event.value)

    def run_search(self, line: str) -> None:
        status = self.query_one("#search-status", Static)
        try:
            criteria = parse_query(line)
        except InputError as err:
            status.update(Text(clean(err.problem)))
            return
        self.criteria = criteria
        backend = self.app.backend  # type: ignore[attr-defined]

        def loader(offset: int, limit: int) -> Page:
            page: Page = backend.search_tickets(
                **criteria, offset=offset, limit=min(limit, MAX_PAGE)
            )
            return page

        status.update(Text("查询中…"))
        self.query_one(TicketTable).load(loader, backend.now)

    def on_key(self, event: Any) -> None:
        if event.key == "down" and self.focused is self.query_one("#search-input", Input):
            event.stop()
            self.query_one(TicketTable).focus()

    @on(TicketTable.WindowLoaded)
    def _loaded(self, event: TicketTable.WindowLoaded) -> None:
        table = event.table
        status = self.query_one("#search-status", Static)
        if table.total == 0:
            status.update(Text("没有符合条件的工单（本席位可见范围内）"))
        else:
            status.update(Text(f"共 {table.total} 条，最新在前 · Enter 打开工单 · Esc 关闭"))

    @on(TicketTable.LoadFailed)
    def _failed(self, event: TicketTable.LoadFailed) -> None:
        error = event.error
        problem = error.problem if isinstance(error, InputError) else str(error)
        self.query_one("#search-status", Static).update(Text(clean(f"不能查询：{problem}")))

    @on(TicketTable.Opened)
    def _open(self, event: TicketTable.Opened) -> None:
        event.stop()
        from console.screens.ticket import TicketScreen

        self.dismiss(None)
        self.app.push_screen(TicketScreen(event.number))

    def action_close(self) -> None:
        self.dismiss(None)
