"""The form a seat fills to enter a caller's policy subscription (政企通精准推送, R-ENTERPRISE).

Opened from intake (Ctrl+G) with the caller's number, and the enterprise's name or the
caller's, already in it: whom (企业 or 群众), the number the messages go to, the caller's
consent (required; a citizen's subscription without it is refused, R-CONFIDENTIAL), and what
to push — industries, enterprise sizes, regions (cities of Hunan) and topics, each left empty
for "any". Ctrl+S enters it through the Backend in a worker; a refusal is shown in the form
naming the field and focusing it, nothing typed is lost; Esc cancels. Dismisses with the
subscription's id.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from console.errors import HotlineError, InputError, RuleError
from console.screens.field_labels import told
from console.screens.keys_in_order import after_keys_before
from console.screens.on_backend import OnBackend
from console.services.views import PolicySubscriptionDraft
from console.widgets.footer import KeyFooter

FIELD_LABELS = {
    "kind": "订阅人类型",
    "name": "订阅人",
    "phone": "接收号码",
    "consent": "同意推送",
    "industries": "行业",
    "sizes": "企业规模",
    "regions": "地区",
    "topics": "主题",
}
KINDS = (("企业", "enterprise"), ("群众（须本人同意）", "citizen"))


class SubscribeDialog(OnBackend, ModalScreen[str | None]):
    """Enter a policy subscription for the caller on the line."""

    DEFAULT_CSS = """
    SubscribeDialog { align: center middle; background: $background 60%; }
    SubscribeDialog > Vertical {
        width: 90%; max-width: 100; height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    SubscribeDialog #ps-form { height: 1fr; }
    SubscribeDialog #ps-form Label { margin-top: 1; color: $text-muted; }
    SubscribeDialog #ps-error { color: $error; text-style: bold; height: auto; }
    SubscribeDialog #ps-buttons { height: auto; align-horizontal: right; }
    SubscribeDialog #ps-buttons Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("ctrl+s", "submit", "登记订阅", id="policy.submit"),
        Binding("escape", "cancel", "取消", id="policy.cancel"),
    ]

    def __init__(self, phone: str = "", name: str = "", enterprise: bool = True) -> None:
        super().__init__()
        self.phone, self.name_, self.enterprise = phone, name, enterprise
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("登记政策订阅（政企通精准推送，R-ENTERPRISE）", style="bold"))
            with VerticalScroll(id="ps-form"):
                yield Label("订阅人类型")
                yield Select(
                    KINDS, value="enterprise" if self.enterprise else "citizen",
                    allow_blank=False, id="ps-kind",
                )  # fmt: skip
                yield Label("企业名称或群众姓名")
                yield Input(self.name_, placeholder="如：湘江外贸有限公司", id="ps-name")
                yield Label("接收推送的号码")
                yield Input(self.phone, placeholder="手机号或带区号的固定电话", id="ps-phone")
                yield Checkbox("订阅人已同意接收政策推送（可随时回复TD退订）", id="ps-consent")
                yield Label("行业（顿号隔开，不写为全部；群众不填）")
                yield Input(placeholder="如：外贸、制造业", id="ps-industries")
                yield Label("企业规模（大型、中型、小型、微型、个体工商户；不写为全部）")
                yield Input(placeholder="如：小型、微型", id="ps-sizes")
                yield Label("地区（市州，不写为全省）")
                yield Input(placeholder="如：长沙、株洲", id="ps-regions")
                yield Label("主题词（不写为全部政策）")
                yield Input(placeholder="如：税收优惠、政府采购", id="ps-topics")
            yield Static("", id="ps-error", markup=False)
            with Horizontal(id="ps-buttons"):
                yield Button(Text("登记订阅（Ctrl+S）"), variant="primary", id="ps-submit")
                yield Button(Text("取消（Esc）"), id="ps-cancel")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#ps-error").display = False
        self.query_one("#ps-name" if not self.name_ else "#ps-consent").focus()

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    @on(Button.Pressed, "#ps-submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#ps-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def _value(self, name: str) -> str:
        return self.query_one(f"#ps-{name}", Input).value

    def draft(self) -> PolicySubscriptionDraft:
        kind = self.query_one("#ps-kind", Select).value

        def words(name: str) -> tuple[str, ...]:
            text = self._value(name)
            return (text,) if text.strip() else ()  # several, 、 or comma apart: split there

        return PolicySubscriptionDraft(
            kind=kind if isinstance(kind, str) else "enterprise",
            name=self._value("name"),
            phone=self._value("phone"),
            consent=self.query_one("#ps-consent", Checkbox).value,
            industries=words("industries"),
            sizes=words("sizes"),
            regions=words("regions"),
            topics=words("topics"),
        )

    def action_submit(self) -> None:
        # once the keys before Ctrl+S have done their work: a kind chosen in its list and
        # Ctrl+S in one read register that kind
        after_keys_before(self, self._submit_now)

    def _submit_now(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.subscribe(self.draft())

    @work(thread=True, exclusive=True, group="policy-subscribe", exit_on_error=False)
    def subscribe(self, draft: PolicySubscriptionDraft) -> None:
        try:
            sub_id = self.backend.subscribe_policy(draft)
        except HotlineError as err:
            self.app.call_from_thread(self._refused, err)
            return
        self.app.call_from_thread(self.dismiss, sub_id)

    def _refused(self, err: HotlineError) -> None:
        self.busy = False
        message, field = told(err, FIELD_LABELS), ""
        if isinstance(err, InputError):
            field = err.field
        elif isinstance(err, RuleError) and err.rule == "R-CONFIDENTIAL":
            field = "consent"
        focus = next(iter(self.query(f"#ps-{field}")), None) if field else None
        if focus is not None:
            focus.focus()
        error = self.query_one("#ps-error", Static)
        error.update(Text(message))
        error.display = True

    def action_cancel(self) -> None:
        self.dismiss(None)
