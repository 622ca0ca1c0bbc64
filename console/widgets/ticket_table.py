"""A ticket table that shows a window of a long queue, fetched page by page.

A province's queue may hold 100 000 tickets; a DataTable with all of them takes seconds to
build. This table holds only a window (``WINDOW`` rows) and asks its loader for another
window when the cursor moves past an edge (arrows, PgUp/PgDn, Home/End). The cursor is
tracked as an absolute position in the queue; a refresh keeps it on the same ticket.

The loader is called in a thread worker, never on the event loop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.events import Resize
from textual.message import Message
from textual.widgets import DataTable
from textual.worker import Worker, WorkerState

from console.errors import HotlineError
from console.services.values import Special
from console.services.views import Page, TicketSummary
from console.widgets.deadline import remaining_text
from console.widgets.safe import literal

WINDOW = 120
MIN_TITLE = 20  # the richest column set that leaves the title this much room is used

# key, heading, width (None: the room the others leave)
COLUMN_SETS: tuple[tuple[tuple[str, str, int | None], ...], ...] = (
    (
        ("due", "时限", 11),
        ("number", "工单号", 14),
        ("kind", "类型", 14),
        ("state", "状态", 14),
        ("unit", "承办单位", 14),
        ("caller", "来电人", 11),
        ("title", "诉求", None),
    ),
    (
        ("due", "时限", 11),
        ("number", "工单号", 14),
        ("kind", "类型", 14),
        ("state", "状态", 14),
        ("title", "诉求", None),
    ),
    (("due", "时限", 11), ("number", "工单号", 14), ("state", "状态", 12), ("title", "诉求", None)),
)

Loader = Callable[[int, int], Page]
"""(offset, limit) → a window of the queue."""


def kind_text(row: TicketSummary) -> Text:
    """The kind, then marks worth seeing at a glance: special/urgent, complex, pending request."""
    out = Text(row.kind.label, end="")
    if row.special is Special.URGENT:
        out.append(" ")
        out.append("特急", style="bold white on red")
    elif row.special is Special.SPECIAL:
        out.append(" ")
        out.append("特殊", style="bold black on yellow")
    if row.complex:
        out.append(" ")
        out.append("疑难", style="bold magenta")
    if row.pending:
        out.append(" ")
        out.append(
            {"extension": "延期", "termination": "终结"}.get(row.pending, row.pending), style="cyan"
        )
    return out


def _cell(text: Text) -> Text:
    """One line, cut with an ellipsis when the column is narrower."""
    text.no_wrap = True
    text.overflow = "ellipsis"
    text.end = ""
    return text


CITY_OFFICE = "优化办"


def unit_cell(unit_id: str | None, bureau: str, unit_names: Mapping[str, str]) -> str:
    """A handling unit in a narrow column. A city 优化办 that forwards the ticket to a city
    bureau is written with the bureau, the parts that tell rows apart first: 长沙→城市管理和综合
    执法局 (every row of a city office's queue is the office; what differs is the bureau)."""
    if not unit_id:
        return "—"
    name = unit_names.get(unit_id, unit_id)
    if not bureau:
        return name
    city = name.removesuffix(CITY_OFFICE).removesuffix("市") or name
    return f"{city}→{bureau.removeprefix('市')}"


def cells(row: TicketSummary, now: dt.datetime, unit_names: Mapping[str, str]) -> dict[str, Text]:
    """The cells of one row, each a Text (never markup)."""
    unit = unit_cell(row.unit_id, row.bureau, unit_names)
    out = {
        "due": remaining_text(row.next_due, now),
        "number": Text(row.number),
        "kind": kind_text(row),
        "state": Text(row.state_label, style="bold red" if row.overdue else ""),
        "unit": literal(unit),
        "caller": literal(row.caller),
        "title": literal(row.title),
    }
    return {key: _cell(value) for key, value in out.items()}


@dataclass(frozen=True)
class _Request:
    serial: int
    offset: int
    target: int | None  # absolute position to put the cursor on
    keep: str | None  # ticket number to keep the cursor on (refresh)


class TicketTable(DataTable[Text]):
    """A window onto a queue of tickets, sorted by the backend (nearest deadline first)."""

    DEFAULT_CSS = """
    TicketTable {
        height: 1fr;
    }
    """

    BINDINGS = [
        Binding("enter", "select_cursor", "打开工单", id="table.open"),
        Binding("down", "cursor_down", "下一条", show=False, id="table.down"),
        Binding("up", "cursor_up", "上一条", show=False, id="table.up"),
        Binding("pagedown", "page_down", "下页", id="table.page_down"),
        Binding("pageup", "page_up", "上页", id="table.page_up"),
        Binding("home,ctrl+home", "first", "首条", show=False, id="table.first"),
        Binding("end,ctrl+end", "last", "末条", show=False, id="table.last"),
    ]

    class WindowLoaded(Message):
        """A window arrived and is shown."""

        def __init__(self, table: TicketTable) -> None:
            super().__init__()
            self.table = table

    class LoadFailed(Message):
        """The loader failed (str(error) is the message to show)."""

        def __init__(self, table: TicketTable, error: HotlineError) -> None:
            super().__init__()
            self.table = table
            self.error = error

    class Opened(Message):
        """Enter on a ticket."""

        def __init__(self, table: TicketTable, number: str) -> None:
            super().__init__()
            self.table = table
            self.number = number

    def __init__(
        self, *, window: int = WINDOW, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(
            cursor_type="row",
            zebra_stripes=True,
            cursor_foreground_priority="renderable",
            id=id,
            classes=classes,
        )
        self.window = window
        self.loader: Loader | None = None
        self.clock: Callable[[], dt.datetime] | None = None
        self.unit_names: Mapping[str, str] = {}
        self.window_offset = 0
        self.total = 0
        self.rows_shown: tuple[TicketSummary, ...] = ()
        self.now: dt.datetime | None = None
        self.loaded = False
        self._width = 0
        self._serial = 0
        self._pending: _Request | None = None

    # ------------------------------------------------------------------ public
    @property
    def position(self) -> int:
        """Absolute position of the cursor in the queue (0-based)."""
        if self._pending is not None and self._pending.target is not None:
            return self._pending.target
        return self.window_offset + self.cursor_row

    @property
    def selected(self) -> TicketSummary | None:
        """The ticket under the cursor, if any."""
        if 0 <= self.cursor_row < len(self.rows_shown):
            return self.rows_shown[self.cursor_row]
        return None

    def load(self, loader: Loader, clock: Callable[[], dt.datetime]) -> None:
        """Show another queue from its start."""
        self.loader = loader
        self.clock = clock
        self.loaded = False
        self._request(0, target=0, keep=None)

    def reload(self) -> None:
        """Fetch the current window again, keeping the cursor on the selected ticket."""
        if self.loader is None:
            return
        keep = self.selected.number if self.selected else None
        self._request(self.window_offset, target=self.position, keep=keep)

    def set_unit_names(self, names: Mapping[str, str]) -> None:
        self.unit_names = names
        self._render_rows(keep_scroll=True)

    # ------------------------------------------------------------------ movement
    def _go(self, target: int) -> None:
        if self.total == 0:
            return
        target = max(0, min(target, self.total - 1))
        if self._pending is None and self.window_offset <= target < self.window_offset + len(
            self.rows_shown
        ):
            self.move_cursor(row=target - self.window_offset)
            return
        offset = max(0, min(target - self.window // 2, self.total - self.window))
        self._request(offset, target=target, keep=None)

    def action_cursor_down(self) -> None:
        self._go(self.position + 1)

    def action_cursor_up(self) -> None:
        self._go(self.position - 1)

    def _page_height(self) -> int:
        return max(
            1,
            self.scrollable_content_region.height - (self.header_height if self.show_header else 0),
        )

    def action_page_down(self) -> None:
        self._go(self.position + self._page_height())

    def action_page_up(self) -> None:
        self._go(self.position - self._page_height())

    def action_first(self) -> None:
        self._go(0)

    def action_last(self) -> None:
        self._go(self.total - 1)

    def action_select_cursor(self) -> None:
        row = self.selected
        if row is not None and self._pending is None:
            self.post_message(self.Opened(self, row.number))

    # ------------------------------------------------------------------ loading
    def _request(self, offset: int, target: int | None, keep: str | None) -> None:
        if self.loader is None or self.clock is None:
            return
        self._serial += 1
        request = _Request(self._serial, offset, target, keep)
        self._pending = request
        self._fetch(request, self.loader, self.clock)

    @work(thread=True, exclusive=True, exit_on_error=False, group="ticket-window")
    def _fetch(self, request: _Request, loader: Loader, clock: Callable[[], dt.datetime]) -> None:
        page = loader(request.offset, self.window)
        now = clock()
        if page.rows or page.total == 0 or request.offset == 0:
            self.app.call_from_thread(self._apply, request, page, now)
            return
        # the queue shrank under us: fetch its tail instead
        offset = max(0, page.total - self.window)
        page = loader(offset, self.window)
        self.app.call_from_thread(self._apply, request, page, now)

    def _apply(self, request: _Request, page: Page, now: dt.datetime) -> None:
        if request.serial != self._serial or not self.is_mounted:
            return  # a newer request superseded this one
        self._pending = None
        self.window_offset, self.total, self.rows_shown, self.now = (
            page.offset,
            page.total,
            page.rows,
            now,
        )
        row_index = 0
        if request.keep is not None:
            numbers = [r.number for r in page.rows]
            if request.keep in numbers:
                row_index = numbers.index(request.keep)
            elif request.target is not None:
                row_index = request.target - page.offset
        elif request.target is not None:
            row_index = request.target - page.offset
        row_index = max(0, min(row_index, len(page.rows) - 1))
        self._render_rows(keep_scroll=request.keep is not None, cursor=row_index)
        self.loaded = True
        self.post_message(self.WindowLoaded(self))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "ticket-window" or event.state is not WorkerState.ERROR:
            return
        event.stop()
        self._pending = None
        error = event.worker.error
        if isinstance(error, HotlineError):
            self.post_message(self.LoadFailed(self, error))
        else:  # a bug: still no traceback on the seat's screen
            self.post_message(
                self.LoadFailed(self, HotlineError(f"内部错误：{type(error).__name__}"))
            )

    # ------------------------------------------------------------------ rendering
    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self._render_rows(keep_scroll=True, rebuild_columns=True)

    def _title_width(self, spec: tuple[tuple[str, str, int | None], ...]) -> int:
        """The last column takes the room the others leave (the scrollbar keeps 2)."""
        used = sum((width or 0) + 2 * self.cell_padding for _, _, width in spec)
        return self.size.width - used - 2

    def _column_spec(self) -> tuple[tuple[str, str, int | None], ...]:
        for spec in COLUMN_SETS:
            if self._title_width(spec) >= MIN_TITLE:
                return spec
        return COLUMN_SETS[-1]

    def _render_rows(
        self, keep_scroll: bool, cursor: int | None = None, rebuild_columns: bool = False
    ) -> None:
        if cursor is None:
            cursor = self.cursor_row
        old_y = self.scroll_y
        spec = self._column_spec()
        if rebuild_columns or not self.columns:
            self.clear(columns=True)
            for key, heading, width in spec:
                self.add_column(
                    Text(heading), key=key, width=width or max(8, self._title_width(spec))
                )
        else:
            self.clear()
        now = self.now
        if now is not None:
            keys = [k for k, _, _ in spec]
            for row in self.rows_shown:
                data = cells(row, now, self.unit_names)
                self.add_row(*(data[k] for k in keys), key=row.number)
        if not self.rows_shown:
            return
        cursor = max(0, min(cursor, len(self.rows_shown) - 1))
        if keep_scroll:
            self.move_cursor(row=cursor, scroll=False)
            self.call_after_refresh(self._settle_scroll, old_y, cursor)
        else:
            self.move_cursor(row=cursor)

    def _settle_scroll(self, y: float, row: int) -> None:
        self.scroll_to(y=y, animate=False, immediate=True)
        if row == self.cursor_row:
            self.move_cursor(row=row)  # scrolls only if the row is out of view
