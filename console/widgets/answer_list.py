"""Ranked knowledge answers for what the caller says, with the matched words highlighted."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from console.services.views import ArticleHit
from console.widgets.safe import literal, one_line
from console.widgets.suggestions import TextList

STATUS_LABELS = {"verified": ("已校核", "bold green"), "draft": ("草稿", "bold yellow")}


def status_badge(status: str) -> Text:
    label, style = STATUS_LABELS.get(status, (status, "bold"))
    return Text(f"〔{label}〕", style=style)


def hit_text(hit: ArticleHit) -> Text:
    """Question (matched spans highlighted), status, snippet, owner unit and why it matched."""
    text = literal(
        hit.question.replace("\n", " "),
        style="bold",
        spans=hit.question_spans,
        highlight="bold reverse",
    )
    text.append(" ")
    text.append_text(status_badge(hit.status))
    if hit.snippet:
        text.append("\n")
        text.append_text(
            literal(
                hit.snippet.replace("\n", " "), spans=hit.snippet_spans, highlight="bold underline"
            )
        )
    text.append(f"\n{one_line(hit.unit_name)}", style="italic")
    if hit.why:
        text.append("\n匹配：", style="dim")
        text.append_text(literal("；".join(one_line(w, 40) for w in hit.why[:3]), style="dim"))
    return text


class AnswerList(TextList):
    """The knowledge answers; ``generation`` counts refreshes (benchmarks wait on it)."""

    DEFAULT_CSS = """
    AnswerList {
        height: 1fr;
        max-height: 100%;
    }
    AnswerList > .option-list--option-highlighted { background: $boost; text-style: none; }
    """

    def __init__(
        self,
        empty: str = "（输入来电内容后，这里显示知识库答案）",
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(empty, id=id, classes=classes)
        self.hits: list[ArticleHit] = []
        self.query_text = ""
        self.generation = 0
        self.separated = True

    def show_hits(self, hits: Sequence[ArticleHit], query: str) -> None:
        self.hits = list(hits)
        self.query_text = query
        rows = [(h.article_id, hit_text(h)) for h in hits]
        self.set_rows(rows)
        self.generation += 1

    @property
    def highlighted_hit(self) -> ArticleHit | None:
        rid = self.selected_id
        return next((h for h in self.hits if h.article_id == rid), None)
