"""Pre-filed scopes (报备, R-PREFILING) for a unit clerk and the manager.

A unit clerk sees the unit's scopes and their states, files a new one (N, a form) and withdraws
a pending or active one (W, with a reason). The manager (省优化办) sees every unit's, the
pending ones first, and approves (A) or sends one back with the reason (X). Only an approved
scope within its dates is matched at intake.

Opened from the work queues (B), beside knowledge upkeep (K); Esc goes back.
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
from console.screens.on_backend import ListedScreen
from console.screens.prefiling_form import FileScopeDialog
from console.services.clock import SHANGHAI
from console.services.values import Role
from console.services.views import PrefilingScopeView
from console.widgets.banner import ConnectionBanner, DrillBanner
from console.widgets.dialogs import PromptDialog
from console.widgets.footer import KeyFooter
from console.widgets.nav import NavBar
from console.widgets.safe import clean, literal, one_line

STATE_STYLES = {
    "pending": "bold yellow",
    "approved": "green",
    "rejected": "red",
    "withdrawn": "dim",
}


def _when(moment: dt.datetime | None) -> str:
    return f"{moment.astimezone(SHANGHAI):%m-%d %H:%M}" if moment else "—"


class PrefilingScreen(ListedScreen, Screen[None]):
    """The seat's pre-filed scopes: its unit's (clerk) or every unit's (manager)."""

    BANNER = "prefiling-banner"

    CSS_PATH = "prefiling.tcss"
    TITLE = "报备"
    BINDINGS = [
        Binding("escape", "back", "返回", id="prefiling.back"),
        Binding("r", "reload", "刷新", id="prefiling.reload"),
        Binding("n", "file", "新报备", id="prefiling.file", tooltip="为本单位提前报备（待审核）"),
        Binding(
            "w", "withdraw", "撤回", id="prefiling.withdraw", tooltip="撤回所选报备（须写原因）"
        ),
        Binding("a", "review(True)", "通过", id="prefiling.approve", tooltip="所选报备审核通过"),
        Binding(
            "x", "review(False)", "退回", id="prefiling.reject", tooltip="退回所选报备（须写理由）"
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.scopes: list[PrefilingScopeView] = []
        self.loaded_at: dt.datetime | None = None

    @property
    def manager(self) -> bool:
        return self.backend.actor.role is Role.MANAGER

    def compose(self) -> ComposeResult:
        yield NavBar()
        yield DrillBanner()
        yield ConnectionBanner()
        yield Static("", id="prefiling-banner", markup=False)
        table: DataTable[Text] = DataTable(
            id="prefiling-table", cursor_type="row", zebra_stripes=True
        )
        table.add_columns("状态", "标题", "期限", "区域", "事由", "单位")
        yield table
        yield Static("", id="prefiling-detail", markup=False)
        yield Static(Text("载入中…", style="dim"), id="prefiling-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#prefiling-banner").display = False
        self.query_one("#prefiling-table", DataTable).focus()
        self.load()
        if hasattr(self.app, "connection_ok"):
            self.watch(self.app, "connection_ok", self._connection_changed, init=False)

    def _connection_changed(self, ok: bool) -> None:
        if ok:
            self.load()

    # ------------------------------------------------------------------ loading
    @work(thread=True, exclusive=True, group="prefiling-load", exit_on_error=False)
    def load(self) -> None:
        backend = self.backend
        try:
            scopes = list(backend.prefiling_scopes())
            now = backend.now()
        except HotlineError as err:
            self.app.call_from_thread(self._failed, err)
            return
        self.deliver(self._show, scopes, now)

    def _show(self, scopes: list[PrefilingScopeView], now: dt.datetime) -> None:
        if not self.is_mounted:
            return
        self.query_one("#prefiling-banner").display = False
        self.scopes, self.loaded_at = scopes, now
        table = self.query_one("#prefiling-table", DataTable)
        row = table.cursor_row
        table.clear()
        for s in scopes:
            state = s.state_label + ("·生效中" if s.current else "")
            table.add_row(
                Text(state, style=STATE_STYLES.get(s.state, "")),
                literal(one_line(s.title, 18)),
                Text(f"{_when(s.starts)}–{_when(s.ends)}"),
                literal(one_line(s.region or "全省", 8)),
                Text(s.reason_label),
                literal(one_line(s.unit_name, 12)),
                key=s.id,
            )
        if scopes:
            table.move_cursor(row=min(row, len(scopes) - 1))
        self._show_detail()
        pending = sum(1 for s in scopes if s.state == "pending")
        summary = Text(f"报备 {len(scopes)} 条", style="bold")
        summary.append(f"  待审核 {pending} 条", style="bold yellow" if pending else "")
        summary.append(f"  更新于 {now.astimezone(SHANGHAI):%H:%M:%S}", style="dim")
        self.query_one("#prefiling-status", Static).update(summary)
        self.refresh_bindings()

    @on(DataTable.RowHighlighted, "#prefiling-table")
    def _show_detail(self) -> None:
        detail = self.query_one("#prefiling-detail", Static)
        s = self.selected
        if s is None:
            hint = "没有报备" + ("" if self.manager else "；按 N 新报备")
            detail.update(Text(hint, style="dim"))
            return
        text = Text.assemble(("答复口径：", "bold"))
        text.append_text(literal(s.explanation))
        text.append("\n关键词：", style="bold")
        text.append_text(literal("、".join(s.keywords)))
        text.append(f"\n{s.id} · {clean(s.filed_by)} 报备于 {_when(s.filed_at)}", style="dim")
        if s.reviewed_at is not None:
            text.append(
                f"\n{clean(s.reviewed_by)} 审核（{s.state_label}）于 {_when(s.reviewed_at)}"
            )
            if s.review_note:
                text.append("：")
                text.append_text(literal(s.review_note))
        if s.withdrawn_at is not None:
            text.append(f"\n{clean(s.withdrawn_by)} 撤回于 {_when(s.withdrawn_at)}：")
            text.append_text(literal(s.withdraw_reason))
        detail.update(text)

    # ------------------------------------------------------------------ selection
    @property
    def selected(self) -> PrefilingScopeView | None:
        if not self.scopes:
            return None
        table = self.query_one("#prefiling-table", DataTable)
        if table.row_count == 0:
            return None
        return self.scopes[min(table.cursor_row, len(self.scopes) - 1)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "file":
            return not self.manager
        if action == "withdraw":
            if self.manager:
                return False
            s = self.selected
            if s is None or s.state not in ("pending", "approved"):
                return None
            return True if self.loaded_at is None or s.ends > self.loaded_at else None
        if action == "review":
            if not self.manager:
                return False
            s = self.selected
            return True if s is not None and s.state == "pending" else None
        return True

    # ------------------------------------------------------------------ actions
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.load()

    def action_file(self) -> None:
        def filed(scope_id: str | None) -> None:
            if scope_id:
                self.notify(f"已报备 {scope_id}，待管理部门审核", markup=False)
                self.load()

        self.app.push_screen(FileScopeDialog(self.loaded_at or self.backend.now()), filed)

    def _about(self, s: PrefilingScopeView, line: str) -> Text:
        note = Text.assemble((f"{s.unit_name}：", "bold"))
        note.append_text(literal(one_line(s.title, 60)))
        note.append(f"\n{line}", style="dim")
        return note

    def action_withdraw(self) -> None:
        s = self.selected
        if s is None:
            return

        def entered(value: str | None) -> None:
            if value is not None:
                self.command("withdraw", s.id, False, value)

        note = self._about(s, "撤回后来电不再按此报备答复（R-PREFILING）")
        self.app.push_screen(
            PromptDialog("撤回报备", placeholder="写明撤回原因", note=note), entered
        )

    def action_review(self, approve: bool) -> None:
        s = self.selected
        if s is None:
            return

        def entered(value: str | None) -> None:
            if value is not None:
                self.command("review", s.id, approve, value)

        if approve:
            note = self._about(s, "通过后来电落在范围内由话务员按报备答复（R-PREFILING）")
            dialog = PromptDialog(
                "审核通过报备", placeholder="审核意见（可不写）", note=note, required=False
            )
        else:
            note = self._about(s, "退回须写理由，报备单位可见（R-PREFILING）")
            dialog = PromptDialog("退回报备", placeholder="写明退回理由", note=note)
        self.app.push_screen(dialog, entered)

    @work(thread=True, exclusive=True, group="prefiling-command", exit_on_error=False)
    def command(self, kind: str, scope_id: str, approve: bool, text: str) -> None:
        try:
            if kind == "withdraw":
                self.backend.withdraw_prefiling(scope_id, text)
                done = "已撤回"
            else:
                self.backend.review_prefiling(scope_id, approve, text)
                done = "已通过" if approve else "已退回"
        except HotlineError as err:
            self.app.call_from_thread(self._failed, err)
            return
        self.app.call_from_thread(self.notify, f"报备 {scope_id} {done}", markup=False)
        self.app.call_from_thread(self.load)

    # ------------------------------------------------------------------ failures
    def has_rows(self) -> bool:
        return bool(self.scopes)
