"""The inadmissibility checklist (R-INADMISSIBLE) keeps each of the ten grounds on one line."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from console.services.views import GroundView
from console.widgets.checklist import GroundChecklist

pytestmark = pytest.mark.anyio
GROUNDS = Path(__file__).resolve().parents[2] / "knowledge_seed" / "grounds.toml"


def shipped_grounds() -> list[GroundView]:
    data = tomllib.loads(GROUNDS.read_text("utf-8"))
    return [
        GroundView(g["number"], g["title"], g.get("script", ""), g.get("basis", ""))
        for g in data["ground"]
    ]


class ChecklistApp(App[None]):
    CSS = "GroundChecklist { width: 40; }"

    def compose(self) -> ComposeResult:
        yield GroundChecklist()


@pytest.mark.parametrize("width", [30, 40, 60])
async def test_r_inadmissible_each_ground_stays_on_one_line(width: int) -> None:
    """A title longer than the pane (ground 1's is 19 wide characters) is cut with "…", not
    wrapped: a wrapped one pushed ground 10 below the list's height, out of the operator's
    sight. A narrower pane (the terminal resized) cuts them again."""
    app = ChecklistApp()
    async with app.run_test(size=(80, 20)) as pilot:
        checklist = app.query_one(GroundChecklist)
        checklist.set_grounds(shipped_grounds())
        checklist.highlighted = 9
        checklist.styles.width = width
        await pilot.pause()
        await pilot.pause()
        assert checklist.option_count == 10
        assert checklist.virtual_size.height == 10
        prompts = [str(checklist.get_option_at_index(i).prompt) for i in range(10)]
        assert prompts[0].startswith("□  1 涉及国家秘密")
        assert checklist.highlighted == 9  # the operator's place kept across the resize
