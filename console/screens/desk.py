"""The 政企通 desk (政企通专席, R-ENTERPRISE, Art. 29): enterprise requests, each followed one to
one by a policy specialist.

A policy specialist lands here. ``M`` 我的 shows the requests it follows, ``U`` 未分配 those
nobody follows, ``A`` 全部 every open one, ``D`` 已结束 the assignments closed; each row
with its nearest clock as the work queues show it. ``C`` claims (认领) the highlighted
request, ``S`` assigns or reassigns it (分配/改派: the manager and the desk lead, with a
reason), ``N`` records a follow-up (跟进) on its timeline, ``Enter`` opens the ticket. The
manager opens the desk from the command palette. The caller's words and the enterprise's name
are shown literally.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from console.errors import HotlineError
from console.screens.field_labels import told
from console.screens.on_backend import ListedScreen
from console.services.clock import SHANGHAI
from console.services.values import DESK_DONE_LIMIT, DESK_OPEN_LIMIT, Role
from console.services.views import DeskItemView, SpecialistView
from console.widgets.banner import ConnectionBanner, DrillBanner
from console.widgets.deadline import remaining_text
from console.widgets.dialogs import ChoiceDialog, PromptDialog
from console.widgets.footer import KeyFooter
from console.widgets.nav import NavBar
from console.widgets.safe import literal, one_line

RELOAD_S = 10.0
VIEWS = {"mine": "我的", "unassigned": "未分配", "all": "全部", "done": "已结束"}
HOW = {"claim": "认领", "assign": "分配", "reassign": "改派"}
CLOSED = {"ended": "诉求已办结", "reassigned": "已改派"}


def detail_text(item: DeskItemView, now: dt.datetime) -> Text:
    """The highlighted request: every piece of the caller's text literal (markup off)."""
    t = item.ticket
    out = Text.assemble(("工单 ", "bold"), (t.number, "bold reverse"), "  ")
    out.append(f"{t.kind.label} · {t.domain.label} · {t.state_label}", style="dim")
    out.append("\n企业：", style="bold")
    out.append_text(literal(item.enterprise_name or "（未填写）"))
    out.append("  来电人：", style="bold")
    out.append_text(literal(t.caller or "—"))
    out.append("\n诉求：", style="bold")
    out.append_text(literal(t.title))
    if item.ticket.next_due is not None:
        out.append("\n时限：", style="bold")
        out.append_text(remaining_text(t.next_due, now))
        if t.next_rule:
            out.append(f"（{t.next_rule}）", style="dim")
    out.append("\n政策专员：", style="bold")
    if not item.assignment:
        out.append("未分配（C 认领）", style="yellow")
        return out
    out.append_text(literal(item.specialist_name))
    if item.assigned_at is not None:
        out.append(
            f"  {HOW.get(item.how, item.how)}于 {item.assigned_at.astimezone(SHANGHAI):%m-%d %H:%M}",
            style="dim",
        )
        out.append("（")
        out.append_text(literal(item.assigned_by))
        out.append("）")
    if item.reason:
        out.append("\n理由：", style="bold")
        out.append_text(literal(item.reason))
    out.append(f"\n跟进 {item.follow_ups} 次", style="bold")
    if item.last_follow_at is not None:
        out.append(f"，最近 {item.last_follow_at.astimezone(SHANGHAI):%m-%d %H:%M}", style="dim")
    if item.assignment == "closed" and item.closed_at is not None:
        out.append(
            f"\n已结束：{CLOSED.get(item.close_reason, item.close_reason)} "
            f"{item.closed_at.astimezone(SHANGHAI):%m-%d %H:%M}",
            style="green",
        )
    return out


class DeskScreen(ListedScreen, Screen[None]):
    """The desk's enterprise requests, the nearest clock first."""

    STATUS = "desk-status"
    CSS_PATH = "desk.tcss"
    TITLE = "政企通专席"
    BINDINGS = [
        Binding("m", "view('mine')", "我的", id="desk.mine", tooltip="我跟进的企业诉求"),
        Binding("u", "view('unassigned')", "未分配", id="desk.unassigned",
                tooltip="尚无政策专员跟进的企业诉求"),
        Binding("a", "view('all')", "全部", id="desk.all", tooltip="全部未结束的企业诉求"),
        Binding("d", "view('done')", "已结束", id="desk.done", show=False,
                tooltip="已结束的跟进（诉求办结或已改派）"),
        Binding("c", "claim", "认领", id="desk.claim",
                tooltip="认领选中的企业诉求，由我一对一跟进（R-ENTERPRISE）"),
        Binding("s", "assign", "分配/改派", id="desk.assign",
                tooltip="把选中的诉求分配或改派给政策专员，须写理由（专席负责人、管理部门）"),
        Binding("n", "follow", "跟进", id="desk.follow",
                tooltip="记录跟进情况，记入工单时间线"),
        Binding("enter", "open", "打开工单", id="desk.open"),
        Binding("r", "reload", "刷新", id="desk.reload", show=False),
        Binding("escape", "back", "返回", id="desk.back", show=False),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.which = "all"
        self.items: list[DeskItemView] = []
        self.now: dt.datetime | None = None

    def compose(self) -> ComposeResult:
        yield NavBar()
        yield DrillBanner()
        yield ConnectionBanner()
        yield Static(self._tabs(), id="desk-tabs", markup=False)
        table: DataTable[Text] = DataTable(id="desk-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("时限", "工单号", "企业", "状态", "政策专员", "诉求")
        yield table
        yield Static("", id="desk-detail", markup=False)
        yield Static(Text("载入中…", style="dim"), id="desk-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        actor = self.backend.actor if self.backend is not None else None
        if actor is not None and actor.role is Role.ENTERPRISE_DESK:
            self.which = "mine"
            self.query_one("#desk-tabs", Static).update(self._tabs())
        self.query_one("#desk-table", DataTable).focus()
        self.load()
        self.set_interval(RELOAD_S, self.load)
        if hasattr(self.app, "live_listeners"):  # a ticket changed elsewhere: load at once
            self.app.live_listeners.add(self)

    def on_screen_resume(self) -> None:
        self.load()

    def _tabs(self) -> Text:
        out = Text()
        for key, (which, label) in zip("MUAD", VIEWS.items(), strict=True):
            style = "reverse bold" if which == self.which else "dim"
            out.append(f" {key} {label} ", style=style)
            out.append(" ")
        return out

    # ------------------------------------------------------------------ loading
    @work(thread=True, exclusive=True, group="desk-load", exit_on_error=False)
    def load(self) -> None:
        backend = self.backend
        if backend is None:
            return
        which = self.which
        try:
            found = list(backend.desk(which))
            now = backend.now()
        except HotlineError as err:
            self.app.call_from_thread(self._failed, err)
            return
        self.deliver(self._show, which, found, now)

    def _show(self, which: str, found: list[DeskItemView], now: dt.datetime) -> None:
        if not self.is_mounted or which != self.which:
            return
        self.items, self.now = found, now
        table = self.query_one("#desk-table", DataTable)
        row = table.cursor_row
        table.clear()
        for item in found:
            t = item.ticket
            table.add_row(
                remaining_text(t.next_due, now),
                Text(t.number),
                literal(one_line(item.enterprise_name or "—", 14)),
                Text(t.state_label, style="bold red" if t.overdue else ""),
                literal(item.specialist_name)
                if item.assignment
                else Text("未分配", style="yellow"),
                literal(one_line(t.title, 40)),
                key=f"{t.number}:{item.assigned_at}",
            )
        if found:
            table.move_cursor(row=min(max(row, 0), len(found) - 1))
        status = Text(f"{VIEWS[which]} {len(found)} 件", style="bold")
        status.append(f"  更新于 {now.astimezone(SHANGHAI):%H:%M:%S}", style="dim")
        cap = DESK_DONE_LIMIT if which == "done" else DESK_OPEN_LIMIT
        if len(found) >= cap:
            status.append(
                f"  （只列最近结束的 {cap} 件）" if which == "done"
                else f"  （只列时限最近的 {cap} 件，其余在工单队列中）",
                style="yellow",
            )  # fmt: skip
        if not found:
            status.append(
                {"mine": "  （您目前没有跟进的企业诉求：U 看未分配的）",
                 "unassigned": "  （企业诉求都已有政策专员跟进）"}.get(which, ""),
                style="dim",
            )  # fmt: skip
        self.query_one("#desk-status", Static).update(status)
        self._show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row (the table takes Enter before the screen's binding)."""
        event.stop()
        self.action_open()

    @property
    def selected(self) -> DeskItemView | None:
        table = self.query_one("#desk-table", DataTable)
        if not self.items or table.cursor_row < 0 or table.cursor_row >= len(self.items):
            return None
        return self.items[table.cursor_row]

    def _show_detail(self) -> None:
        item = self.selected
        detail = self.query_one("#desk-detail", Static)
        if item is None or self.now is None:
            detail.update(Text(""))
        else:
            detail.update(detail_text(item, self.now))

    def _done(self, message: str) -> None:
        self.notify(message, markup=False)
        self.load()

    def on_live_changes(self, changes: Sequence[object]) -> None:
        """Pushed: tickets this seat may see changed (a desk under a ticket view waits for
        its resume)."""
        if changes and self.is_current:
            self.load()

    # ------------------------------------------------------------------ actions
    def action_view(self, which: str) -> None:
        if which in VIEWS and which != self.which:
            self.which = which
            self.items = []
            self.query_one("#desk-tabs", Static).update(self._tabs())
            self.query_one("#desk-table", DataTable).clear()
        self.load()

    def action_reload(self) -> None:
        self.load()

    def action_open(self) -> None:
        item = self.selected
        if item is not None:
            self.app.open_ticket(item.ticket.number)  # type: ignore[attr-defined]

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def _open_item(self) -> DeskItemView | None:
        item = self.selected
        if item is None:
            self.notify("请先选中一件企业诉求", severity="warning", markup=False)
            return None
        if item.assignment == "closed":
            self.notify("该跟进已结束", severity="warning", markup=False)
            return None
        return item

    def action_claim(self) -> None:
        item = self._open_item()
        if item is not None:
            self.claim(item.ticket.number)

    @work(thread=True, exclusive=True, group="desk-act", exit_on_error=False)
    def claim(self, number: str) -> None:
        try:
            self.backend.claim_enterprise(number)
        except HotlineError as err:
            self.app.call_from_thread(self._error, err)
            return
        self.app.call_from_thread(self._done, f"已认领 {number}，由您一对一跟进")

    def action_follow(self) -> None:
        item = self._open_item()
        if item is None:
            return
        number = item.ticket.number

        def entered(note: str | None) -> None:
            if note:
                self.follow(number, note)

        self.app.push_screen(
            PromptDialog(
                f"跟进 {number}",
                placeholder="为企业做了什么：联系情况、推送的政策、协调的部门……",
                note=Text("记入工单时间线（R-ENTERPRISE）"),
            ),
            entered,
        )

    @work(thread=True, exclusive=True, group="desk-act", exit_on_error=False)
    def follow(self, number: str, note: str) -> None:
        try:
            self.backend.follow_enterprise(number, note)
        except HotlineError as err:
            self.app.call_from_thread(self._error, err)
            return
        self.app.call_from_thread(self._done, f"已记录跟进 {number}")

    def action_assign(self) -> None:
        item = self._open_item()
        if item is not None:
            self.pick_specialist(item)

    @work(thread=True, exclusive=True, group="desk-act", exit_on_error=False)
    def pick_specialist(self, item: DeskItemView) -> None:
        try:
            found = list(self.backend.specialists())
        except HotlineError as err:
            self.app.call_from_thread(self._error, err)
            return
        self.app.call_from_thread(self._choose, item, found)

    def _choose(self, item: DeskItemView, found: list[SpecialistView]) -> None:
        number = item.ticket.number
        candidates = [s for s in found if s.id != item.specialist_id]
        if not candidates:
            self.notify("名册中没有其他政策专员（由管理部门登记）", severity="warning",
                        markup=False)  # fmt: skip
            return
        rows = []
        for s in candidates:
            line = Text.assemble((s.name, "bold"), "  ")
            line.append_text(literal(s.unit_name))
            line.append(
                "  在班" if s.on_duty else "  不在班", style="green" if s.on_duty else "dim"
            )
            line.append(f"  跟进中 {s.live} 件", style="dim")
            if s.desk_lead:
                line.append("  专席负责人", style="cyan")
            rows.append((s.id, line))
        verb = "改派" if item.assignment == "live" else "分配"
        body = Text(f"把 {number} {verb}给：", style="bold")
        if item.assignment == "live":
            body.append("（现由 ")
            body.append_text(literal(item.specialist_name))
            body.append(" 跟进）")

        def picked(result: tuple[str, str] | None) -> None:
            if result is None:
                return

            def reasoned(reason: str | None) -> None:
                if reason:
                    self.assign(number, result[0], reason)

            self.app.push_screen(
                PromptDialog(f"{verb}理由", placeholder="如：该专员熟悉外贸政策"), reasoned
            )

        self.app.push_screen(
            ChoiceDialog(
                f"{verb}政策专员",
                body,
                rows,
                filterable=True,
                filter_hint="输入姓名或单位筛选，↓ 到列表",
            ),
            picked,
        )

    @work(thread=True, exclusive=True, group="desk-act", exit_on_error=False)
    def assign(self, number: str, specialist_id: str, reason: str) -> None:
        try:
            self.backend.assign_specialist(number, specialist_id, reason)
        except HotlineError as err:
            self.app.call_from_thread(self._error, err)
            return
        self.app.call_from_thread(self._done, f"已为 {number} 指定政策专员")

    def _error(self, err: HotlineError) -> None:
        if self.lost_connection(err):
            return
        said = told(err)
        self.notify(said, severity="error", markup=False)
        self.query_one("#desk-status", Static).update(Text(said, style="bold red"))
