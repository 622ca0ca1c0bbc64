"""Special-incident board (特殊事项看板) for shift leads.

Every open special (特殊事项) and urgent (特殊紧急事项) ticket, with a live countdown to its
first response (4 h / 2 h, R-SPECIAL / R-SPECIAL-URGENT) and to its progress report (3 WD /
2 WD). The platform clock is read once per refresh (in a worker) and advanced locally every
second (no database call per second); a frozen drill clock stays frozen. Colours: green,
yellow under 1 h (special) / 30 min (urgent), red once breached — and the terminal bell
rings once for each breach. Who was notified and when (the ticket's outbox: SMS and phone to
the unit, the duty-office report, the emergency notice) is listed in the detail pane, and the
table marks how many have been delivered when it has room for the column.

The shift lead acts on the highlighted incident: N sends its notices again (a new re-send
number, so the gateway does not drop it as a repeat), G reports it to the manager (省优化办)
with a reason, M adds a line to its timeline. The backend refuses every other role, naming
the rule; the refusal is shown as a toast.

For the shift lead, sudden (突发) and emerging (苗头) matters of the shift (R-ANALYTICS: several
new callers within hours on one matter and place, or a new matter that keeps growing) are listed
under the summary, refreshed with the board; a new one rings the bell and shows a toast. The
callers' words are shown literally.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from console.errors import HotlineError, Unavailable
from console.screens.field_labels import told
from console.screens.reach import REACH
from console.services.values import Role, Special
from console.services.views import (
    ClockView,
    EventView,
    HotAlertView,
    NotificationStatus,
    NotificationView,
    TicketChange,
    TicketSummary,
    TicketView,
)
from console.widgets.banner import ConnectionBanner, DrillBanner
from console.widgets.deadline import SHANGHAI, countdown_text, due_label
from console.widgets.dialogs import ConfirmDialog, PromptDialog
from console.widgets.footer import KeyFooter
from console.widgets.nav import NavBar
from console.widgets.notifications import marker, notifications_text
from console.widgets.paragraph import Paragraph
from console.widgets.safe import clean, literal
from console.widgets.ticket_table import unit_cell

REFRESH_SECONDS = 10.0
TICK_SECONDS = 1.0
RETRY_SECONDS = 3.0
PAGE = 200
WARN = {Special.SPECIAL: dt.timedelta(hours=1), Special.URGENT: dt.timedelta(minutes=30)}
FEEDBACK = ("first_response", "progress")
FEEDBACK_LABELS = {"first_response": "初步响应", "progress": "进度反馈"}

# key, heading, width (None: the room the others leave). When the table is too narrow the
# title goes first, then the notification marker ("2/4": delivered of all; the detail pane
# lists them in full).
COLUMNS: tuple[tuple[str, str, int | None], ...] = (
    ("first_response", "初步响应", 14),
    ("progress", "进度反馈", 14),
    ("number", "工单号", 14),
    ("level", "级别", 4),
    ("unit", "承办单位", 12),
    ("dispatched", "派单", 5),
    ("notified", "通知", 5),
    ("title", "诉求", None),
)
OPTIONAL = ("notified", "title")
MIN_TITLE = 8
ALERT_LINES = 5
ALERT_NUMBERS = 1
"""Ticket numbers an alert's line names (more wrap a full line on a 140-column terminal)."""
ALERT_STYLES = {"sudden": "bold white on red", "emerging": "bold black on yellow"}


def numbers_line(numbers: Sequence[str], shown: int = ALERT_NUMBERS) -> str:
    """An alert's tickets on its one line: the first few, then how many in all."""
    if len(numbers) <= shown:
        return " ".join(numbers)
    return f"{' '.join(numbers[:shown])} 等 {len(numbers)} 件"


def alerts_text(alerts: Sequence[HotAlertView], now: dt.datetime) -> Text:
    """The shift's sudden and emerging matters, newest first (the callers' words literally),
    one line each: kind, time, callers and tickets first, then the words and the place, cut
    with "…" where the board ends (board.tcss; a long summary wrapped the tickets' count onto
    a line of its own)."""
    text = Text()
    for i, a in enumerate(alerts[:ALERT_LINES]):
        if i:
            text.append("\n")
        text.append(f" {a.label} ", style=ALERT_STYLES.get(a.kind, "bold"))
        text.append(f" {_short(a.at, now)} ")
        text.append(f"{a.callers} 人 ", style="bold")
        text.append(f"{numbers_line(a.numbers)}  ", style="dim")
        text.append_text(literal(a.summary))
        if a.places:
            text.append_text(literal(f"（{'、'.join(a.places[:2])}）"))
    if len(alerts) > ALERT_LINES:
        text.append(f"\n  另有 {len(alerts) - ALERT_LINES} 条", style="dim")
    return text


@dataclass(frozen=True)
class BoardItem:
    """One special ticket as the board shows it."""

    summary: TicketSummary
    view: TicketView

    @property
    def number(self) -> str:
        return self.summary.number

    @property
    def level(self) -> Special:
        return self.view.special

    def clock(self, key: str) -> ClockView | None:
        rows = [c for c in self.view.clocks if c.key == key]
        return rows[-1] if rows else None

    @property
    def dispatch(self) -> EventView | None:
        return next((e for e in reversed(self.view.events) if e.action == "dispatch"), None)

    def nearest(self) -> dt.datetime:
        dues = [c.due_at for k in FEEDBACK if (c := self.clock(k)) is not None and c.running]
        return min(dues) if dues else dt.datetime.max.replace(tzinfo=dt.UTC)


def _short(moment: dt.datetime, now: dt.datetime) -> str:
    """HH:MM today, MM-DD before (the column is 5 wide)."""
    local = moment.astimezone(SHANGHAI)
    return (
        local.strftime("%H:%M")
        if local.date() == now.astimezone(SHANGHAI).date()
        else local.strftime("%m-%d")
    )


def feedback_cell(item: BoardItem, key: str, now: dt.datetime) -> Text:
    """The countdown to one feedback mark, or what became of it."""
    clock = item.clock(key)
    if clock is None:
        return Text("—", style="dim")
    if clock.running:
        return countdown_text(clock.due_at, now, WARN.get(item.level, WARN[Special.SPECIAL]))
    if clock.met_at is not None:
        late = clock.met_at > clock.due_at
        return Text(
            f"{'超时' if late else '已'}反馈 {clock.met_at.astimezone(SHANGHAI):%H:%M}",
            style="bold red" if late else "green",
        )
    return Text("已停止", style="dim")


def level_cell(level: Special, short: bool = False) -> Text:
    label = ("特急" if level is Special.URGENT else "特殊") if short else level.label
    if level is Special.URGENT:
        return Text(label, style="bold white on red")
    return Text(label, style="bold black on yellow")


def detail(item: BoardItem, now: dt.datetime, unit_names: Mapping[str, str]) -> RenderableType:
    """The highlighted ticket: its words, its marks, who was notified and when."""
    view = item.view
    head = Text()
    head.append(f"工单 {view.number}  ", style="bold")
    head.append_text(level_cell(view.special))
    head.append(f"  {view.kind.label} · {view.state_label}")
    parts: list[RenderableType] = [head, literal(view.text)]
    for key in FEEDBACK:
        clock = item.clock(key)
        if clock is None:
            continue
        line = Text()
        line.append(f"{FEEDBACK_LABELS[key]}  ", style="bold")
        line.append_text(feedback_cell(item, key, now))
        line.append(f"\n  时限 {due_label(clock.due_at)}\n  依据 {clock.rule}", style="dim")
        parts.append(line)
    notified = Text()
    notified.append("通知", style="bold")
    notified.append("  R-SPECIAL、R-SPECIAL-REPORT\n", style="dim")
    event = item.dispatch
    if event is not None:
        unit = event.details.get("unit_id") or view.unit_id or ""
        notified.append(f"{event.at.astimezone(SHANGHAI):%m-%d %H:%M} 派单至 ")
        notified.append(clean(unit_names.get(unit, unit)))
        if view.bureau and unit == view.unit_id:  # the city office forwards it on (事项清单)
            # a line of its own, as the ticket's header writes it: beside the office it
            # wrapped in the narrow pane, its closing bracket alone on a line
            notified.append(f"\n  → {clean(view.bureau)}")
    else:
        notified.append("尚未派单", style="bold red")
    parts.append(notified)
    parts.append(notifications_text(view.notifications, now, end="\n"))
    return Group(*(Paragraph(p) if isinstance(p, Text) else p for p in parts))


STUCK_AFTER = dt.timedelta(minutes=10)
"""A notice of a special matter still not delivered this long after it was written: either no
`hotline worker` is delivering, or the gateway keeps failing (R-SPECIAL-REPORT)."""


def stuck_notices(items: Sequence[BoardItem], now: dt.datetime) -> list[NotificationView]:
    """The special matters' notices neither delivered nor given up after STUCK_AFTER."""
    return [
        n
        for item in items
        for n in item.view.notifications
        if n.status in (NotificationStatus.PENDING, NotificationStatus.RETRYING)
        and now - n.created_at >= STUCK_AFTER
    ]


class BoardTable(DataTable[Text]):
    """The board's table: Enter opens the ticket under the cursor."""

    BINDINGS = [Binding("enter", "select_cursor", "打开工单", id="board.open")]

    class Resized(Message):
        """The table's width changed: its columns are laid out again."""

    def on_resize(self) -> None:
        self.post_message(self.Resized())


class BoardScreen(Screen[None]):
    """Special and urgent incidents with their countdowns; Enter opens the ticket."""

    CSS_PATH = "board.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    BINDINGS = [
        Binding("r", "refresh", "刷新", id="board.refresh"),
        Binding(
            "ctrl+k,slash",
            "search",
            "查询工单",
            id="board.search",
            tooltip="按工单号、来电号码、诉求内容、日期、单位、状态查询",
        ),
        Binding(
            "n", "renotify", "重新通知", id="board.renotify", tooltip="再次发送派单通知和值班报告"
        ),
        Binding("g", "escalate", "上报优化办", id="board.escalate", tooltip="上报管理部门"),
        Binding("m", "note", "备注", id="board.note", tooltip="在工单时间线上记一笔"),
        Binding(
            "d",
            "app.dashboard",
            "考核看板",
            id="board.dashboard",
            tooltip=REACH["dashboard"].tooltip,
        ),
    ]

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.items: tuple[BoardItem, ...] = ()
        self.unit_names: dict[str, str] = {}
        self.total = 0
        self.loaded = False
        self._anchor: tuple[dt.datetime, float] | None = None
        self._running = False
        self._breached: set[tuple[str, str]] = set()
        self._columns: tuple[tuple[str, str, int | None], ...] = self._column_spec(0)
        self.alerts: tuple[HotAlertView, ...] = ()
        self._alerts_retry: Timer | None = None  # one asking again pending at most
        self._alerted: set[tuple[str, int, dt.datetime]] | None = None

    @staticmethod
    def _column_spec(width: int) -> tuple[tuple[str, str, int | None], ...]:
        """The columns that fit ``width`` cells: the fixed ones, then the notification marker
        if it fits, then the title in whatever room is left (at least MIN_TITLE)."""
        fixed = [c for c in COLUMNS if c[0] not in OPTIONAL]
        room = width - sum((w or 0) + 2 for _, _, w in fixed) - 2
        notified = next(c for c in COLUMNS if c[0] == "notified")
        spec = list(fixed)
        if room >= (notified[2] or 0) + 2:
            spec.append(notified)
            room -= (notified[2] or 0) + 2
        title = COLUMNS[-1]
        if room - 2 >= MIN_TITLE:
            spec.append((title[0], title[1], room - 2))
        return tuple(spec)

    @on(BoardTable.Resized)
    def _relayout(self) -> None:
        table = self.query_one("#board-table", DataTable)
        spec = self._column_spec(table.size.width)
        if spec == self._columns:
            return
        self._columns = spec
        keep = self._selected_number()
        table.clear(columns=True)
        for key, heading, width in spec:
            table.add_column(Text(heading), key=key, width=width)
        now = self.local_now()
        if now is not None:
            self._fill(now, keep)

    def compose(self) -> ComposeResult:
        yield NavBar()
        yield DrillBanner()
        yield ConnectionBanner()
        yield Static("", id="board-banner", markup=False)
        yield Static(Text("特殊事项看板 载入中…", style="dim"), id="board-summary", markup=False)
        yield Static("", id="board-alerts", markup=False)
        with Container(id="board-body"):
            yield BoardTable(
                id="board-table",
                cursor_type="row",
                zebra_stripes=True,
                cursor_foreground_priority="renderable",
            )
            with VerticalScroll(id="board-side", classes="pane"):
                yield Static("", id="board-detail", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#board-banner").display = False
        self.query_one("#board-alerts").display = False
        self.query_one("#board-side").border_title = "事项详情"
        table = self.query_one("#board-table", DataTable)
        self._columns = self._column_spec(table.size.width)
        for key, heading, width in self._columns:
            table.add_column(Text(heading), key=key, width=width)
        table.focus()
        self.action_refresh()
        self.set_interval(REFRESH_SECONDS, self.action_refresh, name="board-refresh")
        self.set_interval(TICK_SECONDS, self._tick, name="board-tick")
        if hasattr(self.app, "connection_ok"):
            self.watch(self.app, "connection_ok", self._connection_changed, init=False)
        if hasattr(self.app, "live_listeners"):
            self.app.live_listeners.add(self)

    def _connection_changed(self, ok: bool) -> None:
        if ok:
            self.action_refresh()

    def on_live_changes(self, changes: Sequence[TicketChange]) -> None:
        """Pushed: a special incident was taken, dispatched, answered … — reload at once (the
        periodic reload stays, for the clocks that run out without any change)."""
        if any(c.special is not Special.NONE for c in changes):
            self.action_refresh()
        elif changes and self._alerts_shown():
            self._load_alerts()  # a new ticket may raise a sudden or emerging matter (R-ANALYTICS)

    def _alerts_shown(self) -> bool:
        return self.app.backend.actor.role is Role.SHIFT_LEAD  # type: ignore[attr-defined, no-any-return]

    # ------------------------------------------------------------------ clock
    def local_now(self) -> dt.datetime | None:
        """The platform time, advanced locally since the last read (unless the clock is frozen)."""
        if self._anchor is None:
            return None
        moment, mono = self._anchor
        if not self._running:
            return moment
        return moment + dt.timedelta(seconds=time.monotonic() - mono)

    # ------------------------------------------------------------------ loading
    def action_search(self) -> None:
        from console.screens.search import TicketSearchScreen

        self.app.push_screen(TicketSearchScreen())

    def action_refresh(self) -> None:
        self._load(not self.unit_names)
        if self._alerts_shown():
            self._load_alerts()

    @work(thread=True, exclusive=True, exit_on_error=False, group="board-alerts")
    def _load_alerts(self) -> None:
        """The shift's alerts, in a worker of their own: the first look groups the recent
        tickets, which must not hold up the countdowns."""
        backend = self.app.backend  # type: ignore[attr-defined]
        try:
            alerts = tuple(backend.hot_alerts())
        except HotlineError as err:
            self.app.call_from_thread(self._alerts_failed, err)
            return
        now = backend.now()
        self.app.call_from_thread(self._show_alerts, alerts, now)

    @work(thread=True, exclusive=True, exit_on_error=False, group="board-load")
    def _load(self, with_units: bool) -> None:
        backend = self.app.backend  # type: ignore[attr-defined]
        first = backend.now()
        names = {u.id: u.name for u in backend.units()} if with_units else None
        summaries: list[TicketSummary] = []
        offset, total = 0, 0
        while True:
            page = backend.queue("special", offset, PAGE)
            summaries.extend(page.rows)
            total = page.total
            offset += len(page.rows)
            if not page.rows or offset >= total:
                break
        items = [BoardItem(s, backend.ticket(s.number)) for s in summaries]
        last = backend.now()
        # a clock that moved while we read is running; a pinned drill clock does not move
        self.app.call_from_thread(self._show, items, total, names, last, last > first)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "board-load" or event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, Unavailable):
            lost = getattr(self.app, "connection_lost", None)
            if callable(lost):
                lost()
                return
            self.set_timer(RETRY_SECONDS, self.action_refresh)
        banner = self.query_one("#board-banner", Static)
        message = (
            str(error) if isinstance(error, HotlineError) else f"内部错误：{type(error).__name__}"
        )
        banner.update(Text(clean(message)))
        banner.display = True

    def _show(
        self,
        items: Sequence[BoardItem],
        total: int,
        names: dict[str, str] | None,
        now: dt.datetime,
        running: bool,
    ) -> None:
        if not self.is_mounted:
            return
        self.query_one("#board-banner").display = False
        if names is not None:
            self.unit_names = names
        self._anchor = (now, time.monotonic())
        self._running = running
        self.items = tuple(sorted(items, key=lambda i: (i.nearest(), i.number)))
        self.total = total
        keep = self._selected_number()
        self._fill(now, keep)
        first_load = not self.loaded
        self.loaded = True
        self._check_breaches(now, silent=first_load)
        self._show_summary(now)
        self._show_detail(now)

    def _alerts_failed(self, error: HotlineError) -> None:
        """The alerts could not be read: said in the alerts' place (the alerts shown before
        stay). For now only — the first look still grouping (a busy store takes minutes), or
        the service away — they are asked again soon, once, not at each failed try (the
        board's reload asks too)."""
        if not self.is_mounted:
            return
        box = self.query_one("#board-alerts", Static)
        if not self.alerts:
            box.update(Text(clean(str(error)), style="dim"))
            box.display = True
        if isinstance(error, Unavailable) and self._alerts_retry is None:
            self._alerts_retry = self.set_timer(RETRY_SECONDS, self._retry_alerts)

    def _retry_alerts(self) -> None:
        self._alerts_retry = None
        self._load_alerts()

    def _show_alerts(self, alerts: tuple[HotAlertView, ...], now: dt.datetime) -> None:
        """List the shift's alerts; ring once for each one not seen before (not on opening)."""
        if not self.is_mounted:
            return
        self.alerts = alerts
        box = self.query_one("#board-alerts", Static)
        box.display = bool(alerts)
        box.update(alerts_text(alerts, now))
        keys = {(a.kind, a.group_id, a.at) for a in alerts}
        if self._alerted is None:
            self._alerted = keys
            return
        fresh = [a for a in alerts if (a.kind, a.group_id, a.at) not in self._alerted]
        self._alerted |= keys
        if fresh:
            self.app.bell()
            for a in fresh:
                self.notify(
                    f"{a.summary}（{a.callers} 位来电人）",
                    title=f"{a.label}事项",
                    severity="warning",
                    markup=False,
                )

    def _fill(self, now: dt.datetime, keep: str | None) -> None:
        table = self.query_one("#board-table", DataTable)
        table.clear()
        for item in self.items:
            table.add_row(*self._cells(item, now), key=item.number)
        if keep is not None and any(i.number == keep for i in self.items):
            table.move_cursor(row=table.get_row_index(keep))

    def _cells(self, item: BoardItem, now: dt.datetime) -> list[Text]:
        unit = unit_cell(item.view.unit_id, item.view.bureau, self.unit_names)
        event = item.dispatch
        out = {
            "first_response": feedback_cell(item, "first_response", now),
            "progress": feedback_cell(item, "progress", now),
            "number": Text(item.number),
            "level": level_cell(item.level, short=True),
            "unit": literal(unit),
            "dispatched": Text(
                _short(event.at, now) if event is not None else "未派",
                style="" if event is not None else "bold red",
            ),
            "notified": marker(item.view.notifications),
            "title": literal(item.summary.title),
        }
        cells = []
        for key, _, _ in self._columns:
            cell = out[key]
            cell.no_wrap, cell.overflow, cell.end = True, "ellipsis", ""
            cells.append(cell)
        return cells

    # ------------------------------------------------------------------ every second
    def _tick(self) -> None:
        now = self.local_now()
        if now is None or not self._running:
            return
        # breaches ring even while the board is hidden (the lead may be taking a call)
        self._check_breaches(now, silent=False)
        if not self.is_current:
            return
        table = self.query_one("#board-table", DataTable)
        for item in self.items:
            for key in FEEDBACK:
                clock = item.clock(key)
                if clock is not None and clock.running:
                    table.update_cell(item.number, key, feedback_cell(item, key, now))
        self._show_summary(now)

    def _check_breaches(self, now: dt.datetime, silent: bool) -> None:
        """Ring the bell once for each mark newly breached (not for those already red on opening)."""
        fresh = []
        for item in self.items:
            for key in FEEDBACK:
                clock = item.clock(key)
                if clock is None or not clock.running or now <= clock.due_at:
                    continue
                mark = (item.number, key)
                if mark not in self._breached:
                    self._breached.add(mark)
                    fresh.append((item, key))
        if fresh and not silent:
            self.app.bell()
            for item, key in fresh:
                self.notify(
                    f"工单 {item.number} {FEEDBACK_LABELS[key]}已超时",
                    title=item.level.label,
                    severity="error",
                    markup=False,
                )

    def _show_summary(self, now: dt.datetime) -> None:
        late = warn = 0
        for item in self.items:
            for key in FEEDBACK:
                clock = item.clock(key)
                if clock is None or not clock.running:
                    continue
                left = clock.due_at - now
                if left < dt.timedelta(0):
                    late += 1
                elif left < WARN.get(item.level, WARN[Special.SPECIAL]):
                    warn += 1
        text = Text("特殊事项看板", style="bold")
        text.append(f"  在办 {self.total} 件")
        text.append("  已超时 ")
        text.append(str(late), style="bold white on red" if late else "")
        text.append("  临近时限 ")
        text.append(str(warn), style="bold black on yellow" if warn else "")
        given_up = sum(
            n.status is NotificationStatus.GIVEN_UP
            for item in self.items
            for n in item.view.notifications
        )
        if given_up:  # a unit or office nobody could reach: the lead has to call them
            text.append("  通知已放弃 ")
            text.append(str(given_up), style="bold white on red")
        stuck = stuck_notices(self.items, now)
        if stuck:  # no worker running, or a gateway down: nothing tells the units otherwise
            oldest = max(now - n.created_at for n in stuck)
            text.append("  通知未送达 ")
            text.append(
                f"{len(stuck)}（最久 {int(oldest.total_seconds() // 60)} 分钟）",
                style="bold white on red",
            )
            text.append(" 请检查 hotline worker 与网关，必要时电话通知", style="bold red")
        text.append(f"  平台时间 {now.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}", style="dim")
        if not self.items:
            text.append("  （暂无在办的特殊事项）", style="dim")
        self.query_one("#board-summary", Static).update(text)

    # ------------------------------------------------------------------ selection
    def _selected_number(self) -> str | None:
        table = self.query_one("#board-table", DataTable)
        if not self.items or table.row_count == 0:
            return None
        index = table.cursor_row
        return self.items[index].number if 0 <= index < len(self.items) else None

    @on(DataTable.RowHighlighted, "#board-table")
    def _highlighted(self) -> None:
        now = self.local_now()
        if now is not None:
            self._show_detail(now)

    def _show_detail(self, now: dt.datetime) -> None:
        number = self._selected_number()
        item = next((i for i in self.items if i.number == number), None)
        box = self.query_one("#board-detail", Static)
        if item is None:
            box.update(Text("（无）", style="dim"))
            return
        box.update(detail(item, now, self.unit_names))

    @on(DataTable.RowSelected, "#board-table")
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        number = self._selected_number()
        if number is None:
            return
        from console.screens.ticket import TicketScreen

        self.app.push_screen(TicketScreen(number))

    def on_screen_resume(self) -> None:
        if self.loaded:
            self.action_refresh()

    # ------------------------------------------------------------------ the lead's actions
    def _current(self) -> BoardItem | None:
        number = self._selected_number()
        return next((i for i in self.items if i.number == number), None)

    def action_renotify(self) -> None:
        item = self._current()
        if item is None:
            return
        body = Text(f"再次发送工单 {item.number} 的通知：")
        body.append("承办单位短信和电话、省政府总值班室、省应急管理厅（R-SPECIAL-REPORT）。")
        number = item.number

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._act(number, "renotify", "")

        self.app.push_screen(ConfirmDialog("重新通知", body, "重新通知"), confirmed)

    def action_escalate(self) -> None:
        item = self._current()
        if item is None:
            return
        number = item.number

        def entered(reason: str | None) -> None:
            if reason:
                self._act(number, "escalate", reason)

        self.app.push_screen(
            PromptDialog(
                f"工单 {number} 上报优化办",
                placeholder="理由，如：超时未作初步响应，电话无人接听",
                note=Text("上报省优化办，记入工单并通知管理部门。"),
            ),
            entered,
        )

    def action_note(self) -> None:
        item = self._current()
        if item is None:
            return
        number = item.number

        def entered(note: str | None) -> None:
            if note:
                self._act(number, "add_note", note)

        self.app.push_screen(
            PromptDialog(f"工单 {number} 备注", placeholder="一行文字，记入工单时间线"), entered
        )

    @work(thread=True, exit_on_error=False, group="board-act")
    def _act(self, number: str, command: str, text: str) -> None:
        backend = self.app.backend  # type: ignore[attr-defined]
        try:
            if command == "renotify":
                resend = backend.renotify(number, text)
                done = f"工单 {number} 已重新通知（第{resend}次）"
            elif command == "escalate":
                backend.escalate(number, text)
                done = f"工单 {number} 已上报优化办"
            else:
                backend.add_note(number, text)
                done = f"工单 {number} 已添加备注"
        except HotlineError as exc:
            self.app.call_from_thread(self._refused, told(exc))
            return
        except Exception as exc:  # noqa: BLE001 — a seat sees one line, never a traceback
            self.app.call_from_thread(self._refused, f"内部错误：{type(exc).__name__}")
            return
        self.app.call_from_thread(self._done, done)

    def _refused(self, message: str) -> None:
        self.notify(clean(message), title="未执行", severity="error", markup=False)

    def _done(self, message: str) -> None:
        self.notify(message, markup=False)
        self.action_refresh()
