"""Lists of things found for a call: suggested units, duplicates, pre-filed scopes.

Every row is a rich ``Text`` built with markup off (reasons may quote the caller's words).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from console.services.clock import local
from console.services.values import CITY_UNKNOWN, FORWARDED, State
from console.services.views import (
    DuplicateView,
    PrefilingView,
    TicketSummary,
    UnitSuggestionView,
)
from console.widgets.safe import clip_cells, literal, one_line

REASON_CELLS = 40
"""A reason's room under a suggestion: the intake pane's 44 cells at 140 columns, less the
indent."""


class TextList(OptionList):
    """An OptionList of (id, Text) rows that keeps the highlighted row across refreshes."""

    DEFAULT_CSS = """
    TextList {
        height: auto;
        max-height: 12;
        border: none;
        padding: 0;
        background: transparent;
    }
    TextList:focus { border: none; background-tint: $foreground 4%; }
    TextList > .option-list--option-highlighted { text-style: none; }
    """

    def __init__(
        self, empty: str = "", *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.empty_text = empty
        self.row_ids: list[str] = []
        self.separated = False

    def on_mount(self) -> None:
        if not self.row_ids:
            self.set_rows([])

    def set_rows(self, rows: Sequence[tuple[str, Text]]) -> None:
        # keep the operator's choice while they are in the list; otherwise the best row leads
        keep = self.selected_id if self.has_focus else None
        self.clear_options()
        self.row_ids = [rid for rid, _ in rows]
        if not rows:
            if self.empty_text:
                self.add_option(Option(Text(self.empty_text, style="dim"), disabled=True))
            return
        options: list[Option | None] = []
        for rid, text in rows:
            if options and self.separated:
                options.append(None)
            options.append(Option(text, id=rid))
        self.add_options(options)
        self.highlighted = self.row_ids.index(keep) if keep in self.row_ids else 0

    @property
    def selected_id(self) -> str | None:
        index = self.highlighted
        if index is None or not self.row_ids or index >= len(self.row_ids):
            return None
        return self.row_ids[index]


def unit_row(rank: int, s: UnitSuggestionView) -> Text:
    """A suggested destination: the unit and its score, the city bureau it forwards to on a
    line of its own (a city office and a bureau's full name side by side are wider than the
    pane: the score would wrap alone), then the first two reasons — less the one saying the
    forwarding (由属地优化办转…), which the arrow says already. With the city not known yet the
    head is the bureau itself (市城市管理和综合执法局（属地待定）): no arrow, and the reason that
    asks for the caller's city comes first — what the operator has to do before dispatching."""
    text = Text.assemble(
        (f"{rank}. ", "bold"), (one_line(s.unit_name), "bold"), (f"  {s.score:.2f}", "dim")
    )
    reasons = s.reasons
    if s.bureau:
        if s.unit_id:  # placed: the arrow names the bureau (unplaced, the head does)
            text.append("\n   → ", style="bold")
            text.append(one_line(s.bureau), style="bold")
        asks = tuple(r for r in reasons if r.startswith(CITY_UNKNOWN))
        rest = tuple(r for r in reasons if not r.startswith((FORWARDED, CITY_UNKNOWN)))
        reasons = asks + rest
    for reason in reasons[:2]:
        text.append("\n   ")
        # cut where the intake pane ends (a law's long title), not wrapped back to the pane's
        # edge under the indent
        text.append_text(literal(clip_cells(reason, REASON_CELLS), style="dim"))
    return text


def state_label(state: str) -> str:
    """A ticket state as people read it (「办理中」, never 「handling」)."""
    try:
        return State(state).label
    except ValueError:
        return one_line(state)


def duplicate_note(d: DuplicateView) -> str:
    """What a duplicate's row says under its head (number, state, score, 同一来电人): who raised
    it and where, and what the rule lets the operator do — never the head's figures again."""
    parts = []
    if not d.same_caller:
        parts.append("其他来电人")
    if d.places:
        parts.append(f"同一地点：{'、'.join(d.places[:2])}")
    if d.terminated:
        parts.append("后续来电不予受理，请向来电人解释（R-TERMINATE）")
    elif d.ground4:
        parts.append("无新的事实和理由的，可不予受理（R-INADMISSIBLE 第四项）")
    return "，".join(parts)


def duplicate_row(d: DuplicateView) -> Text:
    if d.terminated:
        text = Text.assemble(("⚠ 已终结 ", "bold reverse red"), (d.number, "bold red"))
    else:
        text = Text.assemble((d.number, "bold"), (f"  {state_label(d.state)}", ""))
    text.append(f"  相似 {d.score:.2f}", style="dim")
    if d.same_caller:
        text.append("  同一来电人", style="bold yellow")
    note = duplicate_note(d)
    if note:
        text.append("\n   ")
        text.append_text(literal(one_line(note, 70), style="bold red" if d.terminated else "dim"))
    return text


def prefiling_row(p: PrefilingView) -> Text:
    text = Text.assemble(
        ("报备 ", "bold magenta"),
        (one_line(p.title), "bold"),
        (f"（{one_line(p.region)}，至 {local(p.ends):%m-%d %H:%M}）", "dim"),
    )
    text.append("\n   ")
    text.append_text(literal(one_line(p.explanation, 90)))
    return text


def history_row(t: TicketSummary) -> Text:
    """One of the caller's earlier tickets: number, state and its nearest clock; a terminated
    matter stands out (a later call on it is not accepted, R-TERMINATE)."""
    if t.state == State.TERMINATED.value:
        head = Text.assemble(("⚠ ", "bold red"), (t.number, "bold red"),
                             (f"  {state_label(t.state)}（R-TERMINATE）", "bold red"))  # fmt: skip
    else:
        head = Text.assemble((t.number, "bold"), (f"  {state_label(t.state)}", ""))
    if t.overdue:  # (the number says the day it was taken: HN + yymmdd)
        head.append("  已超期", style="bold red")
    elif t.next_due is not None:
        head.append(f"  限{local(t.next_due):%m-%d %H:%M}", style="dim")
    head.append("\n   ")
    head.append_text(literal(one_line(t.title, 60), style="dim"))
    return head
