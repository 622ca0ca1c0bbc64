"""Ranked knowledge answers for what the caller says, with the matched words highlighted.

An answer the system is not sure of (``ArticleHit.sure`` False: the judge's probability that it
is on topic is below the threshold) is shown greyed as "possibly related", after the sure ones,
and never more than a few of them, none the judge all but rules out (``ArticleHit.related``):
the operator must not read out an answer to another matter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rich.text import Text

from console.services.views import ArticleHit
from console.widgets.safe import literal, one_line
from console.widgets.suggestions import TextList

STATUS_LABELS = {"verified": ("已校核", "bold green"), "draft": ("草稿", "bold yellow")}
NO_SURE_ANSWER = "知识库中没有把握的答案"
MAX_UNSURE = 3


def status_badge(status: str) -> Text:
    label, style = STATUS_LABELS.get(status, (status, "bold"))
    return Text(f"〔{label}〕", style=style)


def overdue(hit: ArticleHit, today: dt.date | None) -> bool:
    """Past its review date (R-KB): to be checked with its owner before it is read out."""
    return today is not None and hit.review_by is not None and hit.review_by < today


def hit_text(hit: ArticleHit, today: dt.date | None = None) -> Text:
    """Question (matched spans highlighted), status, review date, snippet, owner unit and why
    it matched; greyed when the system is not sure it is on topic."""
    dim = "" if hit.sure else "dim"
    text = Text()
    if not hit.sure:
        # no space after the label: a space is where a line may break, and the label would
        # stand alone on its line whenever the question does not fit beside it
        text.append("可能相关：", style="dim italic")
    text.append_text(
        literal(
            hit.question.replace("\n", " "),
            style="bold " + dim if hit.sure else "dim",
            spans=hit.question_spans if hit.sure else (),
            highlight="bold reverse",
        )
    )
    text.append(" ")
    text.append_text(
        status_badge(hit.status)
        if hit.sure
        else Text(f"〔{STATUS_LABELS.get(hit.status, (hit.status, ''))[0]}〕", style="dim")
    )
    if overdue(hit, today):
        text.append("〔已过复核期〕", style="bold red" if hit.sure else "dim")
    if not hit.sure:
        return text
    if hit.snippet:
        text.append("\n")
        text.append_text(
            literal(
                hit.snippet.replace("\n", " "), spans=hit.snippet_spans, highlight="bold underline"
            )
        )
    text.append(f"\n{one_line(hit.unit_name)}", style="italic")
    if hit.review_by is not None:
        text.append(f" · 复核期限 {hit.review_by:%Y-%m-%d}", style="dim")
    if hit.why:
        text.append("\n匹配：", style="dim")
        text.append_text(literal("；".join(one_line(w, 40) for w in hit.why[:3]), style="dim"))
    return text


class AnswerList(TextList):
    """The knowledge answers; ``generation`` counts refreshes (benchmarks wait on it).

    ``all_hits``: show every hit (the knowledge screen's explicit search); otherwise the sure
    hits and at most ``MAX_UNSURE`` greyed possibly-related ones (``ArticleHit.related``)
    (intake).
    """

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
        all_hits: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(empty, id=id, classes=classes)
        self.hits: list[ArticleHit] = []
        self.query_text = ""
        self.generation = 0
        self.separated = True
        self.all_hits = all_hits
        self.today: dt.date | None = None

    def show_hits(self, hits: Sequence[ArticleHit], query: str) -> None:
        sure = [h for h in hits if h.sure]
        unsure = [h for h in hits if not h.sure]
        if not self.all_hits:  # at intake: a few, and none the judge all but rules out
            unsure = [h for h in unsure if h.related][:MAX_UNSURE]
        shown = sure + unsure
        self.hits = shown
        self.query_text = query
        self.set_rows([(h.article_id, hit_text(h, self.today)) for h in shown])
        self.generation += 1

    @property
    def no_sure_answer(self) -> bool:
        """Answers were searched and none of them is a sure one."""
        return bool(self.query_text) and not any(h.sure for h in self.hits)

    @property
    def highlighted_hit(self) -> ArticleHit | None:
        rid = self.selected_id
        return next((h for h in self.hits if h.article_id == rid), None)
