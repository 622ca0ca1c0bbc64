"""The 政企通 filter of the knowledge search (R-ENTERPRISE): industry, enterprise size and
region, each a list apart by 、 or commas, each empty for "any". The service checks the words
(an unknown one is refused naming its field); this dialog only collects them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from console.widgets.dialogs import DIALOG_CSS


@dataclass(frozen=True)
class PolicyFilter:
    industries: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.industries or self.sizes or self.regions)

    def label(self) -> str:
        """政企通筛选：外贸 · 小型 · 长沙 (any part not named left out)."""
        parts = ["、".join(p) for p in (self.industries, self.sizes, self.regions) if p]
        return "政企通筛选：" + " · ".join(parts) if parts else "政企通筛选：全部政策"


def _words(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(w for w in re.split(r"[,，、;；\s]+", text) if w))


class PolicyFilterDialog(ModalScreen[PolicyFilter | None]):
    """Three lines (行业, 企业规模, 地区); Enter on the last applies, Esc cancels, all three
    empty ends the filter (the ordinary search again)."""

    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    PolicyFilterDialog { align: center middle; background: $background 60%; }
    PolicyFilterDialog > Vertical {
        width: 80%; max-width: 96; height: auto; max-height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    PolicyFilterDialog Input { margin-top: 1; }
    """
    )
    BINDINGS = [Binding("escape", "cancel", "取消", id="dialog.cancel")]

    def __init__(self, current: PolicyFilter) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("政企通筛选（只看政策知识）"), classes="dialog-title")
            yield Static(
                Text("按企业所属行业、规模、地区筛选政策知识；不写的项为不限。"
                     "未注明行业、规模或地区的政策视为普遍适用，始终列出（R-ENTERPRISE）"),
                classes="dialog-note",
            )  # fmt: skip
            yield Input("、".join(self.current.industries), placeholder="行业，如：外贸、制造业",
                        id="pf-industries")  # fmt: skip
            yield Input(
                "、".join(self.current.sizes),
                placeholder="企业规模：大型、中型、小型、微型、个体工商户",
                id="pf-sizes",
            )
            yield Input("、".join(self.current.regions), placeholder="地区（市州），如：长沙",
                        id="pf-regions")  # fmt: skip
            yield Label(Text("Tab 下一项 · 最后一项 Enter 确认 · 全部留空则取消筛选 · Esc 取消"),
                        classes="dialog-note")  # fmt: skip

    def on_mount(self) -> None:
        self.query_one("#pf-industries", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id != "pf-regions":
            self.focus_next()
            return
        self.dismiss(
            PolicyFilter(
                _words(self.query_one("#pf-industries", Input).value),
                _words(self.query_one("#pf-sizes", Input).value),
                _words(self.query_one("#pf-regions", Input).value),
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
