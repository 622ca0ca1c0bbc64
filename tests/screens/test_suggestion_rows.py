"""A suggested destination's row in the intake pane (R-DISPATCH): nothing wraps at the pane's
width, and the bureau a city 优化办 forwards to is said once."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from console.services.views import UnitSuggestionView
from console.widgets.suggestions import TextList, unit_row

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
    app = RowsApp()
    async with app.run_test(size=(80, 20)) as pilot:
        listing = app.query_one(TextList)
        listing.set_rows([("a", rows[0]), ("b", rows[1])])
        await pilot.pause()
        assert listing.virtual_size.height == sum(map(len, lines))  # no line wrapped
