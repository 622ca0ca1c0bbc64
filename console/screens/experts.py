"""The expert roster (专家座席, R-EXPERT) in the console: who covers what, and who is on duty.

Every seat reads it (a unit clerk its own unit's experts): those on duty now first, each with
the unit, the fields covered and the shifts; F filters by a field (a domain such as 社会管理 or
a matter type such as 公交线路与站点 — experts of the matter's domain are listed too), O keeps
those on duty. The manager (省优化办) puts an expert on the roster (N, a form) and retires one
(X, with the reason); edits are `hotline expert edit` or the API.

Opened from the command palette (every seat), the knowledge screen (F7) and the work queues
(E); Esc goes back.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from console.errors import HotlineError
from console.screens.expert_form import AddExpertDialog
from console.screens.on_backend import ListedScreen
from console.services.clock import SHANGHAI
from console.services.values import Role
from console.services.views import ExpertView
from console.widgets.banner import ConnectionBanner, DrillBanner
from console.widgets.dialogs import PromptDialog
from console.widgets.footer import KeyFooter
from console.widgets.nav import NavBar
from console.widgets.safe import clean, literal, one_line


def _day(moment: dt.datetime | None) -> str:
    return f"{moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" if moment else "—"


class ExpertRosterScreen(ListedScreen, Screen[None]):
    """The roster: every unit's experts (a unit clerk: its own unit's), on duty first."""

    BANNER = "experts-banner"

    CSS_PATH = "experts.tcss"
    TITLE = "专家名册"
    BINDINGS = [
        Binding("escape", "back", "返回", id="experts.back"),
        Binding("r", "reload", "刷新", id="experts.reload"),
        Binding("f", "filter", "按领域", id="experts.filter", tooltip="只看擅长某领域或事项类型的专家"),
        Binding("o", "on_duty", "只看在班", id="experts.on_duty", tooltip="只看此刻在班的专家"),
        Binding("n", "add", "列入名册", id="experts.add", tooltip="把单位专家列入名册（管理部门）"),
        Binding("x", "retire", "退出名册", id="experts.retire", tooltip="让所选专家退出名册（须写原因）"),
    ]  # fmt: skip

    def __init__(self, field: str = "") -> None:
        super().__init__()
        self.experts: list[ExpertView] = []
        self.field = field
        self.on_duty_only = False

    @property
    def manager(self) -> bool:
        return self.backend.actor.role is Role.MANAGER

    def compose(self) -> ComposeResult:
        yield NavBar()
        yield DrillBanner()
        yield ConnectionBanner()
        yield Static("", id="experts-banner", markup=False)
        table: DataTable[Text] = DataTable(
            id="experts-table", cursor_type="row", zebra_stripes=True
        )
        table.add_columns("在班", "姓名", "单位", "擅长领域", "值班时间")
        yield table
        yield Static("", id="experts-detail", markup=False)
        yield Static(Text("载入中…", style="dim"), id="experts-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#experts-banner").display = False
        self.query_one("#experts-table", DataTable).focus()
        self.load()
        if hasattr(self.app, "connection_ok"):
            self.watch(self.app, "connection_ok", self._connection_changed, init=False)

    def _connection_changed(self, ok: bool) -> None:
        if ok:
            self.load()

    # ------------------------------------------------------------------ loading
    @work(thread=True, exclusive=True, group="experts-load", exit_on_error=False)
    def load(self) -> None:
        backend = self.backend
        try:
            found = list(backend.experts(self.field or None, self.on_duty_only))
            now = backend.now()
        except HotlineError as err:
            self.app.call_from_thread(self._failed, err)
            return
        self.deliver(self._show, found, now)

    def _show(self, found: list[ExpertView], now: dt.datetime) -> None:
        if not self.is_mounted:
            return
        self.query_one("#experts-banner").display = False
        self.experts = found
        table = self.query_one("#experts-table", DataTable)
        row = table.cursor_row
        table.clear()
        for v in found:
            table.add_row(
                Text("在班", style="bold green") if v.on_duty else Text("—", style="dim"),
                literal(one_line(v.name if v.kind == "expert" else f"{v.name}·政", 10)),
                literal(one_line(v.unit_name, 14)),
                literal(one_line("、".join(v.field_labels), 24)),
                literal(one_line("；".join(v.shift_labels), 34)),
                key=v.id,
            )
        if found:
            table.move_cursor(row=min(row, len(found) - 1))
        self._show_detail()
        on_duty = sum(1 for v in found if v.on_duty)
        summary = Text(f"专家 {len(found)} 人", style="bold")
        summary.append(f"  此刻在班 {on_duty} 人", style="bold green" if on_duty else "")
        if self.field:
            summary.append("  领域：")
            summary.append_text(literal(one_line(self.field, 20)))
        if self.on_duty_only:
            summary.append("  只看在班")
        summary.append(f"  更新于 {now.astimezone(SHANGHAI):%H:%M:%S}", style="dim")
        self.query_one("#experts-status", Static).update(summary)
        self.refresh_bindings()

    @on(DataTable.RowHighlighted, "#experts-table")
    def _show_detail(self) -> None:
        detail = self.query_one("#experts-detail", Static)
        v = self.selected
        if v is None:
            hint = "没有符合条件的专家" + ("；按 N 列入名册" if self.manager else "")
            detail.update(Text(hint, style="dim"))
            return
        text = Text.assemble((f"{v.name}", "bold"), f"（{v.unit_name}）  ")
        text.append("在班" if v.on_duty else "不在班", style="green" if v.on_duty else "dim")
        if v.kind != "expert":  # a policy specialist of the 政企通 desk (R-ENTERPRISE)
            text.append(f"  {v.kind_label}", style="cyan")
            if v.desk_lead:
                text.append("（专席负责人）", style="cyan")
        text.append("\n擅长：", style="bold")
        text.append_text(literal("、".join(v.field_labels)))
        text.append("\n值班：", style="bold")
        text.append_text(literal("；".join(v.shift_labels)))
        if v.phone:
            text.append("\n值班电话：", style="bold")
            text.append_text(literal(v.phone))
        if v.seat:
            text.append("  坐席：", style="bold")
            text.append_text(literal(v.seat))
        if v.note:
            text.append("\n备注：", style="bold")
            text.append_text(literal(v.note))
        text.append(f"\n{v.id} · {clean(v.added_by)} 列入于 {_day(v.added_at)}", style="dim")
        if v.changed_at is not None:
            text.append(f" · {clean(v.changed_by)} 修改于 {_day(v.changed_at)}", style="dim")
        detail.update(text)

    # ------------------------------------------------------------------ selection
    @property
    def selected(self) -> ExpertView | None:
        if not self.experts:
            return None
        table = self.query_one("#experts-table", DataTable)
        if table.row_count == 0:
            return None
        return self.experts[min(table.cursor_row, len(self.experts) - 1)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "add":
            return self.manager
        if action == "retire":
            if not self.manager:
                return False
            return True if self.selected is not None else None
        return True

    # ------------------------------------------------------------------ actions
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.load()

    def action_on_duty(self) -> None:
        self.on_duty_only = not self.on_duty_only
        self.load()

    def action_filter(self) -> None:
        def entered(value: str | None) -> None:
            if value is not None:
                self.field = " ".join(value.split())
                self.load()

        note = Text("写领域（如 社会管理）或事项类型（如 公交线路与站点）；留空看全部", style="dim")
        self.app.push_screen(
            PromptDialog("按擅长领域查找专家", placeholder="领域或事项类型", value=self.field,
                         note=note, required=False),
            entered,
        )  # fmt: skip

    def action_add(self) -> None:
        def added(expert_id: str | None) -> None:
            if expert_id:
                self.notify(f"已列入名册 {expert_id}", markup=False)
                self.load()

        self.app.push_screen(AddExpertDialog(), added)

    def action_retire(self) -> None:
        v = self.selected
        if v is None:
            return

        def entered(value: str | None) -> None:
            if value is not None:
                self.retire(v.id, value)

        note = Text.assemble((f"{v.unit_name}：{v.name}", "bold"))
        note.append("\n退出后不再在班，名册中仍可查到（R-EXPERT）", style="dim")
        self.app.push_screen(
            PromptDialog("专家退出名册", placeholder="写明原因，如：调离原单位", note=note), entered
        )

    @work(thread=True, exclusive=True, group="experts-command", exit_on_error=False)
    def retire(self, expert_id: str, reason: str) -> None:
        try:
            self.backend.retire_expert(expert_id, reason)
        except HotlineError as err:
            self.app.call_from_thread(self._failed, err)
            return
        self.app.call_from_thread(self.notify, f"专家 {expert_id} 已退出名册", markup=False)
        self.app.call_from_thread(self.load)

    # ------------------------------------------------------------------ failures
    def has_rows(self) -> bool:
        return bool(self.experts)
