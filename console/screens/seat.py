"""Who is working at this seat: name, role and (for a unit clerk) the unit."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, Select, Static

from console.launch import SEAT_ROLES
from console.screens.keys_in_order import after_keys_before
from console.services.values import Role
from console.services.views import Actor
from console.widgets.banner import ConnectionBanner, DrillBanner
from console.widgets.footer import KeyFooter

SETUP_ACTOR = Actor("seat-setup", "值班登记", Role.OPERATOR)


class SeatScreen(Screen[Actor | None]):
    """Asks who is working; dismisses with the Actor (None: quit)."""

    CSS_PATH = "seat.tcss"
    BINDINGS = [
        Binding("ctrl+s", "start", "开始值班", id="seat.start"),
        Binding("escape", "quit", "退出", id="seat.quit"),
    ]

    def __init__(self, actor: Actor | None = None) -> None:
        super().__init__()
        self.preset = actor
        self._units: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield DrillBanner()
        yield ConnectionBanner()
        with Container(id="seat-center"), Vertical(id="seat-box"):
            yield Label(Text("值班登记"), id="seat-title")
            yield Label(Text("姓名"))
            yield Input(
                value=self.preset.name if self.preset else "",
                placeholder="坐席人员姓名",
                id="seat-name",
                max_length=20,
            )
            yield Label(Text("角色"))
            yield Select(
                [(r.label, r.value) for r in SEAT_ROLES],
                allow_blank=False,
                value=(self.preset.role.value if self.preset else Role.OPERATOR.value),
                id="seat-role",
            )
            yield Label(Text("承办单位（经办人）"), id="seat-unit-label")
            yield Select([], prompt="选择单位", id="seat-unit")
            yield Static(Text(""), id="seat-status", classes="hint")
            yield Button(Text("开始值班（Ctrl+S）"), variant="primary", id="seat-start")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._sync_unit()
        app: Any = self.app
        if app.platform is not None:
            self.platform_ready(app.platform)
        else:
            self.show_status("正在打开数据库…")

    # called by the App
    def show_status(self, message: str) -> None:
        self.query_one("#seat-status", Static).update(Text(message))

    def platform_ready(self, platform: Any) -> None:
        self.show_status("")
        self.load_units(platform)

    @work(thread=True, exclusive=True, group="seat-units", exit_on_error=False)
    def load_units(self, platform: Any) -> None:
        units = platform.backend(SETUP_ACTOR).units()
        options = [(f"{u.name}（{u.id}）", u.id) for u in units]
        self.app.call_from_thread(self._set_units, options)

    def _set_units(self, options: list[tuple[str, str]]) -> None:
        self._units = options
        select = self.query_one("#seat-unit", Select)
        select.set_options(options)
        if (
            self.preset
            and self.preset.unit_id
            and any(v == self.preset.unit_id for _, v in options)
        ):
            select.value = self.preset.unit_id
        if self.preset is not None and self._complete(self.preset):
            self.dismiss(self.preset)

    @on(Select.Changed, "#seat-role")
    def _sync_unit(self) -> None:
        clerk = self.query_one("#seat-role", Select).value == Role.UNIT_CLERK.value
        self.query_one("#seat-unit", Select).display = clerk
        self.query_one("#seat-unit-label", Label).display = clerk

    def _complete(self, actor: Actor) -> bool:
        return bool(actor.name) and (actor.role is not Role.UNIT_CLERK or bool(actor.unit_id))

    @on(Button.Pressed, "#seat-start")
    @on(Input.Submitted, "#seat-name")
    def action_start(self) -> None:
        # once the keys before Ctrl+S are in: a name, a role chosen in the list, in one read
        after_keys_before(self, self._start_now)

    def _start_now(self) -> None:
        name = self.query_one("#seat-name", Input).value.strip()
        role = Role(str(self.query_one("#seat-role", Select).value))
        unit_value = self.query_one("#seat-unit", Select).value
        unit = str(unit_value) if role is Role.UNIT_CLERK and isinstance(unit_value, str) else None
        if not name:
            self.show_status("请填写姓名")
            self.query_one("#seat-name", Input).focus()
            return
        if role is Role.UNIT_CLERK and not unit:
            self.show_status("承办单位经办人须选择单位")
            return
        self.dismiss(Actor(seat=name, name=name, role=role, unit_id=unit))

    def action_quit(self) -> None:
        self.dismiss(None)
