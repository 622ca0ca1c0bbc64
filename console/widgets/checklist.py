"""The ten inadmissibility grounds (R-INADMISSIBLE): tick one, read its script to the caller."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.message import Message

from console.services.views import GroundView
from console.widgets.safe import literal, one_line
from console.widgets.suggestions import TextList


class GroundChecklist(TextList):
    """One ground can be ticked at a time (a refusal names one ground)."""

    DEFAULT_CSS = """
    GroundChecklist { max-height: 11; }
    """
    BINDINGS = [
        Binding("space", "tick_selected", "勾选情形", id="checklist.toggle"),
        # the digits tick a ground where Alt+digit does not reach (Ctrl+R focuses this list)
        *[Binding(str(n % 10), f"tick({n})", f"勾选情形{n}", show=False) for n in range(1, 11)],
    ]

    class Ticked(Message):
        """The ticked ground changed (None: none ticked)."""

        def __init__(self, ground: GroundView | None) -> None:
            super().__init__()
            self.ground = ground

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("（正在读取不予受理情形…）", id=id, classes=classes)
        self.grounds: list[GroundView] = []
        self.ticked: int | None = None

    def set_grounds(self, grounds: Sequence[GroundView]) -> None:
        self.grounds = list(grounds)
        self._render_rows()

    def on_resize(self) -> None:
        if self.grounds:
            at = self.highlighted
            self._render_rows()
            if at is not None and at < len(self.grounds):
                self.highlighted = at

    def _render_rows(self) -> None:
        # each ground on one line, cut to the list's width (a wrapped title would push the
        # last grounds out of sight)
        width = self.scrollable_content_region.width
        rows = []
        for g in self.grounds:
            on = g.number == self.ticked
            text = Text.assemble(
                ("■ " if on else "□ ", "bold red" if on else "dim"),
                (f"{g.number:>2} ", "bold"),
                no_wrap=True,
                overflow="ellipsis",
            )
            text.append_text(literal(one_line(g.title), style="bold red" if on else ""))
            if width > 0:
                text.truncate(width, overflow="ellipsis")
            rows.append((str(g.number), text))
        self.set_rows(rows)

    @property
    def ticked_ground(self) -> GroundView | None:
        return next((g for g in self.grounds if g.number == self.ticked), None)

    def tick(self, number: int | None) -> None:
        """Tick ground ``number`` (ticking the ticked one again clears it)."""
        if number is not None and not any(g.number == number for g in self.grounds):
            return
        self.ticked = None if number == self.ticked else number
        self._render_rows()
        if number is not None and str(number) in self.row_ids:
            self.highlighted = self.row_ids.index(str(number))
        self.post_message(self.Ticked(self.ticked_ground))

    def clear_tick(self) -> None:
        if self.ticked is not None:
            self.ticked = None
            self._render_rows()
            self.post_message(self.Ticked(None))

    def action_tick(self, number: int) -> None:
        self.tick(number)

    def action_tick_selected(self) -> None:
        rid = self.selected_id
        if rid is not None:
            self.tick(int(rid))

    def on_option_list_option_selected(self, event: TextList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.tick(int(event.option.id))
