"""The expert's queue (专家队列, R-EXPERT, R-CONSULT, R-KB): consultations handed to this
expert and to its fields' queue, the soonest due first, each with the time left on its
R-CONSULT clock (24 hours from the hand-off).

Enter opens the consultation with the operator's context — the caller's words (literal), the
field and why routing suggested it, the articles the operator already tried, the checklist,
how the caller agreed to be answered. There ``A`` answers (recorded on the ticket, sent to the
caller through the outbox, the ticket closes as answered) and ``K`` turns the answer into a
draft article of the expert's unit, which operators read as a draft until that unit verifies
it; the expert's opening of a consultation takes it (接手: its queue wait ends, the expert
measures). A rostered expert seat lands here (F1 on its navigation bar); shift leads and the
manager open it from the command palette.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from console.errors import HotlineError
from console.screens.field_labels import told
from console.screens.on_backend import ListedScreen, OnBackend, ReportsWorkerErrors
from console.services.clock import SHANGHAI
from console.services.values import REPLY_CHANNELS, Role
from console.services.views import EXPERT_QUEUE_ACTIONS, ExpertHandoffView
from console.widgets.banner import ConnectionBanner, DrillBanner
from console.widgets.dialogs import PromptDialog
from console.widgets.footer import KeyFooter
from console.widgets.nav import NavBar
from console.widgets.safe import literal, one_line

if TYPE_CHECKING:
    from collections.abc import Sequence

    from console.services.views import TicketChange

RELOAD_S = 10.0


def time_left(due: dt.datetime, now: dt.datetime) -> Text:
    """The time left on the R-CONSULT clock: red once past, yellow in its last two hours."""
    left = due - now
    if left.total_seconds() <= 0:
        over = -left
        return Text(f"已超时 {int(over.total_seconds() // 3600)}小时"
                    f"{int(over.total_seconds() % 3600 // 60)}分", style="bold red")  # fmt: skip
    hours, minutes = int(left.total_seconds() // 3600), int(left.total_seconds() % 3600 // 60)
    style = "bold yellow" if left <= dt.timedelta(hours=2) else ""
    return Text(f"剩 {hours}小时{minutes:02d}分", style=style)


def context_text(h: ExpertHandoffView, now: dt.datetime | None = None) -> Text:
    """The consultation as the operator handed it over: every piece of the caller's or the
    operator's text literal (markup off)."""
    out = Text.assemble(("工单 ", "bold"), (h.number, "bold reverse"), "  ")
    out.append(f"{h.domain.label}", style="dim")
    if h.matter_type:
        out.append(" · ")
        out.append_text(literal(h.matter_type))
    out.append("\n来电人：", style="bold")
    out.append(h.caller_masked or "（未留号码）")
    out.append(f"  同意以{REPLY_CHANNELS.get(h.channel, h.channel)}答复（R-CONSULT）")
    out.append("\n诉求（来电人原话）：\n", style="bold")
    out.append_text(literal(h.text))
    out.append("\n\n领域：", style="bold")
    out.append_text(literal(h.field_label))
    out.append("  转给：")
    out.append_text(literal(h.expert_name or f"{h.field_label}专家队列"))
    if h.reasons:
        out.append("\n建议理由：", style="bold")
        out.append_text(literal("；".join(h.reasons)))
    out.append("\n话务员已查看的知识：", style="bold")
    if h.tried:
        for line in h.tried:
            out.append("\n  · ")
            out.append_text(literal(one_line(line, 80)))
    else:
        out.append("（无）", style="dim")
    if h.ground:
        out.append("\n不予受理检查表：", style="bold")
        out.append_text(literal(h.ground))
    if h.note:
        out.append("\n话务员备注：", style="bold")
        out.append_text(literal(h.note))
    out.append(f"\n转交：{h.handed_by} {h.handed_at.astimezone(SHANGHAI):%m-%d %H:%M}", style="dim")
    out.append(f"  答复时限：{h.due_at.astimezone(SHANGHAI):%m-%d %H:%M}（R-CONSULT）", style="dim")
    if now is not None and h.state == "open":
        out.append("  ")
        out.append_text(time_left(h.due_at, now))
    if h.state == "answered":
        out.append("\n\n专家答复：", style="bold green")
        out.append_text(literal(h.answer))
        if h.basis:
            out.append("\n依据：", style="bold")
            out.append_text(literal(h.basis))
        if h.article_id:
            out.append(f"\n已整理为知识 {h.article_id}（待责任单位核实，R-KB）", style="green")
    return out


class ExpertQueueScreen(ListedScreen, Screen[None]):
    """The consultations handed to this expert and its fields, the soonest due first."""

    STATUS = "handoffs-status"
    CSS_PATH = "expert_queue.tcss"
    TITLE = "专家队列"
    BINDINGS = [
        Binding("enter", "open", "打开", id="handoffs.open", tooltip="打开咨询及话务员转来的情况"),
        Binding("r", "reload", "刷新", id="handoffs.reload"),
        Binding("escape", "back", "返回", id="handoffs.back"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.handoffs: list[ExpertHandoffView] = []
        self.now: dt.datetime | None = None

    def compose(self) -> ComposeResult:
        yield NavBar()
        yield DrillBanner()
        yield ConnectionBanner()
        table: DataTable[Text] = DataTable(
            id="handoffs-table", cursor_type="row", zebra_stripes=True
        )
        table.add_columns("剩余时间", "工单号", "领域", "转给", "诉求")
        yield table
        yield Static("", id="handoffs-detail", markup=False)
        yield Static(Text("载入中…", style="dim"), id="handoffs-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#handoffs-table", DataTable).focus()
        self.load()
        self.set_interval(RELOAD_S, self.load)
        if hasattr(self.app, "live_listeners"):
            self.app.live_listeners.add(self)

    def on_live_changes(self, changes: Sequence[TicketChange]) -> None:
        """Pushed: a consultation handed to an expert, answered or taken elsewhere — the
        queue again at once, not at its next reload (R-EXPERT)."""
        if self.is_current and any(c.action in EXPERT_QUEUE_ACTIONS for c in changes):
            self.load()

    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="handoffs-load", exit_on_error=False)
    def load(self) -> None:
        backend = self.backend
        if backend is None:
            return
        try:
            found = list(backend.expert_queue())
            now = backend.now()
        except HotlineError as err:
            self.app.call_from_thread(self._failed, err)
            return
        self.deliver(self._show, found, now)

    def _show(self, found: list[ExpertHandoffView], now: dt.datetime) -> None:
        if not self.is_mounted:
            return
        self.handoffs, self.now = found, now
        table = self.query_one("#handoffs-table", DataTable)
        row = table.cursor_row
        table.clear()
        for h in found:
            table.add_row(
                time_left(h.due_at, now),
                Text(h.number),
                literal(one_line(h.field_label, 12)),
                literal(one_line(h.expert_name or "领域队列", 8)),
                literal(one_line(h.text, 40)),
                key=h.number,
            )
        if found:
            table.move_cursor(row=min(row, len(found) - 1))
        status = Text(f"待答复 {len(found)} 件", style="bold")
        status.append(f"  更新于 {now.astimezone(SHANGHAI):%H:%M:%S}", style="dim")
        if not found:
            status.append("  （没有转给您或您擅长领域的咨询）", style="dim")
        self.query_one("#handoffs-status", Static).update(status)
        self._show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row (the table takes Enter before the screen's binding)."""
        event.stop()
        self.action_open()

    @property
    def selected(self) -> ExpertHandoffView | None:
        table = self.query_one("#handoffs-table", DataTable)
        if not self.handoffs or table.cursor_row < 0 or table.cursor_row >= len(self.handoffs):
            return None
        return self.handoffs[table.cursor_row]

    def _show_detail(self) -> None:
        h = self.selected
        detail = self.query_one("#handoffs-detail", Static)
        detail.update(context_text(h, self.now) if h is not None else Text(""))

    def action_open(self) -> None:
        h = self.selected
        if h is not None:
            self.app.push_screen(ConsultationScreen(h))

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()


class ConsultationScreen(OnBackend, ReportsWorkerErrors, Screen[None]):
    """One consultation handed to the expert: the operator's context, the answer, its capture."""

    CSS_PATH = "expert_queue.tcss"
    TITLE = "转来的咨询"
    BINDINGS = [
        Binding("a", "answer", "答复", id="consultation.answer",
                tooltip="答复来电人：记入工单，经短信或回电告知，工单办结（R-CONSULT）"),
        Binding("k", "capture", "整理为知识", id="consultation.capture",
                tooltip="把答复整理为本单位的知识草稿，待责任单位核实（R-KB）"),
        Binding("escape", "back", "返回", id="consultation.back"),
    ]  # fmt: skip

    def __init__(self, handoff: ExpertHandoffView) -> None:
        super().__init__()
        self.handoff = handoff

    def compose(self) -> ComposeResult:
        yield NavBar()
        yield DrillBanner()
        yield ConnectionBanner()
        yield Static(context_text(self.handoff), id="consultation-body", markup=False)
        yield Static(Text(""), id="consultation-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.refresh_handoff()

    @work(thread=True, exclusive=True, group="consultation-read", exit_on_error=False)
    def refresh_handoff(self) -> None:
        """Read the hand-off afresh: an expert opening it takes it (接手), and the answer goes
        with the ticket's version as it is now."""
        number = self.handoff.number
        try:
            if self.app.actor.role is Role.EXPERT:  # type: ignore[attr-defined]
                fresh = self.backend.take_handoff(number)
            else:
                fresh = self.backend.expert_handoff(number)
        except HotlineError as err:
            self.app.call_from_thread(self._error, err)
            return
        self.app.call_from_thread(self._fresh, fresh)

    def _fresh(self, handoff: ExpertHandoffView) -> None:
        self.handoff = handoff
        self.query_one("#consultation-body", Static).update(context_text(handoff))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer":
            return self.handoff.state == "open"
        if action == "capture":
            return self.handoff.state == "answered" and not self.handoff.article_id
        return True

    def _set(self, handoff: ExpertHandoffView, message: str) -> None:
        self.handoff = handoff
        self.query_one("#consultation-body", Static).update(context_text(handoff))
        self.query_one("#consultation-status", Static).update(Text(message, style="bold green"))
        self.refresh_bindings()
        self.notify(message, markup=False)

    def _error(self, err: HotlineError) -> None:
        self.lost_connection(err)
        self.query_one("#consultation-status", Static).update(Text(told(err), style="bold red"))

    def action_answer(self) -> None:
        def answered(text: str | None) -> None:
            if not text:
                return

            def cited(basis: str | None) -> None:
                if basis is not None:
                    self.send_answer(text, basis)

            self.app.push_screen(
                PromptDialog("答复依据（可不填）", placeholder="政策、法规条文", required=False),
                cited,
            )

        note = Text("答复将记入工单，并按来电人同意的方式告知来电人；工单随即办结（R-CONSULT）")
        self.app.push_screen(
            PromptDialog("答复来电人", placeholder="答复内容", note=note), answered
        )

    @work(thread=True, exclusive=True, group="consultation", exit_on_error=False)
    def send_answer(self, answer: str, basis: str) -> None:
        h = self.handoff
        try:
            self.backend.answer_consultation(h.number, answer, basis, h.version or None)
            fresh = self.backend.expert_handoff(h.number)
        except HotlineError as err:
            self.app.call_from_thread(self._error, err)
            return
        self.app.call_from_thread(self._set, fresh, f"已答复，工单 {h.number} 办结")

    def action_capture(self) -> None:
        def entered(question: str | None) -> None:
            if question:
                self.capture(question)

        note = Text("用中性的话写来电人问的事项（知识标题），答复与依据取自您的答复；"
                    "责任单位核实前，话务员看到的是草稿（R-KB）")  # fmt: skip
        self.app.push_screen(
            PromptDialog("整理为知识草稿", placeholder="如：退休后个人账户余额能否一次性提取",
                         note=note),
            entered,
        )  # fmt: skip

    @work(thread=True, exclusive=True, group="consultation", exit_on_error=False)
    def capture(self, question: str) -> None:
        h = self.handoff
        try:
            article_id = self.backend.capture_article(h.number, question)
            fresh = self.backend.expert_handoff(h.number)
        except HotlineError as err:
            self.app.call_from_thread(self._error, err)
            return
        self.app.call_from_thread(self._set, fresh, f"已生成知识草稿 {article_id}，待责任单位核实")

    def action_back(self) -> None:
        self.app.pop_screen()
