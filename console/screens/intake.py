"""Live intake (接听受理): the call on the left, KB answers in the middle, checks on the right.

As the operator types, answers refresh (debounced, in an exclusive worker so stale searches are
dropped) and the context — pre-filed scopes, duplicates and terminated matters of this caller,
the top three units — follows a little later. Each way of finishing a call is one key and a
confirmation; the draft is saved as they type and restored after a crash.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Label, Select, Static
from textual.worker import Worker, WorkerState, get_current_worker

from console.clipboard import copy_text
from console.drafts import DraftStore
from console.errors import HotlineError, InputError, Unavailable
from console.screens.field_labels import told
from console.screens.keys_in_order import after_keys_before
from console.screens.policy_form import SubscribeDialog
from console.services.categories import MATTER_TYPES
from console.services.clock import local
from console.services.triage import grievance, triage
from console.services.values import ANSWER_CONCERNS, CallerType, Kind, Special
from console.services.views import (
    VERIFIED_ACTION,
    ArticleChange,
    ArticleHit,
    ArticleView,
    CallerHistoryView,
    CallPop,
    ClockView,
    DuplicateView,
    ExpertView,
    GroundView,
    Intake,
    PrefilingView,
    UnitSuggestionView,
    UnitView,
)
from console.widgets.answer_list import NO_SURE_ANSWER, AnswerList, overdue, status_badge
from console.widgets.article import ArticleDialog
from console.widgets.banner import ConnectionBanner, DrillBanner
from console.widgets.checklist import GroundChecklist
from console.widgets.dialogs import ChoiceDialog, ConfirmDialog, InfoDialog, PromptDialog
from console.widgets.footer import KeyFooter
from console.widgets.intake_form import IntakeForm
from console.widgets.nav import NavBar
from console.widgets.safe import literal, one_line
from console.widgets.suggestions import (
    TextList,
    duplicate_row,
    history_row,
    prefiling_row,
    unit_row,
)

if TYPE_CHECKING:
    from console.services.backend import Backend

ANSWER_DELAY = 0.03  # s after the last keystroke: KB answers
MAX_CARRIED = 200  # characters of the caller's words F3 takes to the knowledge search
FLAG_LABELS = {"wrong": "内容有误", "outdated": "内容过时"}
CONCERNS = ANSWER_CONCERNS


def suggestion_key(s: UnitSuggestionView) -> str:
    """A suggestion's row id: one unit may be suggested for several city bureaus."""
    return f"{s.unit_id}@{s.target}"


def with_suggested_matter(
    intake: Intake, suggestions: Sequence[UnitSuggestionView], unit_id: str
) -> Intake:
    """The intake with the matter type of the suggestion the seat dispatched to, when the seat
    chose none: the ticket then tells which city bureau its city 优化办 handled it through."""
    if intake.matter_type:
        return intake
    # the best-ranked suggestion to that unit (the one its row in the dispatch dialog shows)
    chosen = next((s for s in suggestions if s.unit_id == unit_id), None)
    if chosen is None or not chosen.matter:
        return intake
    domain = next((d for d, types in MATTER_TYPES.items() if chosen.matter in types), None)
    if domain is None:
        return intake
    return replace(intake, matter_type=chosen.matter, domain=domain)


def answer_concerns(hit: ArticleHit, today: dt.date | None) -> list[str]:
    """Why answering with this article needs the operator's explicit confirmation."""
    out = []
    if not hit.sure:
        out.append("low_confidence")
    if hit.status == "draft":
        out.append("draft")
    if overdue(hit, today):
        out.append("review_overdue")
    return out


CONTEXT_DELAY = 0.25  # s: units, duplicates, pre-filed scopes (heavier, less urgent)
HISTORY_ROWS = 5  # the caller's latest tickets beside the form
MIN_HISTORY_DIGITS = 5  # fewer digits are not worth asking about (the platform checks the rest)
DRAFT_DELAY = 0.3  # s: the draft file
ANSWER_LIMIT = 8
_SUGGESTION = "#"  # a dispatch dialog's suggestion row: unit id, this, the suggestion's place


def due_text(moment: dt.datetime) -> str:
    """A due moment as the regulation counts it: the end of a day shows as 24:00."""
    at = local(moment)
    if at.hour == 0 and at.minute == 0 and at.second == 0:
        return f"{(at - dt.timedelta(days=1)):%Y-%m-%d} 24:00"
    if (at.hour, at.minute) == (23, 59):
        return f"{at:%Y-%m-%d} 24:00"
    return f"{at:%Y-%m-%d %H:%M}"


# the clocks a caller waits on (the answer, the promised call-back); the others bind the unit
CALLER_CLOCKS = frozenset({"limit", "consult"})


def clock_lines(clocks: Sequence[ClockView]) -> Text:
    text = Text()
    for c in clocks:
        if not c.running:
            continue
        text.append(f"\n  · {c.name}：", style="bold")
        text.append(due_text(c.due_at), style="bold")
        text.append(f" 前（{c.rule}）", style="dim")
        if c.provisional:
            text.append(" 暂定：该年度放假安排未发布，发布后重算", style="bold yellow")
    return text


def caller_summary(intake: Intake) -> Text:
    """The call as a confirmation dialog echoes it: literal, control codes neutralised."""
    who = " ".join(
        p for p in (intake.caller_phone, intake.caller_name, intake.enterprise_name) if p
    )
    text = Text.assemble(("来电：", "bold"))
    text.append_text(literal(one_line(who) or "（未填写）"))
    if intake.phone_declined and not intake.caller_phone:
        text.append("  来电人拒绝留电话", style="bold yellow")
    text.append(f"    {intake.kind.label} · {intake.domain.label}\n", style="dim")
    text.append("诉求：", style="bold")
    text.append_text(literal(one_line(intake.text, 160)))
    return text


class IntakeScreen(Screen[None]):
    """Take a call: answer it, promise a call-back, explain a pre-filed scope, dispatch or refuse."""

    CSS_PATH = "intake.tcss"
    BINDINGS = [
        Binding(
            "ctrl+l",
            "choose_kind",
            "类别",
            id="intake.choose_kind",
            tooltip="选择诉求类别（咨询、求助、投诉、举报、建议），Tab 到业务领域",
            priority=True,
        ),
        Binding(
            "f6",
            "answer",
            "答复结案",
            id="intake.answer",
            tooltip="以选中的知识库答案答复并结案",
            priority=True,
        ),
        Binding(
            "f7",
            "promise",
            "24h回复",
            id="intake.promise",
            tooltip="承诺24小时内回复（R-CONSULT）",
            priority=True,
        ),
        Binding(
            "f11,ctrl+s",  # Ctrl+S where the terminal takes F11 (full screen)
            "hand_to_expert",
            "转专家",
            id="intake.hand_to_expert",
            tooltip="转专家座席解答：在班专家或领域专家队列，附已查看的知识，须来电人同意稍后答复（R-EXPERT、R-CONSULT）",
            priority=True,
            show=False,  # the footer is full at 120 columns (an open list's 收起列表 fell off)
        ),
        Binding(
            "f8",
            "prefiled",
            "报备解释",
            id="intake.prefiled",
            tooltip="按报备范围解释（R-PREFILING）",
            priority=True,
        ),
        Binding(
            "f9",
            "dispatch",
            "派单",
            id="intake.dispatch",
            tooltip="受理并派给建议的承办单位",
            priority=True,
        ),
        Binding(
            "f10",
            "special",
            "特殊/紧急",
            id="intake.special",
            tooltip="特殊事项或特殊紧急事项，立即派单",
            priority=True,
        ),
        Binding(
            "ctrl+r",
            "refuse",
            "不予受理",
            id="intake.refuse",
            tooltip="按勾选的情形不予受理并记录",
            priority=True,
        ),
        Binding(
            "ctrl+t",
            "transfer",
            "转分中心",
            id="intake.transfer",
            tooltip="转到分中心热线",
            priority=True,
        ),
        Binding(
            "ctrl+k",
            "link_duplicate",
            "关联重复",
            id="intake.link",
            tooltip="把选中的工单记为同一事项",
            priority=True,
        ),
        Binding(
            "ctrl+n",
            "new_call",
            "清空",
            id="intake.new_call",
            tooltip="清空表单，接下一个电话",
            priority=True,
        ),
        Binding(
            "ctrl+e",
            "focus_text",
            "诉求",
            id="intake.focus_text",
            tooltip="跳到诉求内容，边听边记",
            priority=True,
        ),
        Binding(
            "ctrl+b",
            "article",
            "全文",
            id="intake.article",
            tooltip="阅读选中知识的全文（可复制、报告有误或过时）",
            priority=True,
        ),
        Binding(
            "f12",
            "copy_answer",
            "复制答案",
            id="intake.copy",
            tooltip="复制选中知识的答复口径",
            priority=True,
        ),
        Binding(
            "ctrl+g",
            "subscribe_policy",
            "政策订阅",
            id="intake.subscribe_policy",
            tooltip="为来电企业（或同意的群众）登记政策订阅：按行业、规模、地区、主题精准推送",
            show=False,
            priority=True,  # also while typing the request (the text area keeps Ctrl+Y: redo)
        ),
        Binding("alt+down", "next_answer", "下一答案", id="intake.next_answer", show=False),
        Binding("alt+up", "previous_answer", "上一答案", id="intake.previous_answer", show=False),
        *[
            Binding(
                f"alt+{n % 10}",
                f"tick({n})",
                f"勾选不予受理情形{n}",
                id=f"intake.ground{n}",
                show=False,
            )
            for n in range(1, 11)
        ],
    ]

    def __init__(self) -> None:
        self._error_text = ""
        super().__init__()
        self.repeat_of = ""
        self.units: list[UnitView] = []
        self.suggestions: list[UnitSuggestionView] = []
        self.duplicates: list[DuplicateView] = []
        self.prefiling: list[PrefilingView] = []
        self.drafts: DraftStore | None = None
        self._answer_timer: Timer | None = None
        self._today: dt.date | None = None
        self._context_timer: Timer | None = None
        self._draft_timer: Timer | None = None
        self._draft_lock = threading.Lock()
        self._draft_seq = 0
        self._draft_written = 0
        self._stale = False  # searches failed while the platform was away: redo when it is back
        self._searched_query = ""
        self._last_search = 0.0
        self.context_text = ""  # the text the shown context (units, duplicates …) was found for
        self._history_phone = ""  # the number the shown caller history is of
        self._pending_call: CallPop | None = None  # answered while the form held another call
        self._busy = False

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield NavBar()
        yield DrillBanner()
        yield ConnectionBanner()
        with Container(id="intake-body"):
            form = IntakeForm(id="form-pane", classes="pane")
            form.border_title = "来电"
            yield form
            with Vertical(id="answers-pane", classes="pane") as answers:
                answers.border_title = "知识库答案（Alt+↑↓ 选择，Ctrl+B 全文，F6 答复）"
                yield Static(Text(""), id="answers-note")
                yield AnswerList(id="answers")
            with VerticalScroll(id="side-pane", classes="pane") as side:
                side.border_title = "受理检查"
                yield Static(Text(""), id="intake-error", classes="error-line")
                yield Static(Text(""), id="terminated-alert")
                yield Static(Text(""), id="triage-hints")
                yield Label(Text("来电人历史（同号码，Enter 打开）"), classes="side-title",
                            id="history-title")  # fmt: skip
                yield Static(Text(""), id="history-note")
                yield TextList("", id="history")
                yield Label(
                    Text("不予受理情形（Alt+1…0 或 Ctrl+R 后按数字勾选）"), classes="side-title"
                )
                yield GroundChecklist(id="grounds")
                yield Static(Text(""), id="ground-script")
                yield Label(Text("报备范围（F8 解释）"), classes="side-title")
                yield TextList("（无匹配的报备）", id="prefiling")
                yield Label(Text("重复来电与已终结事项（Ctrl+K 关联）"), classes="side-title")
                yield TextList("（未发现重复）", id="duplicates")
                yield Label(Text("建议承办单位（F9 派单）"), classes="side-title")
                yield TextList("（输入诉求后给出建议）", id="units")
        yield KeyFooter()

    def on_mount(self) -> None:
        app: Any = self.app
        actor = app.actor
        self.drafts = DraftStore(app.settings.data_dir, actor.seat if actor else "seat")
        saved = self.drafts.load()
        if saved:
            self.query_one(IntakeForm).load(saved)
            self.repeat_of = saved.get("repeat_of", "")
            self.notify("已恢复上次未完成的来电记录", markup=False)
        self._show_triage()
        self.set_focus(self.query_one("#caller_phone"))
        self._show_history("", None)
        if self._pending_call is not None:  # the call that opened this screen
            self.call_after_refresh(self._take_pending)
        self.watch(self.app, "ready", self._ready_changed, init=True)
        self.watch(self.app, "connection_ok", self._connection_changed, init=False)
        if hasattr(self.app, "article_listeners"):
            self.app.article_listeners.add(self)

    def on_article_changes(self, articles: Sequence[ArticleChange]) -> None:
        """Pushed: a text was published elsewhere (verified) — the answers to the caller's
        words are searched again, so the operator never reads out a superseded one."""
        if self.form.text.strip() and any(a.action == VERIFIED_ACTION for a in articles):
            self._search_answers()

    @property
    def backend(self) -> Backend | None:
        return self.app.backend  # type: ignore[attr-defined, no-any-return]

    @property
    def form(self) -> IntakeForm:
        return self.query_one(IntakeForm)

    def early_search_ready(self) -> None:
        """Answers from the saved index while the platform opens (called by the app)."""
        self._schedule_searches(now=True)

    def _ready_changed(self, ready: bool) -> None:
        if ready:
            self.load_reference()
            self._schedule_searches(now=True)

    def _connection_changed(self, ok: bool) -> None:
        if ok and self._stale:
            self._stale = False
            self.load_reference()
            self._schedule_searches(now=True)

    # ------------------------------------------------------------------ reference data
    @work(thread=True, exclusive=True, group="intake-ref", exit_on_error=False)
    def load_reference(self) -> None:
        backend = self.backend
        if backend is None:
            return
        try:
            grounds = list(backend.grounds())
            units = list(backend.units())
            today = local(backend.now()).date()
        except HotlineError as err:
            self.app.call_from_thread(self._backend_failed, err)
            return
        self._today = today
        self.app.call_from_thread(self._set_reference, grounds, units)

    def _set_reference(self, grounds: list[GroundView], units: list[UnitView]) -> None:
        self.units = units
        checklist = self.query_one(GroundChecklist)
        checklist.set_grounds(grounds)
        saved = self.drafts.load() if self.drafts else None
        if saved and saved.get("ground", "").isdigit() and checklist.ticked is None:
            checklist.tick(int(saved["ground"]))

    # ------------------------------------------------------------------ typing → searches
    @on(IntakeForm.Edited)
    def _edited(self, event: IntakeForm.Edited) -> None:
        self._schedule_draft()
        if event.field in ("text", "kind"):
            self._show_triage()
        if event.field == "kind":
            self._show_answers_note()
        if event.field == "text":
            self._schedule_searches()
        elif event.field in ("caller_phone", "place", "source_line", "domain"):
            self._schedule_context()

    def _schedule_searches(self, now: bool = False) -> None:
        # Debounce with a leading edge: the first key after a pause searches at once; keys that
        # follow within ANSWER_DELAY of the last search are folded into one search at its end.
        self._schedule_context(now)
        if self._answer_timer is not None:
            return  # a search is already due; it reads the text as it is then
        wait = 0.0 if now else ANSWER_DELAY - (time.monotonic() - self._last_search)
        if wait <= 0:
            self._search_answers()
        else:
            self._answer_timer = self.set_timer(wait, self._search_answers)

    def _schedule_context(self, now: bool = False) -> None:
        if self._context_timer is not None:
            self._context_timer.stop()
        self._context_timer = self.set_timer(0.001 if now else CONTEXT_DELAY, self._search_context)

    def _search_answers(self) -> None:
        self._answer_timer = None
        self._last_search = time.monotonic()
        query = self.form.text.strip()
        if self.backend is None and self.app.early_search is None:  # type: ignore[attr-defined]
            return
        if not query:
            self._searched_query = ""
            self.query_one(AnswerList).show_hits([], "")
            return
        self._searched_query = query
        self.search_answers(query)

    @work(thread=True, exclusive=True, group="intake-kb", exit_on_error=False)
    def search_answers(self, query: str) -> None:
        searcher = self.backend or self.app.early_search  # type: ignore[attr-defined]
        if searcher is None:
            return
        try:
            hits = list(searcher.search_kb(query, limit=ANSWER_LIMIT))
        except HotlineError as err:
            self.app.call_from_thread(self._backend_failed, err)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_answers, query, hits)

    def _show_answers(self, query: str, hits: list[ArticleHit]) -> None:
        if query != self._searched_query:
            return  # a newer search is on its way
        answers = self.query_one(AnswerList)
        answers.today = self._today
        answers.show_hits(hits, query)
        self._show_answers_note()

    def _show_answers_note(self) -> None:
        answers = self.query_one(AnswerList)
        note = Text()
        if answers.no_sure_answer:
            note.append(NO_SURE_ANSWER, style="bold yellow")
            # F7 promises a consultation's answer (R-CONSULT); other kinds are dispatched
            then = (
                "可按 F7 承诺24小时内回复，或受理派单"
                if self.kind is Kind.CONSULTATION
                else f"{self.kind.label}类诉求请按 F9 受理派单"
            )
            note.append(
                f"：不要照读下列条目；{then}" if answers.hits else f"：{then}", style="yellow"
            )
        self.query_one("#answers-note", Static).update(note)

    def carried_query(self) -> str:
        """What F3 takes to the knowledge search: the caller's words typed so far."""
        return " ".join(self.form.text.split())[:MAX_CARRIED]

    def _search_context(self) -> None:
        if self.backend is None:
            return
        f = self.form.fields()
        # where the matter is: the place the seat typed, else the city line the call came from
        place = f["place"].strip() or f.get("source_line", "").strip()
        self.search_context(f["text"].strip(), f["caller_phone"].strip(), place, f["domain"])
        self._history_for(f["caller_phone"])

    @work(thread=True, exclusive=True, group="intake-context", exit_on_error=False)
    def search_context(self, text: str, phone: str, place: str, domain: str) -> None:
        backend = self.backend
        assert backend is not None
        try:
            if text:
                units = list(
                    backend.suggest_units(text, domain=domain or None, place=place or None, k=3)
                )
                prefiling = list(backend.match_prefiling(text, place=place or None))
            else:
                units, prefiling = [], []
            duplicates = (
                list(backend.find_duplicates(text, caller_phone=phone or None, k=5))
                if (text or phone)
                else []
            )
        except HotlineError as err:
            self.app.call_from_thread(self._backend_failed, err)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_context, units, prefiling, duplicates, text)

    # ------------------------------------------------------------------ the caller's history
    def _history_for(self, phone: str) -> None:
        """Load the caller's earlier tickets when the number is a whole one and new."""
        phone = phone.strip()
        if phone == self._history_phone:
            return
        self._history_phone = phone
        if self.backend is None or sum(ch.isdigit() for ch in phone) < MIN_HISTORY_DIGITS:
            self.workers.cancel_group(self, "intake-history")
            self._show_history(phone, None)
            return
        self.load_history(phone)

    @work(thread=True, exclusive=True, group="intake-history", exit_on_error=False)
    def load_history(self, phone: str) -> None:
        backend = self.backend
        assert backend is not None
        try:
            history = backend.caller_history(phone, limit=HISTORY_ROWS)
        except InputError:  # not (yet) a number: the platform's rule decides, nothing to show
            history = None
        except HotlineError as err:
            self.app.call_from_thread(self._backend_failed, err)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_history, phone, history)

    def _show_history(self, phone: str, history: CallerHistoryView | None) -> None:
        if phone != self._history_phone:
            return  # the number has changed since
        shown = history is not None and (history.total > 0 or history.confidential_before)
        for part in ("#history-title", "#history-note", "#history"):
            self.query_one(part).display = shown
        if history is None or not shown:
            self.query_one("#history", TextList).set_rows([])
            return
        self.query_one("#history", TextList).set_rows(
            [(t.number, history_row(t)) for t in history.tickets]
        )
        note = Text()
        if history.total > len(history.tickets):
            note.append(f"共 {history.total} 张，列出最近 {len(history.tickets)} 张", style="dim")
        if history.confidential_before:
            if note:
                note.append("\n")
            note.append("⚠来电人以前要求过保密，本次是否保密请询问（R-CONFIDENTIAL）",
                        style="bold yellow")  # fmt: skip
        self.query_one("#history-note", Static).update(note)

    @on(TextList.OptionSelected, "#history")
    def _open_history(self, event: TextList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.app.open_ticket(event.option.id)  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ screen-pop (CTI)
    def receive_call(self, call: CallPop) -> None:
        """A call answered at this seat: fill a blank form; never overwrite one being typed."""
        self._pending_call = call
        if self.is_mounted:
            self._take_pending()

    def _take_pending(self) -> None:
        call = self._pending_call
        if call is None:
            return
        line = one_line(call.line) or "未注明线路"
        if not self.form.blank:
            self.notify(
                f"新来电 {call.caller_masked}（{line}）已接听：当前表单未完成，"
                "办结或 Ctrl+N 清空后自动填入",
                title="来电",
                severity="warning",
                timeout=15,
                markup=False,
            )
            return
        self._pending_call = None
        self.form.take_call(call.caller_phone, call.line, call.source, call.call_id)
        self._history_for(call.caller_phone)  # at once, not after the context's pause
        self._schedule_context(now=True)
        self._schedule_draft()
        self.set_focus(self.query_one("#text"))
        shown = call.caller_masked or "（未显示号码）"
        self.notify(f"来电 {shown}，转自 {line}", title="来电接入",
                    timeout=5, markup=False)  # fmt: skip

    def _show_context(
        self,
        units: list[UnitSuggestionView],
        prefiling: list[PrefilingView],
        duplicates: list[DuplicateView],
        text: str = "",
    ) -> None:
        self.suggestions, self.prefiling, self.duplicates = units, prefiling, duplicates
        self.context_text = text
        self.query_one("#units", TextList).set_rows(
            [(suggestion_key(s), unit_row(i, s)) for i, s in enumerate(units, start=1)]
        )
        self.query_one("#prefiling", TextList).set_rows(
            [(p.id, prefiling_row(p)) for p in prefiling]
        )
        self.query_one("#duplicates", TextList).set_rows(
            [(d.number, duplicate_row(d)) for d in duplicates]
        )
        terminated = [d for d in duplicates if d.terminated]
        if terminated and not self.repeat_of and terminated[0].same_caller:
            # R-TERMINATE: a later call on a terminated matter is not accepted; link it so the
            # platform refuses to accept it again (Ctrl+K unlinks when it is another matter).
            self.repeat_of = terminated[0].number
            self._schedule_draft()
        self._show_alert()

    def _show_alert(self) -> None:
        alert = self.query_one("#terminated-alert", Static)
        terminated = next((d for d in self.duplicates if d.terminated), None)
        if terminated is not None:
            alert.update(
                Text.assemble(
                    ("⚠ 已终结事项 ", "bold reverse"),
                    (terminated.number, "bold"),
                    ("：该事项已认定终结，后续来电不予受理，请向来电人解释（R-TERMINATE）", "bold"),
                    (
                        "\n  已关联为同一事项；Ctrl+R 不予受理（第4项）"
                        if self.repeat_of == terminated.number
                        else "\n  Ctrl+K 关联为同一事项",
                        "",
                    ),
                )
            )
            alert.set_class(True, "-alert")
        elif self.repeat_of:
            alert.update(Text(f"已关联为同一事项：{self.repeat_of}（Ctrl+K 取消）"))
            alert.set_class(False, "-alert")
        else:
            alert.update(Text(""))
            alert.set_class(False, "-alert")

    def _show_triage(self) -> None:
        """Hints from the caller's words (special/urgent, grounds 2 and 5): suggested only."""
        hints = triage(self.form.text, self.kind)
        box = self.query_one("#triage-hints", Static)
        box.display = bool(hints)
        if not hints:
            box.update(Text(""))
            box.set_class(False, "-alert")
            return
        text = Text()
        for h in hints:
            if text.plain:
                text.append("\n")
            text.append("提示 ", style="bold reverse")
            text.append(f" {h.text}（{h.rule}）", style="bold")
        kinds = {h.kind for h in hints if h.kind is not None}
        if kinds and self.kind not in kinds:
            kind = next(iter(kinds))
            text.append(
                f"\n类别建议：{kind.label}（现为{self.kind.label}，Ctrl+L 更改；时限按类别告知来电人）",
                style="yellow",
            )
        box.update(text)
        box.set_class(True, "-alert")

    # ------------------------------------------------------------------ failures
    def _backend_failed(self, err: HotlineError) -> None:
        if isinstance(err, Unavailable):
            self._stale = True
            self.app.connection_lost()  # type: ignore[attr-defined]
        else:
            self.show_error(told(err))

    def show_error(self, message: str) -> None:
        self._error_text = message
        self.query_one("#intake-error", Static).update(Text(message))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self._busy = False
            self.app.report_error(event.worker.error)  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ drafts
    def _schedule_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._save_draft)

    def _draft_fields(self) -> dict[str, str]:
        fields = self.form.fields()
        ticked = self.query_one(GroundChecklist).ticked
        fields["ground"] = str(ticked) if ticked else ""
        fields["repeat_of"] = self.repeat_of
        return fields

    def _save_draft(self) -> None:
        self._draft_seq += 1
        self.write_draft(self._draft_seq, self._draft_fields())

    @work(thread=True, group="intake-draft", exit_on_error=False)
    def write_draft(self, seq: int, fields: dict[str, str] | None) -> None:
        assert self.drafts is not None
        with self._draft_lock:
            if seq < self._draft_written:
                return  # a newer draft is already on disk
            if fields is None:
                self.drafts.clear()
            else:
                self.drafts.save(fields)
            self._draft_written = seq

    def _clear_form(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self.form.clear()
        self.repeat_of = ""
        self.query_one(GroundChecklist).clear_tick()
        self.query_one("#ground-script", Static).update(Text(""))
        self.show_error("")
        self._show_context([], [], [])
        self.query_one(AnswerList).show_hits([], "")
        self._show_answers_note()  # no words, so no "no sure answer" either
        self._searched_query = ""
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_seq += 1
        self.write_draft(self._draft_seq, None)
        self._history_for("")
        self.set_focus(self.query_one("#caller_phone"))
        if self._pending_call is not None:  # a call answered while this one was being typed
            self._take_pending()

    # ------------------------------------------------------------------ the checklist
    def action_tick(self, number: int) -> None:
        self.query_one(GroundChecklist).tick(number)

    @on(GroundChecklist.Ticked)
    def _ground_ticked(self, event: GroundChecklist.Ticked) -> None:
        script = self.query_one("#ground-script", Static)
        g = event.ground
        if g is None:
            script.update(Text(""))
            script.set_class(False, "-on")
        else:
            text = Text.assemble(("请向来电人宣读：", "bold"))
            text.append_text(literal(g.script))
            text.append("\n依据：", style="bold")
            text.append_text(literal(g.basis, style="dim"))
            script.update(text)
            script.set_class(True, "-on")
            if self._error_text.startswith("请先勾选"):
                self.show_error("")
        self._schedule_draft()

    # ------------------------------------------------------------------ answers
    def action_next_answer(self) -> None:
        self.query_one(AnswerList).action_cursor_down()

    def action_previous_answer(self) -> None:
        self.query_one(AnswerList).action_cursor_up()

    def action_link_duplicate(self) -> None:
        chosen = self.query_one("#duplicates", TextList).selected_id
        if self.repeat_of:
            self.repeat_of = ""
        elif chosen:
            self.repeat_of = chosen
        else:
            self.notify("没有可关联的工单", markup=False)
            return
        self._show_alert()
        self._schedule_draft()

    # ------------------------------------------------------------------ finishing a call
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in (
            "answer",
            "promise",
            "hand_to_expert",
            "prefiled",
            "dispatch",
            "special",
            "refuse",
            "transfer",
        ):
            return None if (self._busy or self.backend is None) else True
        return True

    def _intake(self) -> Intake | None:
        intake = self.form.to_intake(self.repeat_of)
        if not intake.text:
            self.show_error("请先记录诉求内容")
            self.set_focus(self.query_one("#text"))
            return None
        self.show_error("")
        return intake

    def _has_contact(self, intake: Intake, why: str) -> bool:
        """A call-back or a dispatch needs a number, or the caller's refusal ticked."""
        if intake.reachable:
            return True
        self.show_error(f"请填写来电人电话：{why}；来电人不愿留电话时勾选「拒留电话」")
        self.set_focus(self.query_one("#caller_phone"))
        return False

    def _confirm(
        self, title: str, body: Text, label: str, run: Callable[[Backend], str], done: str
    ) -> None:
        def confirmed(ok: bool | None) -> None:
            if ok:
                self._busy = True
                self.refresh_bindings()
                self.finish(run, done)

        self.app.push_screen(ConfirmDialog(title, body, label), confirmed)

    def action_answer(self) -> None:
        after_keys_before(self, self._answer_now)

    def _answer_now(self) -> None:
        intake = self._intake()
        if intake is None:
            return
        hit = self.query_one(AnswerList).highlighted_hit
        if hit is None:
            self.show_error("没有可用的知识库答案：可按 F7 承诺24小时内回复，或派单")
            return
        concerns = answer_concerns(hit, self._today)
        if grievance(intake.text, intake.kind) is not None:
            concerns.append("reads_as_grievance")  # a complaint left as 咨询 is dispatched
        body = Text.assemble(("以此答案答复并结案：\n", "bold"))
        body.append_text(literal(hit.question, style="bold"))
        body.append(" ")
        body.append_text(status_badge(hit.status))
        body.append(f"\n{one_line(hit.unit_name)}\n\n", style="dim")
        for code in concerns:
            body.append(f"⚠ {CONCERNS[code]}\n", style="bold red")
        if concerns:
            body.append("确认后将记录您已知悉上述情况。\n\n", style="red")
        body.append_text(caller_summary(intake))
        confirmed = tuple(concerns)
        self._confirm(
            "确认以此答复？" if concerns else "答复结案",
            body,
            "仍以此答复结案" if concerns else "答复结案",
            lambda b: b.answer(intake, hit.article_id, confirmed=confirmed),
            f"已答复结案（知识库 {hit.article_id}）",
        )

    # ------------------------------------------------------------------ the article in full
    def action_subscribe_policy(self) -> None:
        """The caller asks to be told of new policies (R-ENTERPRISE): the subscription form,
        with the number and the enterprise's (or caller's) name from the intake."""
        f = self.form.fields()
        enterprise = f["caller_type"] == CallerType.ENTERPRISE.value
        name = (f["enterprise_name"] if enterprise else f["caller_name"]).strip()

        def entered(sub_id: str | None) -> None:
            if sub_id:
                self.notify(f"已登记政策订阅 {sub_id}", markup=False)

        self.app.push_screen(
            SubscribeDialog(f["caller_phone"].strip(), name, enterprise),
            entered,
        )

    def action_article(self) -> None:
        hit = self.query_one(AnswerList).highlighted_hit
        if hit is None or self.backend is None:
            self.notify("没有选中的知识", markup=False)
            return
        self.open_article(hit.article_id, "read")

    def action_copy_answer(self) -> None:
        hit = self.query_one(AnswerList).highlighted_hit
        if hit is None or self.backend is None:
            self.notify("没有选中的知识", markup=False)
            return
        self.open_article(hit.article_id, "copy")

    @work(thread=True, exclusive=True, group="intake-article", exit_on_error=False)
    def open_article(self, article_id: str, then: str) -> None:
        backend = self.backend
        if backend is None:
            return
        try:
            article = backend.article(article_id)
        except HotlineError as err:
            self.app.call_from_thread(self._backend_failed, err)
            return
        if then == "copy":
            self._copy(article.answer.strip())
        else:
            self.app.call_from_thread(self._show_article, article)

    def _show_article(self, article: ArticleView) -> None:
        def chosen(choice: str | None) -> None:
            if choice == "copy":
                self.copy_text(article.answer.strip())
            elif choice and choice.startswith("flag:"):
                self._flag(article, choice.removeprefix("flag:"))

        self.app.push_screen(ArticleDialog(article), chosen)

    @work(thread=True, exclusive=True, group="intake-copy", exit_on_error=False)
    def copy_text(self, text: str) -> None:
        self._copy(text)

    def _copy(self, text: str) -> None:
        app: Any = self.app
        result = copy_text(text, osc52=lambda t: app.call_from_thread(app.copy_to_clipboard, t))
        app.call_from_thread(app.notify, result.message, markup=False)

    def _flag(self, article: ArticleView, problem: str) -> None:
        label = FLAG_LABELS.get(problem, problem)
        note = Text.assemble((f"报告「{label}」：", "bold"))
        note.append_text(literal(one_line(article.question, 60)))
        note.append(f"\n将转给 {one_line(article.unit_name)} 核实更正（R-KB）", style="dim")

        def entered(value: str | None) -> None:
            if value is not None:
                self.flag_article(article.id, problem, value, label)

        self.app.push_screen(
            PromptDialog(f"报告知识{label}", placeholder="说明哪里有误或已过时", note=note), entered
        )

    @work(thread=True, exclusive=True, group="intake-flag", exit_on_error=False)
    def flag_article(self, article_id: str, problem: str, note: str, label: str) -> None:
        backend = self.backend
        if backend is None:
            return
        try:
            backend.flag_article(article_id, problem, note)
        except HotlineError as err:
            self.app.call_from_thread(self._backend_failed, err)
            return
        self.app.call_from_thread(
            self.notify, f"已报告「{label}」，转 {article_id} 的承办单位核实", markup=False
        )

    def action_promise(self) -> None:
        after_keys_before(self, self._promise_now)

    def _promise_now(self) -> None:
        intake = self._intake()
        if intake is None or not self._has_contact(intake, "承诺24小时内回复须留回复号码"):
            return
        body = Text("经来电人同意，向承办单位了解后在24小时内以短信或电话回复（R-CONSULT）。\n\n")
        body.append_text(caller_summary(intake))
        self._confirm(
            "承诺24小时内回复",
            body,
            "确认承诺",
            lambda b: b.promise_callback(intake),
            "已承诺24小时内回复",
        )

    # ------------------------------------------------------------------ hand to an expert
    def action_hand_to_expert(self) -> None:
        after_keys_before(self, self._hand_off_now)

    def _hand_off_now(self) -> None:
        intake = self._intake()
        if intake is None:
            return
        if intake.kind is not Kind.CONSULTATION:
            self.show_error(f"{intake.kind.label}类诉求须派单办理，只有咨询可以转专家（R-CONSULT）")
            return
        if not intake.caller_phone.strip():
            self.show_error("请填写来电人电话：专家答复须以短信或回电告知来电人（R-CONSULT）")
            self.set_focus(self.query_one("#caller_phone"))
            return
        # the fields routing suggests (the matter types of the unit suggestions, with their
        # reasons), then the matter type and the domain the seat chose
        fields: dict[str, tuple[str, ...]] = {}
        for sug in self.suggestions:
            if sug.matter and sug.matter not in fields:
                fields[sug.matter] = sug.reasons
        if intake.matter_type and intake.matter_type not in fields:
            fields[intake.matter_type] = ("话务员选定的事项类型",)
        fields.setdefault(intake.domain.label, ("诉求的业务领域",))
        self._busy = True
        self.refresh_bindings()
        self.load_experts(intake, fields)

    @work(thread=True, exclusive=True, group="intake-experts", exit_on_error=False)
    def load_experts(self, intake: Intake, fields: dict[str, tuple[str, ...]]) -> None:
        backend = self.backend
        assert backend is not None
        found: list[tuple[str, tuple[str, ...], list[ExpertView]]] = []
        try:
            for field, reasons in fields.items():
                try:
                    found.append((field, reasons, list(backend.experts(field, on_duty=True))))
                except InputError:
                    continue  # not a field of the roster (a matter type no longer listed)
        except HotlineError as err:
            self.app.call_from_thread(self._finish_failed, err)
            return
        self.app.call_from_thread(self._hand_off_dialog, intake, found)

    def _hand_off_dialog(
        self, intake: Intake, found: list[tuple[str, tuple[str, ...], list[ExpertView]]]
    ) -> None:
        self._busy = False
        self.refresh_bindings()
        rows: list[tuple[str, Text]] = []
        reasons_of: dict[str, tuple[str, ...]] = {}
        for field, reasons, experts in found:
            reasons_of[field] = reasons
            for e in experts:
                line = Text.assemble(("专家 ", "bold"), (one_line(e.name, 10), "bold"))
                line.append(f"（{one_line(e.unit_name, 14)}）· ", style="dim")
                line.append_text(literal(one_line(field, 16)))
                line.append("  在班", style="green")
                rows.append((f"{field}|{e.id}", line))
            queue = Text.assemble(("队列 ", "bold"), (one_line(field, 16), "bold"))
            queue.append(f" 专家队列（此刻在班 {len(experts)} 人）", style="dim")
            rows.append((f"{field}|", queue))
        if not rows:
            self.show_error("专家名册中没有擅长该领域的专家（R-EXPERT）：可按 F7 承诺24小时内回复")
            return
        answers = self.query_one(AnswerList)
        tried = [h.article_id for h in answers.hits[:8]]
        ground = self.query_one(GroundChecklist).ticked_ground
        body = Text("须征得来电人同意稍后答复（R-CONSULT），24小时内答复。\n", style="bold")
        for field, reasons, _ in found:
            if reasons:
                body.append("建议 ", style="dim")
                body.append_text(literal(one_line(field, 16)))
                body.append("：", style="dim")
                body.append_text(literal(one_line("；".join(reasons), 60)))
                body.append("\n")
        body.append(f"随附：已查看的知识 {len(tried)} 条", style="dim")
        if ground is not None:
            body.append(f"；不予受理检查表 第{ground.number}项", style="dim")
        body.append("\n\n")
        body.append_text(caller_summary(intake))
        levels = [("sms", "来电人同意：短信答复"), ("phone", "来电人同意：回电答复")]

        def picked(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            field, _, expert_id = result[0].partition("|")
            channel = result[1] or "sms"
            who = next(
                (e.name for f, _, es in found if f == field for e in es if e.id == expert_id),
                f"{field}专家队列",
            )
            self._busy = True
            self.refresh_bindings()
            self.finish(
                lambda b: b.hand_to_expert(
                    intake,
                    field,
                    expert_id or None,
                    consent=True,
                    channel=channel,
                    tried=tried,
                    ground=ground.number if ground is not None else None,
                    reasons=reasons_of.get(field, ()),
                ),
                f"已转专家解答：{who}",
            )

        self.app.push_screen(
            ChoiceDialog(
                "转专家解答：选择在班专家或领域队列", body, rows, levels, level_name="答复方式"
            ),
            picked,
        )

    def action_prefiled(self) -> None:
        after_keys_before(self, self._prefiled_now)

    def _prefiled_now(self) -> None:
        intake = self._intake()
        if intake is None:
            return
        chosen = self.query_one("#prefiling", TextList).selected_id
        scope = next((p for p in self.prefiling if p.id == chosen), None)
        if scope is None:
            self.show_error("没有匹配的报备范围（R-PREFILING）")
            return
        body = Text.assemble(("按报备向来电人解释：\n", "bold"))
        body.append_text(literal(scope.title, style="bold"))
        body.append("\n")
        body.append_text(literal(scope.explanation))
        body.append("\n\n")
        body.append_text(caller_summary(intake))
        self._confirm(
            "报备解释",
            body,
            "解释并结案",
            lambda b: b.explain_prefiled(intake, scope.id),
            f"已按报备「{one_line(scope.title)}」解释",
        )

    def _unit_rows(
        self, only: Callable[[UnitView], bool] | None = None
    ) -> tuple[list[tuple[str, Text]], list[UnitSuggestionView]]:
        """The dialog's rows (suggestions first, then every unit) and the suggestions that
        cannot be chosen yet: a city bureau's suggestion whose city is not known has no unit
        to go to, so the dialog names it and what is missing instead of dropping it."""
        rows: list[tuple[str, Text]] = []
        waiting: list[UnitSuggestionView] = []
        suggested = {s.unit_id for s in self.suggestions}
        if only is None:
            seen: set[tuple[str, str]] = set()
            for i, s in enumerate(self.suggestions, start=1):
                if not s.unit_id:
                    waiting.append(s)
                elif (s.unit_id, s.bureau) not in seen:
                    # a city 优化办 once per bureau it would forward to: the row chosen tells
                    # which (its matter type is recorded)
                    seen.add((s.unit_id, s.bureau))
                    rows.append((f"{s.unit_id}{_SUGGESTION}{i - 1}", unit_row(i, s)))
        for u in self.units:
            if (only is None and u.id in suggested) or (only is not None and not only(u)):
                continue
            rows.append((u.id, Text.assemble((one_line(u.name), ""), (f"  {u.id}", "dim"))))
        return rows, waiting

    @staticmethod
    def _chosen_suggestion(
        row: str, offered: Sequence[UnitSuggestionView]
    ) -> tuple[str, list[UnitSuggestionView]]:
        """The unit of a dispatch dialog's row, and the suggestion the row showed among those
        ``offered`` when the dialog opened (none for a unit of the full list)."""
        unit_id, _, at = row.partition(_SUGGESTION)
        if at.isdigit() and int(at) < len(offered) and offered[int(at)].unit_id == unit_id:
            return unit_id, [offered[int(at)]]
        return unit_id, []

    def _dispatch_dialog(self, special: bool) -> None:
        intake = self._intake()
        if intake is None or not self._has_contact(intake, "承办单位须与来电人沟通并回访"):
            return
        rows, waiting = self._unit_rows()
        offered = list(self.suggestions)  # as the rows show them (a later refresh moves them)
        if not rows:
            self.show_error("派单目录尚未读取，请稍候再试")
            return
        body = caller_summary(intake)
        said = grievance(intake.text, intake.kind)
        if said is not None and said.kind is not None:  # the limit told follows the kind
            body.append(
                f"\n类别为{intake.kind.label}，诉求读来像{said.kind.label}（时限10个工作日）："
                "可 Esc 后按 Ctrl+L 更改类别",
                style="yellow",
            )
        if self.context_text != self.form.text.strip():
            body.append(
                "\n建议承办单位尚未算出（可 Esc 后稍候再按 F9），也可直接选择", style="yellow"
            )
        if waiting:
            body.append("\n建议派往属地（请先填写地点（市州），再按 F9）：", style="bold yellow")
            for s in waiting[:3]:
                body.append(f"\n  · 市州优化办 → {one_line(s.bureau)}", style="yellow")
                if s.matter:
                    body.append(f"（{one_line(s.matter)}）", style="yellow")
        levels = None
        if special:
            clock = {Special.SPECIAL: "4小时内初步响应，R-SPECIAL",
                     Special.URGENT: "2小时内初步响应，R-SPECIAL-URGENT"}  # fmt: skip
            order = [Special.SPECIAL, Special.URGENT]
            if any(h.special is Special.URGENT for h in triage(intake.text, intake.kind)):
                order.reverse()  # the caller's words say fire, a gas leak …: 特殊紧急 first
            levels = [(m.value, f"{m.label}（{clock[m]}）") for m in order] + [
                # Art. 18: the report may also go to the incident's local government
                (f"{m.value}+gov", f"{m.label}，并通知当地人民政府（R-SPECIAL-REPORT）")
                for m in order
            ]

        def picked(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            row, choice = result
            unit_id, chosen = self._chosen_suggestion(row, offered)
            level, _, gov = choice.partition("+")
            mark = Special(level) if level else Special.NONE
            name = next((u.name for u in self.units if u.id == unit_id), unit_id)
            recorded = with_suggested_matter(intake, chosen, unit_id)
            # a city 优化办 forwards to a kind of bureau: the one of the matter recorded
            if chosen and chosen[0].bureau and chosen[0].matter == recorded.matter_type:
                name = f"{name}（转{one_line(chosen[0].bureau)}）"
            if gov:
                recorded = replace(recorded, notify_government=True)
            self._busy = True
            self.refresh_bindings()
            self.finish(
                lambda b: b.accept(recorded, unit_id=unit_id, special=mark),
                f"已受理并派单至 {name}"
                + (f"（{mark.label}）" if special else "")
                + ("，并通知当地人民政府" if gov else ""),
            )

        title = "特殊事项：选择承办单位并立即派单" if special else "受理并派单：选择承办单位"
        self.app.push_screen(ChoiceDialog(title, body, rows, levels, filterable=True), picked)

    def action_dispatch(self) -> None:
        after_keys_before(self, self._dispatch_now)

    def _dispatch_now(self) -> None:
        self._dispatch_dialog(special=False)

    def action_special(self) -> None:
        after_keys_before(self, self._special_now)

    def _special_now(self) -> None:
        self._dispatch_dialog(special=True)

    def action_transfer(self) -> None:
        after_keys_before(self, self._transfer_now)

    def _transfer_now(self) -> None:
        intake = self._intake()
        if intake is None:
            return
        rows, _ = self._unit_rows(only=lambda u: u.subcentre)
        if not rows:
            self.show_error("没有可转接的分中心")
            return
        body = Text("转到分中心热线（R-SUBCENTRE）。市州12345转来的电话不得转回（R-SOURCE）。\n\n")
        body.append_text(caller_summary(intake))

        def picked(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            unit = next(u for u in self.units if u.id == result[0])
            line = unit.hotline or unit.name
            self._busy = True
            self.refresh_bindings()
            self.finish(
                lambda b: b.transfer(intake, line, target_is_city_line=False),
                f"已转至 {unit.name}（{line}）",
            )

        self.app.push_screen(ChoiceDialog("转分中心", body, rows), picked)

    def action_refuse(self) -> None:
        after_keys_before(self, self._refuse_now)

    def _refuse_now(self) -> None:
        intake = self._intake()
        if intake is None:
            return
        ground = self.query_one(GroundChecklist).ticked_ground
        if ground is None:
            self.show_error("请先勾选不予受理的情形：按数字 1…0 勾选（或 Alt+1…0），再按 Ctrl+R")
            self.set_focus(self.query_one(GroundChecklist))
            return
        reason = ground.title
        body = Text.assemble((f"不予受理：第{ground.number}项 ", "bold"))
        body.append_text(literal(ground.title, style="bold"))
        body.append("\n请向来电人宣读：", style="bold")
        body.append_text(literal(ground.script))
        body.append("\n依据：", style="bold")
        body.append_text(literal(ground.basis))
        body.append("\n\n")
        body.append_text(caller_summary(intake))
        self._confirm(
            "不予受理（R-REFUSAL-RECORD）",
            body,
            "不予受理并记录",
            lambda b: b.refuse(intake, ground.number, reason, ground.basis),
            f"不予受理（第{ground.number}项）已记录",
        )

    @work(thread=True, exclusive=True, group="intake-finish", exit_on_error=False)
    def finish(self, run: Callable[[Backend], str], done: str) -> None:
        backend = self.backend
        assert backend is not None
        try:
            number = run(backend)
        except HotlineError as err:
            self.app.call_from_thread(self._finish_failed, err)
            return
        try:
            clocks: Sequence[ClockView] = backend.ticket(number).clocks
        except HotlineError:
            clocks = ()
        self.app.call_from_thread(self._finished, number, done, clocks)

    def _finish_failed(self, err: HotlineError) -> None:
        self._busy = False
        self.refresh_bindings()
        if isinstance(err, Unavailable):
            self.app.connection_lost()  # type: ignore[attr-defined]
            self.show_error("连接中断，未保存；表单已保留，连接恢复后请再按一次")
        else:
            said = told(err)
            self.show_error(said)
            self.notify(said, title="未完成", severity="error", markup=False)

    def _finished(self, number: str, done: str, clocks: Sequence[ClockView]) -> None:
        self._busy = False
        self.refresh_bindings()
        self._clear_form()
        body = Text.assemble(("工单号：", "bold"), (number, "bold reverse"), ("\n", ""), (done, ""))
        running = [c for c in clocks if c.running]
        for_caller = [c for c in running if c.key in CALLER_CLOCKS]
        internal = [c for c in running if c.key not in CALLER_CLOCKS]
        if for_caller:
            body.append("\n\n请告知来电人：", style="bold")
            body.append_text(clock_lines(for_caller))
        if internal:
            body.append("\n\n承办时限（内部，不必告知）：", style="dim")
            body.append_text(clock_lines(internal))
        self.app.push_screen(InfoDialog("已完成", body))
        self.notify(f"{number} {done}", markup=False)

    def action_choose_kind(self) -> None:
        """Open the kind list: the kind sets the limits, so it is one key away from anywhere."""
        kind = self.query_one("#kind", Select)
        self.set_focus(kind)  # now: the keys behind Ctrl+L in the same read choose the kind
        kind.expanded = True

    def action_focus_text(self) -> None:
        """Jump to the request text from anywhere in the form (the field typed in most).

        The focus moves at once, not once the keys already read are dispatched (``focus()``
        waits for them): the caller's words typed right behind Ctrl+E, in the same read, go to
        the request, not to the field left (which took them up to its limit and lost the
        rest)."""
        self.set_focus(self.query_one("#text"))

    def action_new_call(self) -> None:
        if not self.form.text.strip() and not self.form.fields()["caller_phone"].strip():
            self._clear_form()
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._clear_form()

        self.app.push_screen(
            ConfirmDialog("清空表单", Text("清空当前来电记录（草稿一并删除）？"), "清空"), confirmed
        )

    @property
    def kind(self) -> Kind:
        return Kind(self.form.fields()["kind"])
