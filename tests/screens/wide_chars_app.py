"""A screen of narrow bordered panes with two Chinese toasts over them (the compositor's cuts
at every pane edge lie under the toasts, at even columns; one toast starts one column later,
so whatever column the toasts start at, wide characters of one of them straddle the edges).

Run as a program (in tmux, by tests/screens/test_wide_chars.py) it shows the toasts and waits.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

TOASTS = ("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未", "a甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未")


class PanesApp(App[None]):
    CSS = """
    Horizontal { height: 1fr; }
    Static { width: 10; height: 100%; border: round $accent; }
    Toast { width: 50; }
    """

    def __init__(self, patched: bool = True) -> None:
        self.patched = patched
        super().__init__()

    def get_driver_class(self):  # type: ignore[no-untyped-def]
        if self.patched:
            from console.wide_chars import install

            install()
        return super().get_driver_class()

    def compose(self) -> ComposeResult:
        with Horizontal():
            for i in range(20):
                yield Static(f"{i}")

    def on_mount(self) -> None:
        self.set_timer(0.3, self.show_toasts)

    def show_toasts(self) -> None:
        for text in TOASTS:
            self.notify(text, timeout=600, markup=False)


if __name__ == "__main__":
    PanesApp(patched="--unpatched" not in sys.argv).run()
