"""The form a unit clerk fills to file a pre-filed scope (报备, R-PREFILING).

Title, the ground Art. 17 allows (不可抗力 / 特殊工作要求 / 服务对象恶意诉求), keywords, region,
start and end (Beijing time) and the explanation operators read to callers. Ctrl+S files it
through the Backend in a worker; a refusal is shown in the form (naming the field), nothing is
lost; Esc cancels. Dismisses with the new scope's id.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static, TextArea

from console.errors import HotlineError, InputError
from console.screens.field_labels import told
from console.screens.keys_in_order import after_keys_before
from console.screens.on_backend import OnBackend
from console.services.clock import SHANGHAI
from console.services.views import PrefilingDraft
from console.widgets.footer import KeyFooter

REASONS = (
    ("force_majeure", "不可抗力（如恶劣天气）"),
    ("special_work", "特殊工作要求"),
    ("malicious", "服务对象恶意诉求"),
)
FIELD_LABELS = {
    "title": "标题",
    "reason": "事由",
    "keywords": "关键词",
    "region": "区域",
    "starts": "开始时间",
    "ends": "结束时间",
    "explanation": "答复口径",
}
DEFAULT_DAYS = 3
"""The end offered: this many days after now (the clerk changes it)."""


def _moment(text: str, field: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(field, "应写成 2026-11-25 08:00 这样的时间") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=SHANGHAI)


class FileScopeDialog(OnBackend, ModalScreen[str | None]):
    """File a scope for the seat's unit; waits for the manager's review once filed."""

    DEFAULT_CSS = """
    FileScopeDialog { align: center middle; background: $background 60%; }
    FileScopeDialog > Vertical {
        width: 90%; max-width: 110; height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    FileScopeDialog #pf-form { height: 1fr; }
    FileScopeDialog #pf-form Label { margin-top: 1; color: $text-muted; }
    FileScopeDialog #pf-explanation { height: 6; }
    FileScopeDialog #pf-error { color: $error; text-style: bold; height: auto; }
    FileScopeDialog #pf-buttons { height: auto; align-horizontal: right; }
    FileScopeDialog #pf-buttons Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("ctrl+s", "submit", "提交报备", id="prefiling.submit"),
        Binding("escape", "cancel", "取消", id="prefiling.cancel"),
    ]

    def __init__(self, now: dt.datetime) -> None:
        super().__init__()
        self.now = now.astimezone(SHANGHAI).replace(second=0, microsecond=0)
        self.busy = False

    def compose(self) -> ComposeResult:
        ends = self.now + dt.timedelta(days=DEFAULT_DAYS)
        with Vertical():
            yield Label(Text("新报备（R-PREFILING，待管理部门审核）", style="bold"))
            with VerticalScroll(id="pf-form"):
                yield Label("标题")
                yield Input(placeholder="如：冰灾致岳阳部分线路停电", id="pf-title")
                yield Label("事由（《运行管理办法》第十七条）")
                yield RadioSet(
                    *(RadioButton(label, value=i == 0) for i, (_, label) in enumerate(REASONS)),
                    id="pf-reason",
                )
                yield Label("关键词（逗号分隔；来电说到才按报备答复）")
                yield Input(placeholder="如：停电,断电", id="pf-keywords")
                yield Label("区域（不写为全省）")
                yield Input(placeholder="如：岳阳市", id="pf-region")
                yield Label("开始时间（北京时间）")
                yield Input(value=f"{self.now:%Y-%m-%d %H:%M}", id="pf-starts")
                yield Label("结束时间")
                yield Input(value=f"{ends:%Y-%m-%d %H:%M}", id="pf-ends")
                yield Label("答复口径（话务员向来电人解释的话）")
                yield TextArea(id="pf-explanation")
            yield Static("", id="pf-error", markup=False)
            with Horizontal(id="pf-buttons"):
                yield Button(Text("提交报备（Ctrl+S）"), variant="primary", id="pf-submit")
                yield Button(Text("取消（Esc）"), id="pf-cancel")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#pf-error").display = False
        self.query_one("#pf-title", Input).focus()

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    @on(Button.Pressed, "#pf-submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#pf-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def draft(self) -> PrefilingDraft:
        """The form as a draft (a time that does not parse is refused naming its field)."""
        radio = self.query_one("#pf-reason", RadioSet)
        index = radio.pressed_index if radio.pressed_index >= 0 else 0
        words = self.query_one("#pf-keywords", Input).value.replace("，", ",").replace("、", ",")
        return PrefilingDraft(
            title=self.query_one("#pf-title", Input).value,
            reason=REASONS[index][0],
            keywords=tuple(words.split(",")),
            region=self.query_one("#pf-region", Input).value,
            starts=_moment(self.query_one("#pf-starts", Input).value, "starts"),
            ends=_moment(self.query_one("#pf-ends", Input).value, "ends"),
            explanation=self.query_one("#pf-explanation", TextArea).text,
        )

    def action_submit(self) -> None:
        after_keys_before(self, self._submit_now)  # once the keys read before Ctrl+S are in

    def _submit_now(self) -> None:
        if self.busy:
            return
        try:
            draft = self.draft()
        except InputError as err:
            self._refused(err)
            return
        self.busy = True
        self.file(draft)

    @work(thread=True, exclusive=True, group="prefiling-file", exit_on_error=False)
    def file(self, draft: PrefilingDraft) -> None:
        try:
            scope_id = self.backend.file_prefiling(draft)
        except HotlineError as err:
            self.app.call_from_thread(self._refused, err)
            return
        self.app.call_from_thread(self.dismiss, scope_id)

    def _refused(self, err: HotlineError) -> None:
        self.busy = False
        message = told(err, FIELD_LABELS)
        if isinstance(err, InputError):
            target = {"reason": "#pf-reason"}.get(err.field, f"#pf-{err.field}")
            focus = next(iter(self.query(target)), None)
            if focus is not None:
                focus.focus()
        error = self.query_one("#pf-error", Static)
        error.update(Text(message))
        error.display = True

    def action_cancel(self) -> None:
        self.dismiss(None)
