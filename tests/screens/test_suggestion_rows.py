"""A suggested destination's row in the intake pane (R-DISPATCH): nothing wraps at the pane's
width, and the bureau a city 优化办 forwards to is said once. A duplicate's row (R-INADMISSIBLE
4, R-TERMINATE) says its state and score once, then who raised it, where, and what the rule
lets the operator do."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from console.services.views import DuplicateView, UnitSuggestionView
from console.widgets.suggestions import TextList, duplicate_row, unit_row
from tests.screens.conftest import screen_text

pytestmark = pytest.mark.anyio
PANE = 44  # the suggestions' width in the intake screen's right pane at 140 columns

STREET_LIGHT = UnitSuggestionView(
    unit_id="cs-yhb",
    unit_name="长沙市优化办",
    score=0.44,
    reasons=("事项：路灯", "由属地优化办转市城市管理和综合执法局", "关键词：路灯、不亮"),
    target="city:cgj",
    bureau="市城市管理和综合执法局",
    matter="路灯",
)
UNPLACED = UnitSuggestionView(
    unit_id="",
    unit_name="市城市管理和综合执法局（属地待定）",
    score=0.85,
    reasons=(
        "事项：路灯",
        "由属地优化办转市城市管理和综合执法局",
        "属地未知：请先确认来电人所在市州",
    ),
    target="city:cgj",
    bureau="市城市管理和综合执法局",
    matter="路灯",
)
PROVINCIAL = UnitSuggestionView("hn-jtt", "省交通运输厅", 0.03, ("关键词：维修",), "hn-jtt")


class RowsApp(App[None]):
    CSS = f"TextList {{ width: {PANE}; }}"

    def compose(self) -> ComposeResult:
        yield TextList()


async def test_r_dispatch_a_city_suggestion_fits_the_pane_with_its_bureau_said_once() -> None:
    """「1. 长沙市优化办 → 市城市管理和综合执法局  0.44」 is 47 cells: in a 44-cell pane its
    score wrapped onto a line of its own. The bureau now has its own line under the office, and
    the reason 「由属地优化办转市城市管理和综合执法局」 (the same bureau again) gives its place
    to the next one."""
    rows = [unit_row(1, STREET_LIGHT), unit_row(2, PROVINCIAL)]
    lines = [str(r).split("\n") for r in rows]
    assert lines[0] == ["1. 长沙市优化办  0.44", "   → 市城市管理和综合执法局",
                        "   事项：路灯", "   关键词：路灯、不亮"]  # fmt: skip
    assert lines[1] == ["2. 省交通运输厅  0.03", "   关键词：维修"]
    # the caller's city not known yet: the head is the bureau, not said again by an arrow or
    # the forwarding reason; what the operator must ask comes first
    assert str(unit_row(1, UNPLACED)).split("\n") == [
        "1. 市城市管理和综合执法局（属地待定）  0.85", "   属地未知：请先确认来电人所在市州",
        "   事项：路灯",
    ]  # fmt: skip
    app = RowsApp()
    async with app.run_test(size=(80, 20)) as pilot:
        listing = app.query_one(TextList)
        listing.set_rows([("a", rows[0]), ("b", rows[1])])
        await pilot.pause()
        assert listing.virtual_size.height == sum(map(len, lines))  # no line wrapped


OTHER_CALLER = DuplicateView("HN261207000001", 0.54, False, "dispatched", False,
                             "其他来电人反映相似事项，同一地点（新姚路、芙蓉南路），同一事项的把握 0.54，"
                             "工单已派单待签收", places=("新姚路", "芙蓉南路"))  # fmt: skip
SAME_CALLER = DuplicateView("HN261207000002", 0.91, True, "handling", False,
                            "同一来电人，同一事项的把握 0.91，工单办理中；无新的事实和理由的，可不予受理"
                            "（R-INADMISSIBLE 第四项）", ground4=True)  # fmt: skip
ENDED = DuplicateView("HN261207000003", 0.62, False, "terminated", True,
                      "其他来电人反映相似事项，同一事项的把握 0.62，该事项已终结，不再受理，请向来电人解释"
                      "（R-TERMINATE）")  # fmt: skip


async def test_r_inadmissible_ground4_a_duplicate_row_says_each_figure_once() -> None:
    """The pane's row was 「HN… 已派单待签收 相似 0.54」 over 「其他来电人反映相似事项，同一地点
    （新姚路、芙蓉南路），同一事项的把握 0.54，工单已派单待签收」: the score and the state twice, in
    three lines of a 44-cell pane, one of them starting with 「、」."""
    rows = [duplicate_row(d) for d in (OTHER_CALLER, SAME_CALLER, ENDED)]
    lines = [str(r).split("\n") for r in rows]
    assert lines == [
        ["HN261207000001  已派单待签收  相似 0.54", "   其他来电人，同一地点：新姚路、芙蓉南路"],
        ["HN261207000002  办理中  相似 0.91  同一来电人",
         "   无新的事实和理由的，可不予受理（R-INADMISSIBLE 第四项）"],
        ["⚠ 已终结 HN261207000003  相似 0.62",
         "   其他来电人，后续来电不予受理，请向来电人解释（R-TERMINATE）"],
    ]  # fmt: skip
    app = RowsApp()
    async with app.run_test(size=(80, 20)) as pilot:
        listing = app.query_one(TextList)
        listing.set_rows([("a", rows[0])])
        await pilot.pause()
        assert listing.virtual_size.height == 2  # the other caller's row: no line wrapped


async def test_r_dispatch_a_long_reason_is_cut_at_the_pane_not_wrapped() -> None:
    """「依据：《国务院关于加快推进全国一体化在线政务服务平台建设的指导意见》…」 wrapped under the
    indent back to the pane's edge; it is cut with 「…」 where the pane ends."""
    law = UnitSuggestionView(
        "hn-zwj", "省政务管理服务局", 0.05,
        ("事项：政务服务", "依据：《国务院关于加快推进全国一体化在线政务服务平台建设的指导意见》"),
        "hn-zwj",
    )  # fmt: skip
    app = RowsApp()
    async with app.run_test(size=(80, 20)) as pilot:
        listing = app.query_one(TextList)
        listing.set_rows([("a", unit_row(3, law))])
        await pilot.pause()
        assert listing.virtual_size.height == 3
        law_line = next(x for x in screen_text(app).split("\n") if "依据" in x)
        assert "依据：《国务院关于" in law_line and law_line.rstrip().endswith("…")
