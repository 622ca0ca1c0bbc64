"""A screen of narrow bordered panes with two Chinese toasts over them (the compositor's cuts
at every pane edge lie under the toasts, at even columns; one toast starts one column later,
so whatever column the toasts start at, wide characters of one of them straddle the edges).

Run as a program (in tmux, by tests/screens/test_wide_chars.py) it shows the toasts and waits.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Select, Static

TOASTS = ("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未", "a甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未")


class PatchedApp(App[None]):
    """An app that draws with console/wide_chars.py's compositor patch, or without it."""

    def __init__(self, patched: bool = True) -> None:
        self.patched = patched
        super().__init__()

    def get_driver_class(self):  # type: ignore[no-untyped-def]
        if self.patched:
            from console.wide_chars import install

            install()
        return super().get_driver_class()


class PanesApp(PatchedApp):
    CSS = """
    Horizontal { height: 1fr; }
    Static { width: 10; height: 100%; border: round $accent; }
    Toast { width: 50; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal():
            for i in range(20):
                yield Static(f"{i}")

    def on_mount(self) -> None:
        self.set_timer(0.3, self.show_toasts)

    def show_toasts(self) -> None:
        for text in TOASTS:
            self.notify(text, timeout=600, markup=False)


WORDS = TOASTS[0]
"""A caller's words, under a drop-down list."""


class ListClosedApp(PatchedApp):
    """Chinese lines under two drop-down lists (as the intake's category over the caller's
    words), the second lined up one column further: each list is opened, then closed by moving
    on to the next field, which draws again only the list's cells — up to an edge that halves a
    wide character under one of them; then 「已关闭」 is shown."""

    CSS = """
    Select { width: 16; }
    .words { height: 5; }
    #late { padding-left: 1; }
    #done { height: 1; }
    """

    def compose(self) -> ComposeResult:
        options = [(label, label) for label in ("咨询", "求助", "投诉", "举报", "意见建议")]
        yield Select(options, id="first", allow_blank=False)
        yield Static("\n".join([WORDS] * 5), classes="words", markup=False)
        yield Select(options, id="second", allow_blank=False)
        yield Static("\n".join([WORDS] * 5), classes="words", id="late", markup=False)
        yield Static("", id="done", markup=False)

    def on_mount(self) -> None:
        self.set_timer(0.3, lambda: self.open_then_move_on("#first", "#second"))
        self.set_timer(1.0, lambda: self.open_then_move_on("#second", "#first"))
        self.set_timer(1.8, lambda: self.query_one("#done", Static).update("已关闭"))

    def open_then_move_on(self, opened: str, after: str) -> None:
        select = self.query_one(opened, Select)
        select.focus()
        select.expanded = True
        self.set_timer(0.3, self.query_one(after, Select).focus)


if __name__ == "__main__":
    patched = "--unpatched" not in sys.argv
    if "--list-closed" in sys.argv:
        ListClosedApp(patched=patched).run()
    else:
        PanesApp(patched=patched).run()
