"""Small modal dialogs: confirm an action, show a result, ask for a line of text.

Bodies are rich ``Text`` built by the caller (caller words with markup off), never markup strings.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from console.widgets.paragraph import Paragraph

DIALOG_CSS = """
ConfirmDialog, InfoDialog, PromptDialog {
    align: center middle;
    background: $background 60%;
}
ConfirmDialog > Vertical, InfoDialog > Vertical, PromptDialog > Vertical {
    width: 80%;
    max-width: 96;
    height: auto;
    max-height: 90%;
    border: thick $accent;
    background: $surface;
    padding: 0 1;
}
.dialog-title { text-style: bold; color: $accent; width: 1fr; margin-bottom: 1; }
.dialog-body { height: auto; max-height: 20; }
.dialog-buttons { height: auto; align-horizontal: right; margin-top: 1; }
.dialog-buttons Button { margin-left: 2; min-width: 12; }
.dialog-note { color: $text-muted; }
PromptDialog Input { margin-top: 1; }
"""


class ConfirmDialog(ModalScreen[bool]):
    """Confirm with Enter (or Y), cancel with Esc (or N)."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [
        Binding("enter,y", "confirm", "确认", id="dialog.confirm", priority=True),
        Binding("escape,n", "cancel", "取消", id="dialog.cancel"),
    ]

    def __init__(self, title: str, body: Text, confirm_label: str = "确认") -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text), classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield Static(Paragraph(self.body), id="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    Text(f"{self.confirm_label}（Enter）"), variant="primary", id="confirm"
                )
                yield Button(Text("取消（Esc）"), id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class InfoDialog(ModalScreen[None]):
    """A result to read out; Enter or Esc closes it."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [Binding("enter,escape", "close", "关闭", id="dialog.close", priority=True)]

    def __init__(self, title: str, body: Text) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text), classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield Static(Paragraph(self.body), id="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Text("关闭（Enter）"), variant="primary", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class PromptDialog(ModalScreen[str | None]):
    """Ask for one line (a ticket number, a note …); Enter submits, Esc cancels."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [Binding("escape", "cancel", "取消", id="dialog.cancel")]

    def __init__(
        self,
        title: str,
        placeholder: str = "",
        value: str = "",
        note: Text | None = None,
        required: bool = True,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.value = value
        self.note = note
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text), classes="dialog-title")
            if self.note is not None:
                yield Static(self.note, classes="dialog-note")
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")
            yield Label(Text("Enter 确认 · Esc 取消"), classes="dialog-note")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if self.required and not value:
            self.notify("请填写内容", severity="warning")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceDialog(ModalScreen[tuple[str, str] | None]):
    """Pick one row (a unit, a sub-centre line …) and confirm with Enter; Esc cancels.

    Nothing is highlighted unless the caller says so (``highlighted``): a dialog that sends a
    ticket somewhere must not turn one Enter into a destination nobody chose. ↓ reaches the
    first row. ``filterable`` adds a line above the list: typing part of a name narrows the
    rows (the characters in order are enough), ↓ or Enter goes to the list.
    ``levels`` (value, label) adds a second choice cycled with Ctrl+L (or U in the list), e.g.
    特殊事项 / 特殊紧急事项 (``level_name`` says what it is: 级别, 答复方式 …). Dismisses with (row id, level value) — level "" without levels.
    """

    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    ChoiceDialog { align: center middle; background: $background 60%; }
    ChoiceDialog > Vertical {
        width: 80%; max-width: 100; height: auto; max-height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    ChoiceDialog OptionList { height: auto; max-height: 14; }
    ChoiceDialog #choice-level { color: $text-warning; text-style: bold; height: auto; }
    """
    )
    BINDINGS = [
        Binding("escape", "cancel", "取消", id="dialog.cancel"),
        Binding("ctrl+l,u", "cycle_level", "切换级别", id="dialog.level"),
    ]

    def __init__(
        self,
        title: str,
        body: Text,
        rows: list[tuple[str, Text]],
        levels: list[tuple[str, str]] | None = None,
        highlighted: int | None = None,
        *,
        filterable: bool = False,
        level_name: str = "级别",
        filter_hint: str = "输入单位名称筛选，↓ 到列表",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.level_name = level_name
        self.filter_hint = filter_hint
        self.body = body
        self.rows = rows
        self.levels = levels or []
        self.level_index = 0
        self.start_at = highlighted
        self.filterable = filterable

    def compose(self) -> ComposeResult:
        from textual.widgets import OptionList

        with Vertical():
            yield Label(Text(self.title_text), classes="dialog-title")
            yield Static(Paragraph(self.body), classes="dialog-body")
            if self.levels:
                yield Static(self._level_text(), id="choice-level")
            if self.filterable:
                yield Input(placeholder=self.filter_hint, id="choice-filter")
            yield OptionList(*self._options(""), id="choice-list")
            yield Label(
                Text(
                    "↓ 选择 · Enter 确认 · Esc 取消"
                    + (f" · Ctrl+L 切换{self.level_name}" if self.levels else "")
                ),
                classes="dialog-note",
            )

    def _options(self, query: str) -> list[Any]:
        from textual.widgets.option_list import Option

        q = "".join(query.split()).lower()
        return [
            Option(text, id=rid)
            for rid, text in self.rows
            if not q or q in text.plain.lower() or _in_order(q, text.plain.lower())
        ]

    def on_mount(self) -> None:
        from textual.widgets import OptionList

        options = self.query_one("#choice-list", OptionList)
        if self.rows and self.start_at is not None:
            options.highlighted = min(self.start_at, len(self.rows) - 1)
        else:
            options.highlighted = None
        if self.filterable:
            self.query_one("#choice-filter", Input).focus()
        else:
            options.focus()

    def _level_text(self) -> Text:
        if not self.levels:
            return Text("")
        return Text(f"{self.level_name}：{self.levels[self.level_index][1]}（按 Ctrl+L 切换）")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cycle_level":
            return bool(self.levels)
        return True

    def action_cycle_level(self) -> None:
        if self.levels:
            self.level_index = (self.level_index + 1) % len(self.levels)
            self.query_one("#choice-level", Static).update(self._level_text())

    def on_input_changed(self, event: Input.Changed) -> None:
        from textual.widgets import OptionList

        event.stop()
        options = self.query_one("#choice-list", OptionList)
        options.set_options(self._options(event.value))
        options.highlighted = None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the filter goes to the list. An Enter read in one burst with the ↓ (or
        Enter) before it reaches the filter after the list has the focus: it was typed for the
        list, and chooses its row as it would have there (one Enter alone still chooses none)."""
        from textual.widgets import OptionList

        event.stop()
        options = self.query_one("#choice-list", OptionList)
        if self.focused is options and options.highlighted is not None:
            options.action_select()
            return
        self._to_list()

    def on_key(self, event: Any) -> None:
        if event.key == "down" and self.filterable and self.query_one(Input).has_focus:
            event.stop()
            self._to_list()

    def _to_list(self) -> None:
        """To the list, its first row highlighted (still not chosen: Enter there chooses)."""
        from textual.widgets import OptionList

        options = self.query_one("#choice-list", OptionList)
        if options.highlighted is None and options.option_count:
            options.highlighted = 0
        self.set_focus(options)  # now: the keys read behind ↓ are the list's

    def on_option_list_option_selected(self, event: Any) -> None:
        event.stop()
        level = self.levels[self.level_index][0] if self.levels else ""
        self.dismiss((str(event.option.id), level))

    def action_cancel(self) -> None:
        self.dismiss(None)


def _in_order(query: str, text: str) -> bool:
    """Every character of the query appears in the text, in order."""
    it = iter(text)
    return all(ch in it for ch in query)
