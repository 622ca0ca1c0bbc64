"""The intake form: caller, source, kind, domain, place and what the caller says.

``fields()`` / ``load(fields)`` give the plain-string shape the draft file keeps;
``to_intake()`` the frozen ``Intake`` the backend takes.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Select, TextArea

from console.services.categories import matter_types
from console.services.values import CallerType, Domain, Kind, Source
from console.services.views import Intake
from console.widgets.safe import clean, has_controls

INPUT_FIELDS = (
    "caller_phone",
    "caller_name",
    "enterprise_name",
    "caller_id_number",
    "source_line",
    "place",
)
SELECT_FIELDS: dict[str, type[Kind] | type[Domain] | type[Source] | type[CallerType]] = {
    "caller_type": CallerType,
    "source": Source,
    "kind": Kind,
    "domain": Domain,
}
DEFAULTS = {
    "caller_type": CallerType.PERSON.value,
    "source": Source.CITY_TRANSFER.value,
    "kind": Kind.CONSULTATION.value,
    "domain": Domain.PUBLIC_SERVICE.value,
}


def _matter_options(domain: Domain) -> list[tuple[str, str]]:
    return [(m, m) for m in matter_types(domain)]


def _row(label: str, *widgets: object, id: str | None = None) -> Horizontal:
    row = Horizontal(
        Label(Text(label), classes="field-label"),
        *widgets,  # type: ignore[arg-type]
        classes="field-row",
        id=id,
    )
    return row


class IntakeForm(VerticalScroll):
    """The left pane of the intake screen."""

    DEFAULT_CSS = """
    IntakeForm .field-row { height: 1; margin-bottom: 0; }
    IntakeForm .field-label { width: 6; color: $text-muted; }
    IntakeForm Input, IntakeForm Select { width: 1fr; }
    IntakeForm #caller_name { width: 12; }
    IntakeForm #text { height: 1fr; min-height: 5; }
    IntakeForm #confidential, IntakeForm #phone_declined {
        height: 1; border: none; padding: 0; background: transparent;
    }
    IntakeForm .text-label { color: $text-muted; height: 1; }
    """

    class Edited(Message):
        """Something in the form changed (``field`` names it)."""

        def __init__(self, field: str) -> None:
            super().__init__()
            self.field = field

    def compose(self) -> ComposeResult:
        yield _row(
            "电话",
            Input(placeholder="来电号码", id="caller_phone", compact=True, max_length=20),
            Input(placeholder="姓名", id="caller_name", compact=True, max_length=30),
        )
        yield _row(
            "身份",
            Select(
                [(c.label, c.value) for c in CallerType],
                value=DEFAULTS["caller_type"],
                allow_blank=False,
                id="caller_type",
                compact=True,
            ),
            Input(placeholder="企业名称", id="enterprise_name", compact=True, max_length=60),
        )
        yield _row(
            "证件",
            Input(
                placeholder="证件号（可不填）", id="caller_id_number", compact=True, max_length=30
            ),
            Checkbox(Text("保密"), id="confidential", compact=True),
            Checkbox(Text("拒留电话"), id="phone_declined", compact=True),
        )
        yield _row(
            "来源",
            Select(
                [(s.label, s.value) for s in Source],
                value=DEFAULTS["source"],
                allow_blank=False,
                id="source",
                compact=True,
            ),
            Input(
                placeholder="转自哪条热线，如 长沙12345",
                id="source_line",
                compact=True,
                max_length=30,
            ),
        )
        yield _row(
            "类别",
            Select(
                [(k.label, k.value) for k in Kind],
                value=DEFAULTS["kind"],
                allow_blank=False,
                id="kind",
                compact=True,
            ),
            Select(
                [(d.label, d.value) for d in Domain],
                value=DEFAULTS["domain"],
                allow_blank=False,
                id="domain",
                compact=True,
            ),
        )
        yield _row(
            "事项",
            Select(
                _matter_options(Domain(DEFAULTS["domain"])),
                prompt="事项类型（可不选）",
                id="matter_type",
                compact=True,
            ),
        )
        yield _row(
            "地点", Input(placeholder="市州、区县、街道", id="place", compact=True, max_length=60)
        )
        yield Label(Text("诉求内容（边输入边检索知识库）"), classes="text-label")
        yield TextArea(
            id="text",
            soft_wrap=True,
            compact=True,
            show_line_numbers=False,
            highlight_cursor_line=False,
            placeholder="记录来电人所说的诉求…",
        )

    def on_mount(self) -> None:
        self._sync_enterprise()

    # the telephony's call this intake is for (a screen-pop sets it; not typed, not shown here)
    call_source = ""
    call_id = ""

    # ------------------------------------------------------------------ values
    def fields(self) -> dict[str, str]:
        out = {name: self.query_one(f"#{name}", Input).value for name in INPUT_FIELDS}
        for name in SELECT_FIELDS:
            value = self.query_one(f"#{name}", Select).value
            out[name] = str(value) if isinstance(value, str) else DEFAULTS[name]
        matter = self.query_one("#matter_type", Select).value
        out["matter_type"] = matter if isinstance(matter, str) else ""
        out["confidential"] = "1" if self.query_one("#confidential", Checkbox).value else ""
        out["phone_declined"] = "1" if self.query_one("#phone_declined", Checkbox).value else ""
        out["text"] = self.query_one("#text", TextArea).text
        out["call_source"], out["call_id"] = self.call_source, self.call_id
        return out

    def load(self, fields: Mapping[str, str]) -> None:
        for name in INPUT_FIELDS:
            self.query_one(f"#{name}", Input).value = clean(fields.get(name, ""))
        for name, enum in SELECT_FIELDS.items():
            value = fields.get(name, DEFAULTS[name])
            if value not in {m.value for m in enum}:
                value = DEFAULTS[name]
            self.query_one(f"#{name}", Select).value = value
        self._sync_matter_types(fields.get("matter_type", ""))
        self.query_one("#confidential", Checkbox).value = bool(fields.get("confidential"))
        self.query_one("#phone_declined", Checkbox).value = bool(fields.get("phone_declined"))
        self.call_source = clean(fields.get("call_source", ""))[:40]
        self.call_id = clean(fields.get("call_id", ""))[:80]
        area = self.query_one("#text", TextArea)
        area.text = clean(fields.get("text", ""))
        area.move_cursor(area.document.end)
        self._sync_enterprise()

    def clear(self) -> None:
        self.load({})

    @property
    def blank(self) -> bool:
        """Nothing typed yet about a caller: a popped call may fill the form."""
        f = self.fields()
        return not (f["text"].strip() or f["caller_phone"].strip() or f["caller_name"].strip()
                    or f["call_id"])  # fmt: skip

    def take_call(self, phone: str, line: str, source: str, call_id: str) -> None:
        """Fill the form from an answered call (screen-pop): number, line, the call itself."""
        self.query_one("#caller_phone", Input).value = clean(phone)[:20]
        if line:
            self.query_one("#source_line", Input).value = clean(line)[:30]
            self.query_one("#source", Select).value = Source.CITY_TRANSFER.value
        self.call_source, self.call_id = source[:40], call_id[:80]

    @property
    def text(self) -> str:
        return self.query_one("#text", TextArea).text

    def to_intake(self, repeat_of: str = "") -> Intake:
        f = self.fields()
        return Intake(
            kind=Kind(f["kind"]),
            domain=Domain(f["domain"]),
            text=f["text"].strip(),
            caller_phone=f["caller_phone"].strip(),
            caller_name=f["caller_name"].strip(),
            caller_type=CallerType(f["caller_type"]),
            enterprise_name=f["enterprise_name"].strip(),
            caller_id_number=f["caller_id_number"].strip(),
            confidential=bool(f["confidential"]),
            source=Source(f["source"]),
            source_line=f["source_line"].strip(),
            place=f["place"].strip(),
            matter_type=f["matter_type"],
            repeat_of=repeat_of,
            phone_declined=bool(f["phone_declined"]) and not f["caller_phone"].strip(),
            call_source=f["call_source"] if f["call_id"] else "",
            call_id=f["call_id"] if f["call_source"] else "",
        )

    # ------------------------------------------------------------------ events
    def _sync_matter_types(self, chosen: str) -> None:
        """The matter types under the chosen domain (the category tree)."""
        value = self.query_one("#domain", Select).value
        domain = Domain(value) if isinstance(value, str) else Domain(DEFAULTS["domain"])
        select = self.query_one("#matter_type", Select)
        options = _matter_options(domain)
        select.set_options(options)
        if chosen in {v for _, v in options}:
            select.value = chosen

    def _sync_enterprise(self) -> None:
        enterprise = self.query_one("#caller_type", Select).value == CallerType.ENTERPRISE.value
        self.query_one("#enterprise_name", Input).disabled = not enterprise

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.id:
            self.post_message(self.Edited(event.input.id))

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == "caller_type":
            self._sync_enterprise()
        if event.select.id == "domain":
            self._sync_matter_types("")
        if event.select.id:
            self.post_message(self.Edited(event.select.id))

    @on(Checkbox.Changed)
    def _checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.post_message(self.Edited(event.checkbox.id or "confidential"))

    @on(TextArea.Changed, "#text")
    def _text_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        area = event.text_area
        if has_controls(area.text):
            # a paste carrying terminal codes: keep the words, neutralise the codes
            area.text = clean(area.text)
            area.move_cursor(area.document.end)
            return
        self.post_message(self.Edited("text"))
