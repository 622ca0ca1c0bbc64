"""Work queues (工作队列): a tab per queue the seat's role works, nearest deadline first.

The table shows a window of the queue (console.widgets.ticket_table), never the whole of
it, and is refreshed every ``REFRESH_SECONDS`` in a worker without losing the cursor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static, Tab, Tabs
from textual.worker import Worker, WorkerState

from console.errors import HotlineError, Unavailable
from console.screens.reach import REACH
from console.services.values import QUEUES, Role
from console.services.views import TicketChange
from console.widgets.banner import ConnectionBanner, DrillBanner
from console.widgets.deadline import SHANGHAI
from console.widgets.footer import KeyFooter
from console.widgets.nav import NavBar
from console.widgets.safe import clean
from console.widgets.ticket_table import TicketTable

REFRESH_SECONDS = 10.0
RETRY_SECONDS = 3.0


def outage(screen: Screen[Any]) -> None:
    """The platform cannot be reached: the app shows its banner and probes until it answers
    (then ``connection_ok`` turns True and the screen reloads)."""
    lost = getattr(screen.app, "connection_lost", None)
    if callable(lost):
        lost()
    else:  # a bare App (widget tests): retry by ourselves
        screen.set_timer(RETRY_SECONDS, getattr(screen, "action_refresh", lambda: None))


# The queues (console.services.tickets.queries.QUEUES) with their Chinese labels, shown on the tabs.
QUEUE_LABELS: dict[str, str] = QUEUES

ROLE_QUEUES: dict[Role, tuple[str, ...]] = {
    Role.UNIT_CLERK: ("mine", "due_soon", "overdue", "awaiting_sign", "supervision"),
    Role.MANAGER: (
        "mine",
        "returns",
        "completions",
        "extensions",
        "terminations",
        "dissatisfied",
        "overdue",
        "due_soon",
        "supervision",
        "special",
    ),
    Role.SHIFT_LEAD: ("special", "mine", "due_soon", "overdue", "callbacks", "supervision"),
    Role.OPERATOR: ("mine", "callbacks", "due_soon", "overdue"),
    Role.SUBCENTRE_OPERATOR: ("mine", "callbacks", "due_soon", "overdue"),
    Role.EXPERT: ("mine", "callbacks", "due_soon"),
    Role.ENTERPRISE_DESK: ("due_soon", "overdue", "callbacks"),  # enterprise tickets only
    Role.SUPERVISOR: ("supervision", "overdue", "due_soon", "special"),
}


def queues_for(role: Role) -> tuple[str, ...]:
    """The queues a role works, most used first."""
    return ROLE_QUEUES.get(role, tuple(QUEUE_LABELS))


def tab_label(name: str, count: int | None) -> Text:
    label = Text(QUEUE_LABELS.get(name, name))
    if count is not None:
        label.append(f" {count}", style="bold")
    return label


class QueuesScreen(Screen[None]):
    """The seat's work queues; Enter opens a ticket."""

    CSS_PATH = "queues.tcss"
    TITLE = "工作队列"

    BINDINGS = [
        Binding("r", "refresh", "刷新", id="queues.refresh"),
        Binding(
            "ctrl+k,slash",
            "search",
            "查询工单",
            id="queues.search",
            tooltip="按工单号、来电号码、诉求内容、日期、单位、状态查询",
        ),
        Binding(
            "k",
            "app.upkeep",
            "知识维护",
            id="queues.upkeep",
            tooltip=REACH["upkeep"].tooltip,
        ),
        Binding(
            "b",
            "app.prefiling",
            "报备",
            id="queues.prefiling",
            tooltip=REACH["prefiling"].tooltip,
        ),
        Binding(
            "e",
            "app.experts",
            "专家名册",
            id="queues.experts",
            tooltip="各单位专家的擅长领域与值班（R-EXPERT）",
        ),
        Binding(
            "d",
            "app.dashboard",
            "考核看板",
            id="queues.dashboard",
            tooltip=REACH["dashboard"].tooltip,
        ),
        Binding("right_square_bracket", "next_queue", "下个队列", id="queues.next"),
        Binding("left_square_bracket", "previous_queue", "上个队列", id="queues.previous"),
        *(
            Binding(str(n), f"queue({n})", f"第{n}个队列", show=False, id=f"queues.tab{n}")
            for n in range(1, 10)
        ),
    ]

    def __init__(
        self, queues: Sequence[str] | None = None, *, name: str | None = None, id: str | None = None
    ) -> None:
        super().__init__(name=name, id=id)
        self._queues = tuple(queues) if queues else None
        self.counts: dict[str, int] = {}
        self.updated_at: dt.datetime | None = None
        self._unit_names_loaded = False

    @property
    def queue_names(self) -> tuple[str, ...]:
        if self._queues is None:
            self._queues = queues_for(self.app.backend.actor.role)  # type: ignore[attr-defined]
        return self._queues

    @property
    def current(self) -> str:
        active = self.query_one(Tabs).active
        return active.removeprefix("q-") if active else self.queue_names[0]

    def compose(self) -> ComposeResult:
        yield NavBar()
        yield DrillBanner()
        yield ConnectionBanner()
        yield Static("", id="queues-banner", markup=False)
        yield Tabs(
            *(Tab(tab_label(n, None), id=f"q-{n}") for n in self.queue_names),
            active=f"q-{self.queue_names[0]}",
            id="queues-tabs",
        )
        yield TicketTable(id="queues-table")
        yield Static("", id="queues-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#queues-banner").display = False
        self.query_one(TicketTable).focus()
        self._open_queue(self.queue_names[0])
        self._load_counts()
        self._load_units()
        self.set_interval(REFRESH_SECONDS, self._live_refresh, name="queues-refresh")
        if hasattr(self.app, "live_listeners"):
            self.app.live_listeners.add(self)
        if hasattr(self.app, "connection_ok"):
            self.watch(self.app, "connection_ok", self._connection_changed, init=False)

    def on_live_changes(self, changes: Sequence[TicketChange]) -> None:
        """Pushed: tickets this seat may see changed — the counts and the window again (a
        queue under a ticket view or in another mode waits for its resume)."""
        if changes and self.is_current:
            self.action_refresh()

    def _connection_changed(self, ok: bool) -> None:
        if ok:
            if not self._unit_names_loaded:
                self._load_units()
            self.action_refresh()

    # ------------------------------------------------------------------ actions
    def _live_refresh(self) -> None:
        # only while seen: a queue under a ticket view or in another mode waits for its resume
        if self.is_current:
            self.action_refresh()

    def action_search(self) -> None:
        from console.screens.search import TicketSearchScreen

        self.app.push_screen(TicketSearchScreen())

    def action_refresh(self) -> None:
        """Fetch the counts and the current window again (the cursor stays put)."""
        self._load_counts()
        self.query_one(TicketTable).reload()

    def action_next_queue(self) -> None:
        self.query_one(Tabs).action_next_tab()

    def action_previous_queue(self) -> None:
        self.query_one(Tabs).action_previous_tab()

    def action_queue(self, n: int) -> None:
        if 1 <= n <= len(self.queue_names):
            self.query_one(Tabs).active = f"q-{self.queue_names[n - 1]}"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "queue" and parameters:
            return int(str(parameters[0])) <= len(self.queue_names)
        return True

    # ------------------------------------------------------------------ events
    @on(Tabs.TabActivated, "#queues-tabs")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tab.id:
            self._open_queue(event.tab.id.removeprefix("q-"))
            self.query_one(TicketTable).focus()

    def _open_queue(self, name: str) -> None:
        backend = self.app.backend  # type: ignore[attr-defined]
        table = self.query_one(TicketTable)

        def loader(offset: int, limit: int):  # type: ignore[no-untyped-def]
            return backend.queue(name, offset, limit)

        table.load(loader, backend.now)
        self._show_status()

    @on(TicketTable.Opened)
    def _open_ticket(self, event: TicketTable.Opened) -> None:
        from console.screens.ticket import TicketScreen

        self.app.push_screen(TicketScreen(event.number))

    @on(DataTable.RowSelected, "#queues-table")
    def _row_clicked(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self._open_ticket(TicketTable.Opened(self.query_one(TicketTable), event.row_key.value))

    @on(TicketTable.WindowLoaded)
    def _window_loaded(self) -> None:
        self._clear_banner()
        self.updated_at = self.query_one(TicketTable).now
        self._show_status()

    @on(DataTable.RowHighlighted, "#queues-table")
    def _row_highlighted(self) -> None:
        self._show_status()

    @on(TicketTable.LoadFailed)
    def _window_failed(self, event: TicketTable.LoadFailed) -> None:
        self._show_error(event.error)

    def on_screen_resume(self) -> None:
        # back from a ticket: it may have left this queue
        if self.query_one(TicketTable).loaded:
            self.action_refresh()

    # ------------------------------------------------------------------ workers
    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-counts")
    def _load_counts(self) -> None:
        counts = self.app.backend.queue_counts(self.queue_names)  # type: ignore[attr-defined]
        self.app.call_from_thread(self._show_counts, counts)

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-units")
    def _load_units(self) -> None:
        units = self.app.backend.units()  # type: ignore[attr-defined]
        names = {u.id: u.name for u in units}
        self.app.call_from_thread(self._show_units, names)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.group not in (
            "queue-counts",
            "queue-units",
        ):
            return
        error = event.worker.error
        if isinstance(error, HotlineError):
            self._show_error(error)
        else:
            self._show_error(HotlineError(f"内部错误：{type(error).__name__}"))

    def _show_counts(self, counts: dict[str, int]) -> None:
        if not self.is_mounted:
            return
        self.counts = counts
        tabs = self.query_one(Tabs)
        for name in self.queue_names:
            tab = tabs.query_one(f"#q-{name}", Tab)
            tab.label = tab_label(name, counts.get(name))

    def _show_units(self, names: dict[str, str]) -> None:
        if self.is_mounted:
            self._unit_names_loaded = True
            self.query_one(TicketTable).set_unit_names(names)

    # ------------------------------------------------------------------ status and errors
    def _show_status(self) -> None:
        table = self.query_one(TicketTable)
        label = QUEUE_LABELS.get(self.current, self.current)
        text = Text(f"{label}：", style="bold")
        if not table.loaded:
            text.append("载入中…", style="dim")
        elif table.total == 0:
            text.append("队列为空", style="dim")
        else:
            text.append(f"第 {table.position + 1} / {table.total} 条")
            text.append("  按最近时限排序", style="dim")
        if self.updated_at is not None:
            text.append(f"  更新于 {self.updated_at.astimezone(SHANGHAI):%H:%M:%S}", style="dim")
        self.query_one("#queues-status", Static).update(text)

    def _show_error(self, error: HotlineError) -> None:
        if isinstance(error, Unavailable):
            outage(self)
            return
        banner = self.query_one("#queues-banner", Static)
        banner.update(Text(clean(str(error))))
        banner.display = True

    def _clear_banner(self) -> None:
        self.query_one("#queues-banner").display = False
