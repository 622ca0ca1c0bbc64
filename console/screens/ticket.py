"""Ticket view (工单详情): header, caller's words, timeline, clocks and the actions allowed now.

Every action of the workflow has a key. The actions this seat's role may take appear in the
footer and in the actions panel: enabled when allowed now, greyed with the reason (naming the
rule, R-…) when not; pressing a greyed key shows that reason. An action opens its dialog
(console.screens.actions); on success the ticket is read again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, VerticalScroll
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from console.errors import HotlineError, NotFound, PermissionDenied, Unavailable
from console.screens.actions import ActionContext, dialog_for
from console.screens.field_labels import told
from console.services.values import (
    HOT_READERS,
    MERGE_ROLES,
    SUPERVISION_GROUNDS,
    SUPERVISION_METHODS,
    Role,
    Satisfaction,
    Special,
    State,
)
from console.services.views import (
    ActionView,
    ClockView,
    ContactView,
    HotGroupView,
    SupervisionView,
    TicketView,
    UnitView,
)
from console.widgets.banner import ConnectionBanner, DrillBanner
from console.widgets.deadline import SHANGHAI, due_label, remaining_text
from console.widgets.dialogs import InfoDialog, PromptDialog
from console.widgets.footer import KeyFooter
from console.widgets.nav import NavBar
from console.widgets.notifications import NotificationList
from console.widgets.paragraph import Paragraph
from console.widgets.safe import clean, literal
from console.widgets.timeline import Timeline

RETRY_SECONDS = 3.0
REFRESH_SECONDS = 30.0
OUTAGE = "数据库/服务器连接中断，正在重试…"

# Every workflow action (console.services.tickets.workflow.ACTIONS and SUPERVISION_ACTIONS) and its
# key. Actions of different roles on the same matter share a key: a clerk's 退回 and the
# manager's 审核退回; the manager's 督办 and the supervised clerk's 督办说明.
ACTION_KEYS: dict[str, tuple[str, str]] = {
    "sign": ("s", "签收"),
    "return": ("t", "退回"),
    "review_return": ("t", "审核退回"),
    "request_completion": ("c", "申请办结"),
    "review_completion": ("c", "审核办结"),
    "request_extension": ("e", "申请延期"),
    "review_extension": ("e", "审核延期"),
    "request_termination": ("z", "终结备案"),
    "review_termination": ("z", "审核终结"),
    "first_response": ("x", "初步响应"),
    "report_progress": ("j", "进度反馈"),
    "designate_lead": ("l", "指定牵头"),
    "dispatch": ("p", "派单"),
    "record_callback": ("k", "登记回访"),
    "decide_dissatisfied": ("d", "处理不满意"),
    "open_supervision": ("u", "督办"),
    "reply_supervision": ("u", "督办说明"),
    "extend_supervision": ("y", "督办延期"),
    "close_supervision": ("b", "督办办结"),
    "answer_callback": ("h", "回复来电人"),
    "report_co_part": ("w", "协办反馈"),
    "urge": ("g", "催办"),
    "mark_law_case": ("f", "认定调解/执法类"),
    "withdraw_law_case": ("f", "撤销调解/执法类认定"),
}

CONTACT_ROLES = frozenset(
    {
        Role.UNIT_CLERK,
        Role.OPERATOR,
        Role.EXPERT,
        Role.ENTERPRISE_DESK,
        Role.SHIFT_LEAD,
        Role.SUBCENTRE_OPERATOR,
        Role.MANAGER,
    }
)
"""Seats that may have to reach a caller (the store decides, audits and refuses per ticket)."""

SUPERVISION_STATES = {"open": "督办中", "replied": "已书面说明", "closed": "已办结"}


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _satisfaction(value: str) -> str:
    try:
        return Satisfaction(value).label
    except ValueError:
        return value


def _tag(text: str, style: str) -> Text:
    return Text(f" {text} ", style=style)


def header_text(view: TicketView, unit_names: Mapping[str, str]) -> Text:
    """Number, kind, domain, state and flags; units; caller; counters."""
    out = Text(end="")
    out.append(f"工单 {view.number}", style="bold")
    out.append(f"  {view.kind.label} · {view.domain.label}", style="")
    if view.matter_type:
        out.append(" · ")
        out.append_text(literal(view.matter_type))
    out.append("  ")
    out.append(view.state_label, style="bold cyan")
    if view.special is Special.URGENT:
        out.append("  ")
        out.append_text(_tag(view.special.label, "bold white on red"))
    elif view.special is Special.SPECIAL:
        out.append("  ")
        out.append_text(_tag(view.special.label, "bold black on yellow"))
    if view.complex:
        out.append("  ")
        out.append_text(_tag("疑难复杂", "bold white on magenta"))
    if view.overdue:
        out.append("  ")
        out.append_text(_tag("已超期", "bold white on red"))
    if view.late_reply:
        out.append("  ")
        out.append_text(_tag("未按时回复", "bold white on red"))
    if view.merged_into:
        out.append("  ")
        out.append_text(_tag(f"已并入 {clean(view.merged_into)}", "bold black on cyan"))
    if view.merged:
        out.append("  并入：", style="dim")
        out.append(clean("、".join(view.merged)))
    if view.pending:
        label = {"extension": "延期申请待审核", "termination": "终结申请待审核"}.get(
            view.pending, view.pending
        )
        out.append("  ")
        out.append_text(_tag(label, "bold black on cyan"))

    out.append("\n承办单位：", style="dim")
    out.append(clean(unit_names.get(view.unit_id, view.unit_id)) if view.unit_id else "（未派单）")
    if view.bureau:  # the city office forwards it to the bureau its matter type names
        out.append(f" → {clean(view.bureau)}")
        out.append("（按事项清单转办）", style="dim")
    if view.co_unit_ids:
        out.append("  配合单位：", style="dim")
        out.append(clean("、".join(unit_names.get(u, u) for u in view.co_unit_ids)))
    out.append("  来源：", style="dim")
    out.append(view.source.label)
    if view.source_line:
        out.append("（")
        out.append(clean(view.source_line))
        out.append("）")
    if view.place:
        out.append("  地点：", style="dim")
        out.append(clean(view.place))

    out.append("\n来电人：", style="dim")
    caller = " ".join(p for p in (view.caller_name, view.caller_phone) if p) or "（未留）"
    out.append(clean(caller))
    out.append(f"（{view.caller_type.label}）")
    if view.enterprise_name:
        out.append("  企业：", style="dim")
        out.append(clean(view.enterprise_name))
    if view.specialist:  # one to one on the 政企通 desk (R-ENTERPRISE)
        out.append("  政策专员：", style="dim")
        out.append(clean(view.specialist))
    if view.caller_id_number:
        out.append("  证件：", style="dim")
        out.append(clean(view.caller_id_number))
    if view.confidential:
        out.append("  ")
        out.append_text(_tag("要求保密", "bold black on yellow"))
    if view.call:  # the telephony's record of the call (R-SOURCE) and its recording (R-ARCHIVE)
        out.append("  通话：", style="dim")
        out.append(clean(view.call))
        out.append("  录音：", style="dim")
        out.append(clean(view.recording_id) if view.recording_id else "（待话务系统报告）")

    counters = []
    if view.return_count:
        counters.append(f"退回 {view.return_count} 次")
    if view.late_return:
        counters.append("逾期退回")
    if view.completion_rejections:
        counters.append(f"办结申请被退回 {view.completion_rejections} 次")
    if view.satisfaction:
        counters.append(f"满意度：{_satisfaction(view.satisfaction)}")
    counters.append(f"受理 {_local(view.created_at)}")
    counters.append(f"最后修改 {_local(view.updated_at)} {clean(view.updated_by)}")
    out.append("\n" + " · ".join(counters), style="dim")
    return out


SIGNED_RETURN_WINDOW = "已签收，到期前仍可退回"
"""A return clock stopped by signing (签收): the unit may still return the ticket within it,
and a later return is counted overdue (R-RETURN) — not a clock that no longer matters."""


def clock_text(clock: ClockView, now: dt.datetime, window: bool = False) -> RenderableType:
    """One clock: name, rule, time left or outcome; due moment; why it is due then.
    ``window``: the clock is the current dispatch's return window, stopped by signing."""
    head = Text()
    if clock.running:
        head.append("● ", style="bold")
        head.append(f"{clock.name}（{clock.rule}）", style="bold")
        head.append("  ")
        head.append_text(remaining_text(clock.due_at, now))
    else:
        head.append("○ ", style="dim")
        head.append(f"{clock.name}（{clock.rule}）", style="dim")
        head.append("  ")
        if clock.met_at is not None:
            style = "bold red" if clock.overdue else "green"
            suffix = "（超期完成）" if clock.overdue else ""
            head.append(f"已完成 {_local(clock.met_at)}{suffix}", style=style)
        else:
            head.append(SIGNED_RETURN_WINDOW if window else "已停止", style="dim")
    body = Text(end="")
    body.append(f"到期 {due_label(clock.due_at)}")
    if clock.provisional:
        body.append(" ")
        body.append_text(_tag("暂定", "bold black on yellow"))
    if clock.extension_wd:
        body.append(f"  含延期 {clock.extension_wd} 个工作日", style="cyan")
    if clock.provisional:
        body.append(
            "\n该年度放假安排尚未公布，按法定节假日推算，公布后将重新计算。", style="yellow"
        )
    for line in clock.explanation:
        body.append("\n")
        body.append(clean(line), style="dim")
    return Group(Paragraph(head), Padding(Paragraph(body), (0, 0, 0, 2)))


RELATED_SHOWN = 3
"""Other tickets of the same matter named on the ticket's line (then how many in all)."""
RELATED_RETRY_SECONDS = 3.0
RELATED_TRIES = 5
"""While the groups are being made, the same-matter line is asked again this often, this many
times (then at the screen's own refresh)."""


def related_text(group: HotGroupView, number: str) -> Text:
    """The other tickets on this ticket's matter and place: how many, from how many callers,
    the first of them (a master to merge into, 并单) — one line under the header."""
    others = [n for n in group.numbers if n != number]
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("同一事项：", style="bold")
    text.append(f"另有 {len(others)} 件（{group.callers} 位来电人）  ")
    text.append(" ".join(others[:RELATED_SHOWN]) + (" …" if len(others) > RELATED_SHOWN else ""))
    text.append("  按事项与地点归并（R-ANALYTICS）", style="dim")
    return text


def returnable(view: TicketView) -> bool:
    """The unit handles the ticket after signing and may still return it (R-RETURN; a
    difficult, complex ticket is not returned, R-COMPLEX)."""
    return view.state == State.HANDLING.value and not view.complex


def clocks_text(
    clocks: Sequence[ClockView], now: dt.datetime, may_return: bool = False
) -> RenderableType:
    """The ticket's clocks, running ones first (soonest due first). While the unit may still
    return the ticket it signed for (``may_return``: ``returnable``), the last dispatch's
    return clock, stopped by signing, is said to still bound a return."""
    if not clocks:
        return Text("（无时限）", style="dim", end="")
    returns = [c for c in clocks if c.key == "return"]
    window = None
    if may_return and returns and returns[-1].met_at is None:
        window = returns[-1]
    running = sorted((c for c in clocks if c.running), key=lambda c: c.due_at)
    stopped = [c for c in clocks if not c.running]
    return Group(*(clock_text(c, now, c is window) for c in (*running, *stopped)))


def supervisions_text(sups: Sequence[SupervisionView], unit_names: Mapping[str, str]) -> Text:
    if not sups:
        return Text("（无督办）", style="dim", end="")
    parts = []
    for s in sups:
        line = Text(end="")
        line.append(f"督办 #{s.id}  ", style="bold")
        line.append(SUPERVISION_GROUNDS.get(s.ground, str(s.ground)))
        line.append(f" · {SUPERVISION_METHODS.get(s.method, s.method)} · ")
        line.append(clean(unit_names.get(s.unit_id, s.unit_id)))
        state = "replied" if s.state == "open" and s.reply else s.state
        line.append(f" · {SUPERVISION_STATES.get(state, state)}")
        line.append(f"\n  开启 {_local(s.opened_at)}", style="dim")
        if s.due_at is not None:
            line.append(f"  到期 {due_label(s.due_at)}", style="bold red" if s.overdue else "")
        if s.extended:
            line.append("  已延期", style="cyan")
        if s.note:
            line.append("\n  督办内容：", style="dim")
            line.append(clean(s.note))
        if s.reply:
            line.append("\n  书面说明：", style="dim")
            line.append(clean(s.reply))
        parts.append(line)
    return Text("\n", end="").join(parts)


SHORT_REASON = 24
"""A refused action's reason is listed under it when at most this long (its key shows any)."""


class TicketScreen(Screen[None]):
    """One ticket, everything about it, and what this seat may do with it now."""

    CSS_PATH = "ticket.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    BINDINGS = [
        Binding("escape", "back", "返回", id="ticket.back"),
        Binding("r", "reload", "刷新", id="ticket.reload"),
        Binding(
            "v",
            "contact",
            "联系来电人",
            id="ticket.contact",
            tooltip="查看来电人完整电话以便联系（须说明理由，记入审计；要求保密的除外）",
        ),
        *(
            Binding(key, f"act('{name}')", label, id=f"ticket.{name}")
            for name, (key, label) in ACTION_KEYS.items()
        ),
        Binding(
            "m",
            "merge",
            "并单",
            id="ticket.merge",
            tooltip="把本工单并入同一事项的主工单（停止计时，回访时一并告知来电人）",
        ),
    ]

    def __init__(self, number: str, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.number = number
        self.view: TicketView | None = None
        self.related: HotGroupView | None = None  # the tickets on the same matter and place
        self._related_tries = 0
        self.now: dt.datetime | None = None
        self.units: tuple[UnitView, ...] = ()
        self.unit_names: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield NavBar()
        yield DrillBanner()
        yield ConnectionBanner()
        yield Static("", id="ticket-banner", markup=False)
        yield Static(
            Text(f"工单 {self.number} 载入中…", style="dim"), id="ticket-header", markup=False
        )
        yield Static("", id="ticket-related", markup=False)
        with Container(id="ticket-body"):
            with VerticalScroll(id="ticket-main", classes="pane"):
                yield Static("", id="ticket-text", markup=False)
                yield Timeline(id="ticket-timeline")
            with VerticalScroll(id="ticket-side", classes="pane"):
                yield Static("", id="ticket-actions", markup=False)
                yield Static("", id="ticket-clocks", markup=False)
                yield Static("", id="ticket-supervisions", markup=False)
                yield NotificationList(id="ticket-notifications")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#ticket-banner").display = False
        self.query_one("#ticket-related").display = False
        self.query_one("#ticket-text").border_title = "诉求内容"
        self.query_one("#ticket-timeline").border_title = "办理过程"
        self.query_one("#ticket-actions").border_title = "可执行操作"
        self.query_one("#ticket-clocks").border_title = "时限"
        self.query_one("#ticket-supervisions").border_title = "督办"
        self.query_one("#ticket-main").focus()
        self.load()
        self.set_interval(REFRESH_SECONDS, self._live_refresh, name="ticket-refresh")
        if hasattr(self.app, "connection_ok"):
            self.watch(self.app, "connection_ok", self._connection_changed, init=False)

    def _connection_changed(self, ok: bool) -> None:
        if ok:
            self.load()

    # ------------------------------------------------------------------ loading
    def _live_refresh(self) -> None:
        if self.is_current:  # only while seen (a dialog on top still counts)
            self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="ticket-load")
    def load(self) -> None:
        """Read the ticket (and, once, the unit names) in a worker."""
        backend = self.app.backend  # type: ignore[attr-defined]
        units = tuple(backend.units()) if not self.units else self.units
        view = backend.ticket(self.number)
        now = backend.now()
        self.app.call_from_thread(self._show, view, units, now)
        self.app.call_from_thread(self.load_related)

    @work(thread=True, exclusive=True, exit_on_error=False, group="ticket-related")
    def load_related(self) -> None:
        """The other tickets on the same matter and place (the hot grouping, R-ANALYTICS), for
        the seats that read it; nothing is said while it cannot be read: the grouping's first
        look under way or the platform away is asked again within seconds
        (``_related_later``), anything else at the screen's next refresh."""
        backend = self.app.backend  # type: ignore[attr-defined]
        if backend.actor.role not in HOT_READERS:
            return
        try:
            group = backend.hot_matter_of(self.number)
        except Unavailable:  # the groups being made (or the platform away): soon again
            self.app.call_from_thread(self._related_later)
            return
        except HotlineError:
            group = None
        self.app.call_from_thread(self._show_related, group)

    def _related_later(self) -> None:
        if self.is_mounted and self._related_tries < RELATED_TRIES:
            self._related_tries += 1
            self.set_timer(RELATED_RETRY_SECONDS, self.load_related, name="ticket-related")

    def _show_related(self, group: HotGroupView | None) -> None:
        if not self.is_mounted:
            return
        self.related = group
        line = self.query_one("#ticket-related", Static)
        line.display = group is not None
        if group is not None:
            line.update(related_text(group, self.number))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "ticket-load" or event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        banner = self.query_one("#ticket-banner", Static)
        if isinstance(error, Unavailable):
            lost = getattr(self.app, "connection_lost", None)
            if callable(lost):
                lost()
                return
            banner.update(Text(OUTAGE))
            self.set_timer(RETRY_SECONDS, self.load, name="ticket-retry")
        elif isinstance(error, NotFound | PermissionDenied):
            banner.update(Text(clean(str(error))))
            self.query_one("#ticket-header", Static).update(
                Text(clean(f"工单 {self.number}：{error}"))
            )
        elif isinstance(error, HotlineError):
            banner.update(Text(clean(str(error))))
        else:
            banner.update(Text(f"内部错误：{type(error).__name__}"))
        banner.display = True

    def _show(self, view: TicketView, units: tuple[UnitView, ...], now: dt.datetime) -> None:
        if not self.is_mounted:
            return
        self.query_one("#ticket-banner").display = False
        if units is not self.units:
            self.units = units
            self.unit_names = {u.id: u.name for u in units}
        self.view, self.now = view, now
        names = self.unit_names
        self.query_one("#ticket-header", Static).update(header_text(view, names))
        self.query_one("#ticket-text", Static).update(Paragraph(literal(view.text)))
        self.query_one(Timeline).show_events(view.events, names)
        self.query_one("#ticket-clocks", Static).update(
            clocks_text(view.clocks, now, returnable(view))
        )
        sups = self.query_one("#ticket-supervisions", Static)
        sups.update(Paragraph(supervisions_text(view.supervisions, names)))
        sups.display = bool(view.supervisions)
        self.query_one(NotificationList).show(view.notifications, now)
        self.refresh_bindings()
        self._show_actions()

    def _show_actions(self) -> None:
        panel = self.query_one("#ticket-actions", Static)
        view = self.view
        if view is None:
            return
        if not view.actions:
            panel.update(Text("（本席位对该工单无可执行操作）", style="dim"))
            return
        # what can be done now first; what cannot, one line each with its rule (the key shows
        # the whole reason), so the clocks and notifications below stay in sight
        parts: list[RenderableType] = []
        for av in (a for a in view.actions if a.allowed):
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(f" {self._key_for(av.action)} ", style="bold reverse")
            line.append(f" {av.label}", style="bold")
            parts.append(line)
        refused = [a for a in view.actions if not a.allowed]
        if refused:
            parts.append(Text("现在不能（按键看原因）", style="dim"))
        for av in refused:
            line = Text()
            line.append(f" {self._key_for(av.action)} ", style="dim reverse")
            line.append(f" {av.label}（现在不能）", style="dim")
            if av.rule:
                line.append(f" [{av.rule}]", style="dim")
            parts.append(line)
            if av.reason and len(av.reason) <= SHORT_REASON:
                reason = Text(clean(av.reason), style="dim italic")
                parts.append(Padding(reason, (0, 0, 0, 5)))
        panel.update(Group(*parts))

    def _key_for(self, action: str) -> str:
        """The key bound to an action now (user keymaps included)."""
        wanted = f"act('{action}')"
        for active in self.active_bindings.values():
            if active.binding.action == wanted:
                return self.app.get_key_display(active.binding)
        return ACTION_KEYS.get(action, ("?", ""))[0]

    # ------------------------------------------------------------------ actions
    def _action_view(self, name: str) -> ActionView | None:
        if self.view is None:
            return None
        return next((a for a in self.view.actions if a.action == name), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "merge":  # the manager, or the unit handling the ticket (the store decides)
            actor = getattr(self.app, "actor", None)
            return actor is not None and actor.role in MERGE_ROLES
        if action == "contact":
            actor = getattr(self.app, "actor", None)
            return actor is not None and actor.role in CONTACT_ROLES
        if action != "act":
            return True
        av = self._action_view(str(parameters[0])) if parameters else None
        if av is None:
            return False  # not this role's action: hidden
        return True if av.allowed else None  # greyed out, with its reason in the panel

    def on_key(self, event: Key) -> None:
        """A greyed action's key shows why it is not allowed now (with the rule's R-id)."""
        active = self.active_bindings.get(event.key)
        if active is None or active.enabled or not active.binding.action.startswith("act("):
            return
        name = active.binding.action[len("act('") : -len("')")]
        av = self._action_view(name)
        if av is not None and not av.allowed:
            event.stop()
            event.prevent_default()
            self.notify(
                clean(av.why_not), title=f"不能「{av.label}」", severity="warning", markup=False
            )

    def action_act(self, name: str) -> None:
        """Open the dialog of an allowed action."""
        av = self._action_view(name)
        if self.view is None or av is None:
            return
        if not av.allowed:
            self.notify(
                clean(av.why_not), title=f"不能「{av.label}」", severity="warning", markup=False
            )
            return
        today = (self.now or dt.datetime.now(dt.UTC)).astimezone(SHANGHAI).date()
        context = ActionContext(
            view=self.view,
            action=av,
            units=self.units,
            today=today,
        )
        dialog = dialog_for(context)
        if dialog is None:
            self.notify(f"「{av.label}」暂不支持在此操作", severity="warning", markup=False)
            return
        self.app.push_screen(dialog, callback=self._after_action)

    def _after_action(self, result: str | None) -> None:
        if result == "done":
            self.notify("已提交，工单已更新", markup=False)
        if result in ("done", "reload"):
            self.load()

    def action_reload(self) -> None:
        self.load()

    # ------------------------------------------------------------------ merging (并单)
    def action_merge(self) -> None:
        """Ask for the master's number, then a short reason; the store decides and refuses
        with the rule (console.services.tickets.merging)."""
        if self.view is None:
            return
        version = self.view.version
        note = Text(
            "本工单并入同一事项的主工单：本工单停止计时，主工单办结回访时一并告知本工单来电人。"
        )

        def reason_given(master: str, reason: str | None) -> None:
            if reason is not None:
                self.merge(master, reason, version)

        def master_given(master: str | None) -> None:
            if master:
                self.app.push_screen(
                    PromptDialog(
                        f"并入 {master} 的理由",
                        placeholder="如：同一企业欠薪，多名职工反映",
                        required=False,
                    ),
                    lambda reason: reason_given(master, reason),
                )

        # the first ticket of the same matter (the hot grouping) is offered as the master
        group = self.related
        first = group.numbers[0] if group and group.numbers[0] != self.number else ""
        self.app.push_screen(
            PromptDialog(
                "并单：并入主工单",
                placeholder="主工单编号，如 HN261125000001",
                note=note,
                value=first,
            ),
            master_given,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="ticket-merge")
    def merge(self, master: str, reason: str, version: int) -> None:
        backend = self.app.backend  # type: ignore[attr-defined]
        try:
            backend.merge_ticket(self.number, master, reason, version)
        except HotlineError as err:
            self.app.call_from_thread(
                self.notify, told(err), title="不能并单", severity="error", markup=False
            )
            return
        self.app.call_from_thread(self.notify, f"已并入 {master}", markup=False)
        self.app.call_from_thread(self.load)

    # ------------------------------------------------------------------ contacting the caller
    def action_contact(self) -> None:
        """The full number, for the seat that has to reach the caller: a reason, audited."""
        if self.view is not None and self.view.confidential and self._is_unit_clerk():
            self.notify(
                "来电人要求保密，姓名和联系方式不向承办单位提供（R-CONFIDENTIAL）",
                title="不能查看联系方式",
                severity="warning",
                markup=False,
            )
            return
        note = Text("查看来电人完整联系方式须说明理由，理由与查看记入审计（R-CONFIDENTIAL）。")

        def entered(reason: str | None) -> None:
            if reason:
                self.reveal(reason)

        self.app.push_screen(
            PromptDialog(
                "联系来电人", placeholder="理由，如：电话核实诉求、告知办理结果", note=note
            ),
            entered,
        )

    def _is_unit_clerk(self) -> bool:
        actor = getattr(self.app, "actor", None)
        return actor is not None and actor.role is Role.UNIT_CLERK

    @work(thread=True, exclusive=True, exit_on_error=False, group="ticket-contact")
    def reveal(self, reason: str) -> None:
        backend = self.app.backend  # type: ignore[attr-defined]
        try:
            contact = backend.reveal_contact(self.number, reason)
        except HotlineError as err:
            self.app.call_from_thread(
                self.notify, told(err), title="不能查看联系方式", severity="error", markup=False
            )
            return
        self.app.call_from_thread(self._show_contact, contact)

    def _show_contact(self, contact: ContactView) -> None:
        body = Text.assemble(("电话：", "bold"))
        body.append_text(literal(contact.caller_phone or "（来电人未留电话）", style="bold"))
        for label, value in (
            ("姓名", contact.caller_name),
            ("企业", contact.enterprise_name),
            ("证件号", contact.caller_id_number),
        ):
            if value:
                body.append(f"\n{label}：", style="bold")
                body.append_text(literal(value))
        body.append("\n\n本次查看已记入审计。", style="dim")
        self.app.push_screen(InfoDialog(f"来电人联系方式（工单 {contact.number}）", body))

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
