"""Action dialogs of the ticket view: one modal per workflow action of a unit clerk, the
manager, a supervisor or a seat.

Each dialog collects what its rule asks for, then calls the Backend with the ticket's
version in a thread worker. A refusal (RuleError with its R-id, InputError naming the
field, PermissionDenied) is shown inside the dialog and what was typed stays; a Conflict
(someone else changed the ticket first) offers Ctrl+R to reload; a lost connection is
retried. On success the dialog closes with "done" and the ticket view reloads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import (
    Button,
    Input,
    Label,
    OptionList,
    RadioButton,
    RadioSet,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from console.errors import Conflict, HotlineError, InputError, Unavailable
from console.screens.field_labels import told
from console.screens.keys_in_order import after_keys_before
from console.services.values import SUPERVISION_GROUNDS, SUPERVISION_METHODS, Satisfaction
from console.services.views import ActionView, SupervisionView, TicketView, UnitView
from console.widgets.deadline import due_label
from console.widgets.footer import KeyFooter
from console.widgets.paragraph import Paragraph
from console.widgets.safe import clean, literal

RETRIES = 5
RETRY_SECONDS = 3.0
OUTAGE = "数据库/服务器连接中断，正在重试…（已填写的内容会保留）"

Call = Callable[[Any], object]
"""What a dialog does: called with the Backend, in a worker."""


@dataclass(frozen=True)
class ActionContext:
    """What a dialog needs to know: the ticket as read, the action, units and today's date."""

    view: TicketView
    action: ActionView
    units: Sequence[UnitView] = ()
    today: dt.date | None = None

    @property
    def number(self) -> str:
        return self.view.number

    @property
    def version(self) -> int:
        return self.view.version

    def unit_name(self, unit_id: str | None) -> str:
        if not unit_id:
            return "（无）"
        return next((u.name for u in self.units if u.id == unit_id), unit_id)

    def last_event(self, *actions: str) -> Any:
        return next((e for e in reversed(self.view.events) if e.action in actions), None)


# ---------------------------------------------------------------------- field widgets
class UnitPicker(Vertical):
    """Pick a handling unit by typing part of its name (or a duty keyword), then ↓ and Enter.

    Nothing is chosen until the seat chooses: a highlighted row is not a destination. Enter on
    a row chooses it; Enter in the filter chooses the only unit left, or goes to the list.
    """

    DEFAULT_CSS = """
    UnitPicker { height: auto; }
    UnitPicker > OptionList { height: 7; }
    UnitPicker > .picker-chosen { color: $text-muted; }
    UnitPicker > .picker-chosen.-chosen { color: $text-success; text-style: bold; }
    """

    def __init__(
        self, units: Sequence[UnitView], exclude: Sequence[str] = (), *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.units = [u for u in units if u.id not in exclude]
        self.chosen: str | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="输入单位名称或职责关键字筛选，Enter 选定", classes="picker-filter")
        yield OptionList(*self._options(""), classes="picker-list")
        yield Label(Text("未选择（Enter 选定）"), classes="picker-chosen")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = None

    def _options(self, query: str) -> list[Option]:
        """Units whose name, id or duty keywords contain the query (住建 finds 省住房城乡建设厅:
        the characters in order are enough); whole-word matches first."""
        q = "".join(query.split()).lower()
        exact, loose = [], []
        for u in self.units:
            words = [u.name, u.full_name, u.id, *u.keywords, *u.duties]
            if not q or any(q in w.lower() for w in words):
                exact.append(u)
            elif _in_order(q, u.name.lower()) or _in_order(q, u.full_name.lower()):
                loose.append(u)
        return [Option(literal(u.name), id=u.id) for u in (*exact, *loose)]

    @property
    def value(self) -> str | None:
        return self.chosen

    def choose(self, unit_id: str | None) -> None:
        self.chosen = unit_id
        label = self.query_one(".picker-chosen", Label)
        if unit_id is None:
            label.update(Text("未选择（Enter 选定）"))
        else:
            text = Text("已选：")
            text.append_text(literal(next((u.name for u in self.units if u.id == unit_id), "")))
            label.update(text)
        label.set_class(unit_id is not None, "-chosen")

    def focus(self, scroll_visible: bool = True) -> UnitPicker:
        self.query_one(Input).focus(scroll_visible)
        return self

    @on(Input.Changed, ".picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        options = self.query_one(OptionList)
        options.set_options(self._options(event.value))
        options.highlighted = 0 if event.value.strip() and options.option_count else None

    @on(Input.Submitted, ".picker-filter")
    def _to_list(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if event.value.strip() and options.option_count == 1:
            self.choose(options.get_option_at_index(0).id)
            self._focus_past()
            return
        options.focus()

    def _focus_past(self) -> None:
        """On to the field after the picker (not its own list): what the seat types next
        belongs there."""
        chain = self.screen.focus_chain
        inside = [i for i, w in enumerate(chain) if self in w.ancestors_with_self]
        if inside and inside[-1] + 1 < len(chain):
            chain[inside[-1] + 1].focus()
        else:
            self.screen.focus_next()

    def on_key(self, event: Any) -> None:
        if event.key == "down" and self.query_one(Input).has_focus:
            event.stop()
            options = self.query_one(OptionList)
            if options.highlighted is None and options.option_count:
                options.highlighted = 0
            options.focus()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()  # a highlighted row is not a choice

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(event.option.id)
        self._focus_past()


def _in_order(query: str, text: str) -> bool:
    """Every character of the query appears in the text, in order."""
    it = iter(text)
    return all(ch in it for ch in query)


def radio(*labels: str, id: str, selected: int = 0) -> RadioSet:
    return RadioSet(
        *(RadioButton(label, value=(i == selected)) for i, label in enumerate(labels)), id=id
    )


def text_of(widget: Widget) -> str:
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Input):
        return widget.value
    raise TypeError(widget)


# ---------------------------------------------------------------------- the dialog base
class ActionDialog(ModalScreen[str | None]):
    """A form for one action. Subclasses give ``fields()`` and ``call()``."""

    CSS_PATH = "ticket.tcss"
    TITLE_TEXT: ClassVar[str] = ""
    SUBMIT_LABEL: ClassVar[str] = "提交"

    BINDINGS = [
        Binding("ctrl+s", "submit", "提交", id="dialog.submit"),
        Binding("escape", "cancel", "取消", id="dialog.cancel"),
        Binding("ctrl+r", "reload", "重新载入工单", id="dialog.reload"),
    ]

    def __init__(self, context: ActionContext) -> None:
        super().__init__()
        self.context = context
        self.conflict = False
        self.busy = False
        self.attempts = 0
        self._call: Call | None = None

    # subclasses ---------------------------------------------------------
    def fields(self) -> ComposeResult:
        yield from ()

    def dialog_title(self) -> str:
        return self.TITLE_TEXT or self.context.action.label

    def intro(self) -> Text | None:
        """What the seat should know before submitting (the rule, the pending request …)."""
        return None

    def call(self) -> Call:
        raise NotImplementedError

    # compose ------------------------------------------------------------
    def compose(self) -> ComposeResult:
        title = self.dialog_title()
        with Vertical(id="dialog"):
            yield Label(Text(f"{title} · 工单 {self.context.number}"), id="dialog-title")
            with VerticalScroll(id="dialog-form"):
                intro = self.intro()
                if intro is not None:
                    yield Static(Paragraph(intro), id="dialog-intro", markup=False)
                yield from self.fields()
            yield Static("", id="dialog-error", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button(
                    Text(f"{self.SUBMIT_LABEL}（Ctrl+S）"), variant="primary", id="dialog-submit"
                )
                yield Button(Text("取消（Esc）"), id="dialog-cancel")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#dialog-error").display = False
        first = next(
            iter(
                self.query(
                    "#dialog-form Input, #dialog-form TextArea, #dialog-form RadioSet, "
                    "#dialog-form OptionList, #dialog-form SelectionList"
                )
            ),
            None,
        )
        if first is not None:
            first.focus()
        else:
            self.query_one("#dialog-submit", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reload":
            return self.conflict
        return True

    # actions ------------------------------------------------------------
    @on(Button.Pressed, "#dialog-submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#dialog-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_submit(self) -> None:
        after_keys_before(self, self._submit_now)  # once the keys read before Ctrl+S are in

    def _submit_now(self) -> None:
        if self.busy:
            return
        try:
            self._call = self.call()
        except InputError as err:
            self.show_error(err)
            return
        self.attempts = 0
        self._start()

    def _start(self) -> None:
        assert self._call is not None
        self.busy = True
        self.attempts += 1
        self.query_one("#dialog-submit", Button).disabled = True
        self._run(self._call)

    @work(thread=True, exclusive=True, exit_on_error=False, group="action")
    def _run(self, call: Call) -> None:
        call(self.app.backend)  # type: ignore[attr-defined]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "action":
            return
        if event.state is WorkerState.SUCCESS:
            self.dismiss("done")
        elif event.state is WorkerState.ERROR:
            self.busy = False
            self.query_one("#dialog-submit", Button).disabled = False
            error = event.worker.error
            if isinstance(error, Unavailable) and self.attempts < RETRIES:
                self.show_message(Text(OUTAGE))
                self.set_timer(RETRY_SECONDS, self._retry)
            elif isinstance(error, HotlineError):
                self.show_error(error)
            else:
                self.show_message(Text(f"内部错误：{type(error).__name__}，已填写的内容仍保留"))

    def _retry(self) -> None:
        if self.is_mounted and not self.busy and self._call is not None:
            self._start()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self.dismiss("reload")

    # errors -------------------------------------------------------------
    def show_error(self, error: HotlineError) -> None:
        # an InputError's field is named by its label and focused below
        message = Text(clean(told(error)))
        if isinstance(error, Conflict):
            self.conflict = True
            self.refresh_bindings()
            message.append("\n按 Ctrl+R 重新载入工单（本表单将关闭），或 Esc 取消。", style="bold")
        elif isinstance(error, Unavailable):
            message = Text("数据库/服务器连接仍未恢复，已填写的内容仍保留；按 Ctrl+S 重试。")
        self.show_message(message)
        if isinstance(error, InputError):
            for widget in self.query(f"#field-{error.field}"):
                widget.focus()
                break

    def show_message(self, message: Text) -> None:
        box = self.query_one("#dialog-error", Static)
        box.update(message)
        box.display = True

    # helpers for subclasses ---------------------------------------------
    def value(self, field: str) -> str:
        return text_of(self.query_one(f"#field-{field}", Widget))

    def choice(self, field: str) -> int:
        return self.query_one(f"#field-{field}", RadioSet).pressed_index

    def label(self, text: str) -> Label:
        return Label(Text(text), classes="field-label")


# ---------------------------------------------------------------------- the dialogs
class SignDialog(ActionDialog):
    TITLE_TEXT = "签收"
    SUBMIT_LABEL = "确认签收"

    def intro(self) -> Text:
        out = Text("承办单位应在派单后1个工作日内签收（R-SIGN），签收后工单进入办理。")
        clock = next((c for c in self.context.view.clocks if c.key == "sign" and c.running), None)
        if clock is not None:
            out.append(f"\n签收时限：{due_label(clock.due_at)}", style="bold")
        return out

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#dialog-submit", Button).focus()

    def call(self) -> Call:
        number, version = self.context.number, self.context.version
        return lambda b: b.sign(number, version=version)


class ReturnDialog(ActionDialog):
    TITLE_TEXT = "退回"

    def intro(self) -> Text:
        out = Text(
            "不属于本单位职责的，应在派单后2个工作日内退回，并写明理由和依据（R-RETURN）；\n"
            "逾期退回计为超期工单。\n退回两次的工单自动转为疑难复杂事项（R-COMPLEX）。"
        )
        # the window of the current dispatch: signing stops its clock, not the unit's right to
        # return within it (a later return is still counted as an overdue ticket)
        window = [c for c in self.context.view.clocks if c.key == "return" and c.met_at is None]
        if window:
            out.append(f"\n退回时限：{due_label(window[-1].due_at)}", style="bold")
            if not window[-1].running:
                out.append("（工单已签收，仍按此时限计）", style="dim")
        return out

    def fields(self) -> ComposeResult:
        yield self.label("退回理由")
        yield TextArea(id="field-reason", classes="field-long")
        yield self.label("依据（职责文件、法规条款）")
        yield Input(id="field-basis")

    def call(self) -> Call:
        number, version = self.context.number, self.context.version
        reason, basis = self.value("reason"), self.value("basis")
        return lambda b: b.return_ticket(number, reason, basis, version=version)


class CompletionDialog(ActionDialog):
    TITLE_TEXT = "申请办结"

    def intro(self) -> Text:
        return Text("办结申请须写明：与服务对象的沟通方式、沟通日期、事项办理情况（R-COMPLETE）。")

    def fields(self) -> ComposeResult:
        yield self.label("沟通方式（电话、短信、当面、上门…）")
        yield Input(id="field-contact_method", placeholder="例如：电话（请填写实际方式）")
        yield self.label("沟通日期（YYYY-MM-DD）")
        today = self.context.today.isoformat() if self.context.today else ""
        yield Input(value=today, id="field-contact_date")
        yield self.label("办理情况")
        yield TextArea(id="field-handling", classes="field-long")

    def call(self) -> Call:
        number, version = self.context.number, self.context.version
        method, handling = self.value("contact_method"), self.value("handling")
        raw = self.value("contact_date").strip()
        date: dt.date | None = None
        if raw:
            try:
                date = dt.date.fromisoformat(raw)
            except ValueError:
                raise InputError(
                    "contact_date", f"日期格式应为 YYYY-MM-DD，收到「{raw}」"
                ) from None
        return lambda b: b.request_completion(number, method, date, handling, version=version)


class ExtensionDialog(ActionDialog):
    TITLE_TEXT = "申请延期"

    def intro(self) -> Text:
        out = Text(
            "延期须在办理时限期满前申请并说明理由，一般不超过10个工作日（R-EXTEND）；\n"
            "咨询类原则上不延期，确需延期不超过3个工作日（R-EXTEND-CONSULT）。\n经管理部门同意方有效。"
        )
        clock = next((c for c in self.context.view.clocks if c.key == "limit" and c.running), None)
        if clock is not None:
            out.append(f"\n当前办理时限：{due_label(clock.due_at)}", style="bold")
        return out

    def fields(self) -> ComposeResult:
        yield self.label("延期天数（工作日）")
        yield Input(id="field-days", type="integer", placeholder="例如 5")
        yield self.label("延期理由")
        yield TextArea(id="field-reason", classes="field-long")

    def call(self) -> Call:
        number, version = self.context.number, self.context.version
        raw, reason = self.value("days").strip(), self.value("reason")
        try:
            days = int(raw)
        except ValueError:
            raise InputError("days", "请填写延期的工作日天数（正整数）") from None
        return lambda b: b.request_extension(number, days, reason, version=version)


class TerminationDialog(ActionDialog):
    TITLE_TEXT = "终结备案申请"

    def intro(self) -> Text:
        return Text(
            "同一诉求人同一事项反复投诉、或已依法处理的事项，经管理部门认定后终结；\n"
            "须在线提交详细书面意见并向诉求人解释（R-TERMINATE）。"
        )

    def fields(self) -> ComposeResult:
        yield self.label("书面意见（事实、处理经过、终结理由，不少于20字）")
        yield TextArea(id="field-opinion", classes="field-long")

    def call(self) -> Call:
        number, version = self.context.number, self.context.version
        opinion = self.value("opinion")
        return lambda b: b.request_termination(number, opinion, version=version)


class NoteDialog(ActionDialog):
    """First response, progress report (R-SPECIAL) or the answer to a promised call-back (R-CONSULT)."""

    METHODS: ClassVar[dict[str, tuple[str, str, str, str]]] = {
        # action: (title, field, method, rule text)
        "first_response": (
            "反馈初步响应",
            "note",
            "first_response",
            "特殊事项4小时内、特殊紧急事项2小时内作出初步响应（R-SPECIAL、R-SPECIAL-URGENT）。",
        ),
        "report_progress": (
            "反馈处理进度",
            "note",
            "report_progress",
            "特殊事项3个工作日内、特殊紧急事项2个工作日内反馈处理进度（R-SPECIAL、R-SPECIAL-URGENT）。",
        ),
        "answer_callback": (
            "回复来电人",
            "answer",
            "answer_callback",
            "咨询事项须在承诺后24小时内以短信或回电答复来电人（R-CONSULT）。",
        ),
        "report_co_part": (
            "协办反馈",
            "note",
            "report_co_part",
            "疑难复杂事项由牵头单位办理，配合单位应积极配合，在此记录本单位承担的工作（R-COMPLEX）。",
        ),
        "urge": (
            "催办",
            "note",
            "urge",
            "催办内容通过短信发给承办单位联络员，并记入工单（R-LIMIT）。",
        ),
        "mark_law_case": (
            "认定调解、执法办案类事项",
            "note",
            "mark_law_case",
            "行政调解类、执法办案类事项依法依规处置，不片面追求满意率（第二十条）：认定后，"
            "本考核期起该工单的回访不计入承办单位的群众满意率。请写明属哪一类及理由"
            "（R-DISSATISFIED-OUTCOMES）。",
        ),
        "withdraw_law_case": (
            "撤销调解、执法办案类认定",
            "note",
            "withdraw_law_case",
            "认定有误时撤销：自本考核期起该工单的回访重新计入群众满意率，已结束的考核期不变。"
            "请写明撤销理由（R-DISSATISFIED-OUTCOMES）。",
        ),
    }

    def __init__(self, context: ActionContext) -> None:
        super().__init__(context)
        self.title_text, self.field, self.method, self.rule_text = self.METHODS[
            context.action.action
        ]

    def intro(self) -> Text:
        out = Text(self.rule_text)
        key = {
            "first_response": "first_response",
            "report_progress": "progress",
            "answer_callback": "consult",
            "report_co_part": "limit",
            "urge": "limit",
            "mark_law_case": "",
            "withdraw_law_case": "",
        }[self.context.action.action]
        clock = next((c for c in self.context.view.clocks if c.key == key and c.running), None)
        if clock is not None:
            out.append(f"\n时限：{due_label(clock.due_at)}", style="bold")
        return out

    def dialog_title(self) -> str:
        return self.title_text

    def fields(self) -> ComposeResult:
        labels = {"mark_law_case": "认定理由", "withdraw_law_case": "撤销理由"}
        yield self.label(labels.get(self.method, "内容"))
        yield TextArea(id=f"field-{self.field}", classes="field-long")

    def call(self) -> Call:
        number, version = self.context.number, self.context.version
        note, method = self.value(self.field), self.method
        return lambda b: getattr(b, method)(number, note, version=version)


class ReviewReturnDialog(ActionDialog):
    TITLE_TEXT = "审核退回"

    def intro(self) -> Text:
        out = Text(
            "同意：确定责任单位并重新派单，办理时限重新计算；\n不同意：说明理由，原单位继续办理，"
            "办理时限重新计算（R-RETURN-REVIEW）。"
        )
        event = self.context.last_event("return")
        if event is not None:
            out.append("\n退回单位：", style="dim")
            out.append(clean(self.context.unit_name(self.context.view.unit_id)))
            out.append("\n退回理由：", style="dim")
            out.append(clean(event.reason))
            out.append("\n依据：", style="dim")
            out.append(clean(event.details.get("basis", "")))
        return out

    def fields(self) -> ComposeResult:
        yield radio("同意退回，改派以下单位", "不同意退回，原单位继续办理", id="field-approve")
        yield self.label("改派单位（同意时必选）")
        yield UnitPicker(
            self.context.units, exclude=[self.context.view.unit_id or ""], id="field-new_unit_id"
        )
        yield self.label("审核意见")
        yield Input(id="field-reason")

    def call(self) -> Call:
        number, version = self.context.number, self.context.version
        approve = self.choice("approve") == 0
        unit = self.query_one(UnitPicker).value if approve else None
        reason = self.value("reason")
        if approve and not unit:
            raise InputError("new_unit_id", "同意退回须选择改派的承办单位（R-RETURN-REVIEW）")
        return lambda b: b.review_return(number, approve, reason, new_unit_id=unit, version=version)


class ReviewDialog(ActionDialog):
    """The manager approves or rejects a completion, an extension or a termination."""

    KINDS: ClassVar[dict[str, tuple[str, str, str, str]]] = {
        # action: (title, approve label, reject label, rule text)
        "review_completion": (
            "审核办结",
            "同意办结（进入回访）",
            "退回办结申请（原单位继续办理）",
            "退回须说明理由；退回后办理时限从首次收到工单起计算，不重新起算（R-COMPLETE-REJECT）；"
            "两次被退回计为未按时回复（R-LATE-REPLY）。",
        ),
        "review_extension": (
            "审核延期",
            "同意延期（告知来电人）",
            "不同意延期",
            "同意后办理时限顺延，并告知来电人（R-EXTEND）。不同意须说明理由。",
        ),
        "review_termination": (
            "审核终结",
            "同意终结",
            "不同意终结",
            "须在查明事实后认定终结，写明事实认定与依据（R-TERMINATE）。",
        ),
    }

    def __init__(self, context: ActionContext) -> None:
        super().__init__(context)
        self.title_text, self.approve_label, self.reject_label, self.rule_text = self.KINDS[
            context.action.action
        ]

    def dialog_title(self) -> str:
        return self.title_text

    def intro(self) -> Text:
        out = Text(self.rule_text)
        view, action = self.context.view, self.context.action.action
        if action == "review_completion":
            event = self.context.last_event("request_completion")
            if event is not None:
                out.append("\n沟通方式：", style="dim")
                out.append(clean(event.details.get("contact_method", "")))
                out.append("  沟通日期：", style="dim")
                out.append(clean(event.details.get("contact_date", "")))
                out.append("\n办理情况：", style="dim")
                out.append(clean(event.reason))
        elif action == "review_extension":
            out.append(
                f"\n申请延期：{clean(view.pending_data.get('days', '?'))} 个工作日", style="bold"
            )
            out.append("\n理由：", style="dim")
            out.append(clean(view.pending_data.get("reason", "")))
        elif action == "review_termination":
            out.append("\n书面意见：", style="dim")
            out.append(clean(view.pending_data.get("opinion", "")))
        return out

    def fields(self) -> ComposeResult:
        yield radio(self.approve_label, self.reject_label, id="field-approve")
        yield self.label("审核意见（不同意时必填）")
        yield TextArea(id="field-reason", classes="field-short")

    def call(self) -> Call:
        number, version = self.context.number, self.context.version
        approve = self.choice("approve") == 0
        reason = self.value("reason")
        method = self.context.action.action
        return lambda b: getattr(b, method)(number, approve, reason, version=version)


class DesignateLeadDialog(ActionDialog):
    TITLE_TEXT = "指定牵头单位"

    def intro(self) -> Text:
        return Text(
            "疑难复杂事项由管理部门指定牵头单位，配合单位须协同办理，工单不得退回（R-COMPLEX）。"
        )

    def fields(self) -> ComposeResult:
        yield self.label("牵头单位")
        yield UnitPicker(self.context.units, id="field-lead_unit_id")
        yield self.label("配合单位（空格勾选）")
        yield SelectionList[str](
            *(
                (literal(u.name), u.id, u.id in self.context.view.co_unit_ids)
                for u in self.context.units
            ),
            id="field-co_unit_ids",
        )
        yield self.label("理由")
        yield Input(id="field-reason")

    def call(self) -> Call:
        number, version = self.context.number, self.context.version
        lead = self.query_one(UnitPicker).value
        if not lead:
            raise InputError("lead_unit_id", "请选择牵头单位")
        cos = [u for u in self.query_one(SelectionList).selected if u != lead]
        reason = self.value("reason")
        return lambda b: b.designate_lead(number, lead, cos, reason, version=version)


class DispatchDialog(ActionDialog):
    TITLE_TEXT = "派单"

    def intro(self) -> Text:
        return Text("求助、投诉、举报、意见建议类工单派至负有职责的承办单位（R-DISPATCH）。")

    def fields(self) -> ComposeResult:
        yield self.label("承办单位")
        yield UnitPicker(self.context.units, id="field-unit_id")

    def call(self) -> Call:
        number, version = self.context.number, self.context.version
        unit = self.query_one(UnitPicker).value
        if not unit:
            raise InputError("unit_id", "请选择承办单位")
        return lambda b: b.dispatch(number, unit, version=version)


CALLBACK_RESULTS: tuple[tuple[str, Satisfaction | None], ...] = (
    ("满意", Satisfaction.SATISFIED),
    ("基本满意", Satisfaction.BASIC),
    ("不满意", Satisfaction.DISSATISFIED),
    ("未接通 / 自动回访已发出（未评价）", None),
)


class CallbackDialog(ActionDialog):
    TITLE_TEXT = "登记回访结果"

    def intro(self) -> Text:
        return Text(
            "办结后24小时内自动回访（短信或语音），或72小时内人工回访（R-CALLBACK）；\n"
            "自动回访72小时未评价、人工回访多次未接通，视为基本满意（R-DEFAULT-SATISFIED）。"
        )

    def fields(self) -> ComposeResult:
        yield self.label("回访结果")
        yield radio(*(label for label, _ in CALLBACK_RESULTS), id="field-result")
        yield self.label("回访方式")
        yield radio("人工回访", "自动回访（短信/语音）", id="field-method")
        yield self.label("备注")
        yield Input(id="field-note")

    def call(self) -> Call:
        number, version = self.context.number, self.context.version
        result = CALLBACK_RESULTS[self.choice("result")][1]
        method = "manual" if self.choice("method") == 0 else "auto"
        note = self.value("note")
        return lambda b: b.record_callback(
            number, result, method=method, note=note, version=version
        )


class DissatisfiedDialog(ActionDialog):
    TITLE_TEXT = "处理不满意工单"

    def intro(self) -> Text:
        return Text(
            "办理结果不符合法律政策、或承办单位未联系来电人/未实际办理的，退回重新办理，时限重新计算"
            "（R-REDO）；\n超出法定范围、客观无法办理的结案（R-DISSATISFIED-OUTCOMES）。"
        )

    def fields(self) -> ComposeResult:
        yield radio("重新办理（原单位）", "结案", id="field-decision")
        yield self.label("认定理由")
        yield TextArea(id="field-reason", classes="field-short")

    def call(self) -> Call:
        number, version = self.context.number, self.context.version
        decision = "redo" if self.choice("decision") == 0 else "close"
        reason = self.value("reason")
        return lambda b: b.decide_dissatisfied(number, decision, reason, version=version)


class SupervisionDialog(ActionDialog):
    TITLE_TEXT = "督办"

    def intro(self) -> Text:
        return Text(
            # a sentence a line, as the other dialogs say their rules
            "督办情形见第二十二条（R-SUPERVISE-WHEN）。\n"
            "方式为书面函告、现场督导或督办会议，形成督办工单（R-SUPERVISE-HOW）。\n"
            "一般20个工作日内办结（R-SUPERVISE-LIMIT）。"
        )

    def fields(self) -> ComposeResult:
        yield self.label("督办情形")
        yield radio(
            *(f"（{n}）{label}" for n, label in SUPERVISION_GROUNDS.items()), id="field-ground"
        )
        yield self.label("督办方式")
        yield radio(*SUPERVISION_METHODS.values(), id="field-method")
        yield self.label("督办内容")
        yield TextArea(id="field-note", classes="field-short")

    def call(self) -> Call:
        number, version = self.context.number, self.context.version
        ground = list(SUPERVISION_GROUNDS)[self.choice("ground")]
        method = list(SUPERVISION_METHODS)[self.choice("method")]
        note = self.value("note")
        return lambda b: b.open_supervision(number, ground, method, note, version=version)


class SupervisionActionDialog(ActionDialog):
    """督办说明 (the supervised unit's clerk), 督办延期 and 督办办结 (manager, supervisor).

    Acts on one supervision ticket: with several the seat may act on, a picker offers them,
    the latest first (and chosen).
    """

    KINDS: ClassVar[dict[str, tuple[str, str]]] = {
        # action: (title, rule text)
        "reply_supervision": (
            "督办说明",
            "被督办单位须书面说明情况，并在督办时限内办结（R-SUPERVISE-WHEN）；"
            "说明提交后由管理部门办结督办。",
        ),
        "extend_supervision": (
            "督办延期",
            "督办事项一般20个工作日内办结；情况复杂的可延期1次，最多10个工作日"
            "（R-SUPERVISE-LIMIT）。",
        ),
        "close_supervision": (
            "督办办结",
            "被督办单位书面说明情况后，管理部门方可办结督办（R-SUPERVISE-WHEN、R-SUPERVISE-LIMIT）。",
        ),
    }

    def __init__(self, context: ActionContext) -> None:
        super().__init__(context)
        self.title_text, self.rule_text = self.KINDS[context.action.action]
        by_id = {s.id: s for s in context.view.supervisions}
        # the backend names the supervisions this seat may act on (R-SUPERVISE-*), latest first
        self.candidates: list[SupervisionView] = [
            by_id[i] for i in context.action.targets if i in by_id
        ]

    def dialog_title(self) -> str:
        return self.title_text

    def _summary(self, sup: SupervisionView, with_unit: bool = True) -> Text:
        out = Text(f"督办 #{sup.id} {SUPERVISION_GROUNDS.get(sup.ground, str(sup.ground))}")
        out.append(f" · {SUPERVISION_METHODS.get(sup.method, sup.method)}")
        if with_unit:
            out.append(f" · {clean(self.context.unit_name(sup.unit_id))}")
        if sup.due_at is not None:
            out.append(f" · 到期 {due_label(sup.due_at)}", style="bold red" if sup.overdue else "")
        if sup.extended:
            out.append(" · 已延期", style="cyan")
        return out

    def intro(self) -> Text:
        out = Text(self.rule_text)
        if not self.candidates:
            out.append("\n没有可操作的督办工单。", style="bold")
        for sup in self.candidates:
            out.append("\n")
            out.append_text(self._summary(sup))
            out.append("\n  督办内容：", style="dim")
            out.append(clean(sup.note))
            out.append("\n  书面说明：", style="dim")
            out.append(clean(sup.reply) if sup.reply else "（尚未说明）")
        return out

    def fields(self) -> ComposeResult:
        if len(self.candidates) > 1:
            yield self.label("督办工单（默认最近一件）")
            yield RadioSet(
                *(
                    RadioButton(self._summary(sup, with_unit=False), value=(i == 0))
                    for i, sup in enumerate(self.candidates)
                ),
                id="field-supervision",
            )
        action = self.context.action.action
        if action == "reply_supervision":
            yield self.label("书面说明（办理情况、未按时办理的原因、整改措施与完成时间）")
            yield TextArea(id="field-reply", classes="field-long")
        elif action == "extend_supervision":
            yield self.label("延期天数（工作日，最多10个）")
            yield Input(id="field-days", type="integer", placeholder="例如 10")
            yield self.label("延期理由")
            yield TextArea(id="field-reason", classes="field-short")
        else:
            yield self.label("办结意见")
            yield TextArea(id="field-note", classes="field-short")

    def supervision_id(self) -> int:
        if not self.candidates:
            raise InputError("supervision", "没有可操作的督办工单")
        index = self.choice("supervision") if len(self.candidates) > 1 else 0
        return self.candidates[max(index, 0)].id

    def call(self) -> Call:
        sid = self.supervision_id()
        action = self.context.action.action
        if action == "reply_supervision":
            reply = self.value("reply")
            return lambda b: b.reply_supervision(sid, reply)
        if action == "extend_supervision":
            raw, reason = self.value("days").strip(), self.value("reason")
            try:
                days = int(raw)
            except ValueError:
                raise InputError("days", "请填写延期的工作日天数（正整数）") from None
            return lambda b: b.extend_supervision(sid, days, reason)
        note = self.value("note")
        return lambda b: b.close_supervision(sid, note)


DIALOGS: dict[str, type[ActionDialog]] = {
    "sign": SignDialog,
    "return": ReturnDialog,
    "request_completion": CompletionDialog,
    "request_extension": ExtensionDialog,
    "request_termination": TerminationDialog,
    "first_response": NoteDialog,
    "report_progress": NoteDialog,
    "answer_callback": NoteDialog,
    "report_co_part": NoteDialog,
    "urge": NoteDialog,
    "mark_law_case": NoteDialog,
    "withdraw_law_case": NoteDialog,
    "review_return": ReviewReturnDialog,
    "review_completion": ReviewDialog,
    "review_extension": ReviewDialog,
    "review_termination": ReviewDialog,
    "designate_lead": DesignateLeadDialog,
    "dispatch": DispatchDialog,
    "record_callback": CallbackDialog,
    "decide_dissatisfied": DissatisfiedDialog,
    "open_supervision": SupervisionDialog,
    "reply_supervision": SupervisionActionDialog,
    "extend_supervision": SupervisionActionDialog,
    "close_supervision": SupervisionActionDialog,
}


def dialog_for(context: ActionContext) -> ActionDialog | None:
    """The dialog of an action, or None when the console has none for it."""
    cls = DIALOGS.get(context.action.action)
    return cls(context) if cls is not None else None
