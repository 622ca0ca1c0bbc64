"""The form the manager fills to put a unit's expert on the roster (专家座席, R-EXPERT).

Name, unit (its id, as `hotline unit list` shows it), the fields covered (domains or matter
types, separated by 、 or commas), the duty shifts (separated by ;), duty phone and note.
Ctrl+S adds the expert through the Backend in a worker; a refusal is shown in the form naming
the field and focusing it, nothing typed is lost; Esc cancels. Dismisses with the expert's id.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from console.errors import HotlineError, InputError, NotFound
from console.screens.field_labels import told
from console.screens.keys_in_order import after_keys_before
from console.screens.on_backend import OnBackend
from console.services.views import ExpertDraft
from console.widgets.footer import KeyFooter

FIELD_LABELS = {
    "name": "姓名",
    "unit_id": "所属单位",
    "fields": "擅长领域",
    "shifts": "值班时间",
    "phone": "值班电话",
    "seat": "坐席账号",
    "note": "备注",
    "kind": "名册类别",
    "desk_lead": "名册类别",
}
KINDS = {"": "expert", "专家": "expert", "expert": "expert", "政策专员": "policy",
         "policy": "policy", "专席负责人": "policy"}  # fmt: skip
"""What the 名册类别 line accepts (empty: an expert); 专席负责人 is a policy specialist who
assigns the 政企通 desk's requests (R-ENTERPRISE)."""


class AddExpertDialog(OnBackend, ModalScreen[str | None]):
    """Put an expert on the roster (the manager)."""

    DEFAULT_CSS = """
    AddExpertDialog { align: center middle; background: $background 60%; }
    AddExpertDialog > Vertical {
        width: 90%; max-width: 100; height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    AddExpertDialog #ex-form { height: 1fr; }
    AddExpertDialog #ex-form Label { margin-top: 1; color: $text-muted; }
    AddExpertDialog #ex-error { color: $error; text-style: bold; height: auto; }
    AddExpertDialog #ex-buttons { height: auto; align-horizontal: right; }
    AddExpertDialog #ex-buttons Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("ctrl+s", "submit", "列入名册", id="experts.submit"),
        Binding("escape", "cancel", "取消", id="experts.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("专家列入名册（R-EXPERT，由管理部门日常管理）", style="bold"))
            with VerticalScroll(id="ex-form"):
                yield Label("姓名")
                yield Input(placeholder="如：王建国", id="ex-name")
                yield Label("所属单位（单位编号，见 hotline unit list）")
                yield Input(placeholder="如：hn-rst", id="ex-unit_id")
                yield Label("擅长领域或事项类型（顿号或逗号隔开）")
                yield Input(placeholder="如：公共服务、公交线路与站点", id="ex-fields")
                yield Label("值班时间（多个用分号隔开）")
                yield Input(
                    placeholder="如：工作日 09:00-17:30；周六,周日 09:00-12:00", id="ex-shifts"
                )
                yield Label("值班电话（可不写）")
                yield Input(placeholder="如：0731-88888888", id="ex-phone")
                yield Label("备注（可不写）")
                yield Input(id="ex-note")
                yield Label("名册类别（不写为专家；政策专员或专席负责人：政企通，R-ENTERPRISE）")
                yield Input(placeholder="专家 / 政策专员 / 专席负责人", id="ex-kind")
            yield Static("", id="ex-error", markup=False)
            with Horizontal(id="ex-buttons"):
                yield Button(Text("列入名册（Ctrl+S）"), variant="primary", id="ex-submit")
                yield Button(Text("取消（Esc）"), id="ex-cancel")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#ex-error").display = False
        self.query_one("#ex-name", Input).focus()

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    @on(Button.Pressed, "#ex-submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#ex-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def _value(self, name: str) -> str:
        return self.query_one(f"#ex-{name}", Input).value

    def draft(self) -> ExpertDraft:
        kind = self._value("kind").strip()
        return ExpertDraft(
            name=self._value("name"),
            unit_id=self._value("unit_id").strip(),
            fields=(self._value("fields"),),  # several, 、 or comma apart: the roster splits
            shifts=(self._value("shifts"),),  # several, ; apart
            phone=self._value("phone"),
            note=self._value("note"),
            kind=KINDS.get(kind, kind),  # anything else: the roster names the bad kind
            desk_lead=kind == "专席负责人",
        )

    def action_submit(self) -> None:
        after_keys_before(self, self._submit_now)  # once the keys read before Ctrl+S are in

    def _submit_now(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.add(self.draft())

    @work(thread=True, exclusive=True, group="experts-add", exit_on_error=False)
    def add(self, draft: ExpertDraft) -> None:
        try:
            expert_id = self.backend.add_expert(draft)
        except HotlineError as err:
            self.app.call_from_thread(self._refused, err)
            return
        self.app.call_from_thread(self.dismiss, expert_id)

    def _refused(self, err: HotlineError) -> None:
        self.busy = False
        message = told(err, FIELD_LABELS)
        field = ""
        if isinstance(err, InputError):
            field = err.field
        elif isinstance(err, NotFound) and "单位" in message:
            field = "unit_id"
        focus = next(iter(self.query(f"#ex-{field}")), None) if field else None
        if focus is not None:
            focus.focus()
        error = self.query_one("#ex-error", Static)
        error.update(Text(message))
        error.display = True

    def action_cancel(self) -> None:
        self.dismiss(None)
