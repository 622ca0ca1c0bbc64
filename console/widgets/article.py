"""A knowledge article read in full: the text, and a modal that offers what to do with it.

Keys in the modal (one meaning everywhere): F12 copies the answer, 1 reports it wrong, 2 reports
it outdated (both go to the owner unit, R-KB), Esc closes.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from console.services.clock import SHANGHAI
from console.services.views import ArticleView
from console.widgets.answer_list import status_badge
from console.widgets.dialogs import DIALOG_CSS
from console.widgets.safe import literal, one_line


def article_text(a: ArticleView) -> Text:
    """The whole article, literal: question, status, owner, review-by, answer, basis."""
    text = literal(a.question, style="bold")
    text.append(" ")
    text.append_text(status_badge(a.status))
    text.append("\n")
    text.append(f"{a.id} · {one_line(a.unit_name)} · {a.domain}", style="dim")
    if a.enterprise:
        text.append(" · 政企通", style="bold cyan")
    text.append(f"\n生效 {a.effective:%Y-%m-%d} · 复核期限 {a.review_by:%Y-%m-%d}", style="dim")
    if a.review_overdue:
        text.append("  ⚠ 已过复核期，请与承办单位核实后再答复", style="bold red")
    if a.status == "draft":
        text.append("\n草稿：未经承办单位校核，答复前请核实", style="yellow")
    if a.alt_questions:
        text.append("\n相似问法：", style="bold")
        text.append_text(literal("；".join(one_line(q) for q in a.alt_questions), style="dim"))
    text.append("\n\n答复口径\n", style="bold underline")
    text.append_text(literal(a.answer.strip()))
    text.append("\n\n依据：", style="bold")
    text.append_text(literal(a.basis))
    if a.tags:
        text.append("\n标签：", style="bold")
        text.append_text(literal("、".join(a.tags), style="dim"))
    text.append_text(upkeep_text(a))
    return text


def upkeep_text(a: ArticleView) -> Text:
    """Who verified the text shown and when; an edit waiting for its cross-check; the edits
    before (R-KB). Empty for an article never verified nor edited."""
    text = Text()
    if a.verified_at is not None:
        text.append(
            f"\n\n核实：{one_line(a.verified_by)} "
            f"{a.verified_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}",
            style="dim",
        )
    if a.draft_pending:
        text.append("\n有修改待核实：以上仍是核实过的内容", style="yellow")
    if a.history:
        text.append("\n修改记录：", style="bold")
        for r in a.history[:5]:
            text.append(
                f"\n  {r.edited_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} "
                f"{one_line(r.edited_by)} 修改 · {r.state_label}",
                style="dim",
            )
            if r.verified_at is not None:
                text.append(
                    f"（{one_line(r.verified_by)} "
                    f"{r.verified_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 核实）",
                    style="dim",
                )
    return text


class ArticleDialog(ModalScreen[str | None]):
    """An article in full. Dismissed with "copy", "flag:wrong", "flag:outdated" or None."""

    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    ArticleDialog { align: center middle; background: $background 60%; }
    ArticleDialog > Vertical {
        width: 90%; max-width: 110; height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    ArticleDialog VerticalScroll { height: 1fr; }
    """
    )
    BINDINGS = [
        Binding("f12", "choose('copy')", "复制答案", id="article.copy", priority=True),
        Binding("1", "choose('flag:wrong')", "报告有误", id="article.flag_wrong"),
        Binding("2", "choose('flag:outdated')", "报告过时", id="article.flag_outdated"),
        Binding("escape", "choose('')", "关闭", id="article.close"),
    ]

    def __init__(self, article: ArticleView) -> None:
        super().__init__()
        self.article = article

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("知识全文"), classes="dialog-title")
            with VerticalScroll():
                yield Static(article_text(self.article), id="article-body")
            yield Static(
                Text("F12 复制答案 · 1 报告有误 · 2 报告过时 · Esc 关闭", style="dim"),
                classes="dialog-note",
            )

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice or None)
