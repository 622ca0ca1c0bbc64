"""An answer's row in the answers pane and the knowledge screen (R-KB): a possibly related
answer reads as one run of words, its label never alone on a line."""

from __future__ import annotations

from rich.console import Console

from console.services.views import ArticleHit
from console.widgets.answer_list import hit_text

UNSURE = ArticleHit(
    article_id="hn-gjj-009",
    unit_id="hn-gjj",
    unit_name="省直公积金中心",
    question="我在省直单位交公积金，想在老家岳阳买房，能用公积金贷款吗？",
    snippet="",
    score=0.9,
    status="draft",
    question_spans=(),
    snippet_spans=(),
    why=(),
    confidence=0.3,
    sure=False,
    related=True,
    review_by=None,
)


def rendered(width: int) -> list[str]:
    console = Console(width=width)
    with console.capture() as captured:
        console.print(hit_text(UNSURE))
    return captured.get().rstrip("\n").split("\n")


def test_r_kb_a_possibly_related_answer_keeps_its_label_beside_the_question() -> None:
    """The knowledge screen's list is 51 cells: 「可能相关 」 and a question too long to fit
    beside it were two lines, the label alone on the first; short questions sat beside it."""
    assert rendered(51) == [
        "可能相关：我在省直单位交公积金，想在老家岳阳买房，",
        "能用公积金贷款吗？ 〔草稿〕",
    ]
    assert rendered(100) == [
        "可能相关：我在省直单位交公积金，想在老家岳阳买房，能用公积金贷款吗？ 〔草稿〕"
    ]
