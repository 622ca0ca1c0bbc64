"""Text wrapped as Chinese is read (console.widgets.paragraph): never inside a rule id, a date
or a figure and its unit, no closing punctuation starting a line, indented lines wrapped under
their indent, nothing lost — and so on the screens that show rules and reasons."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len
from rich.text import Text

from console.services.values import Role
from console.widgets.paragraph import CLOSING, OPENING, Paragraph, wrap_text
from tests.screens.conftest import ScreenPlatform
from tests.screens.test_queues import intake, shown
from tests.screens.test_ticket import action_dialog

INTRO = (
    "不属于本单位职责的，应在派单后2个工作日内退回，并写明理由和依据（R-RETURN）；\n"
    "逾期退回计为超期工单。退回两次的工单自动转为疑难复杂事项（R-COMPLEX）。\n"
    "退回时限：2026-12-09 24:00，时限 1 个工作日，来电人 138****0003。"
)
WORDS = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_.:*]*")
WIDTHS = range(12, 81)


def lines(text: str | Text, width: int) -> list[str]:
    return [line.plain for line in wrap_text(Text(text) if isinstance(text, str) else text, width)]


def test_a_rule_id_a_date_a_time_and_a_phone_are_never_split() -> None:
    whole = set(WORDS.findall(INTRO))
    for width in WIDTHS:
        for line in lines(INTRO, width):
            assert set(WORDS.findall(line)) <= whole, (width, line)


def test_every_line_fits_and_nothing_is_lost() -> None:
    for width in WIDTHS:
        shown_lines = lines(INTRO, width)
        assert all(cell_len(line) <= width for line in shown_lines), width
        assert "".join("".join(shown_lines).split()) == "".join(INTRO.split()), width


def test_closing_punctuation_never_starts_a_line_nor_opening_ends_one() -> None:
    # from 16 cells: （R-RETURN）； (14 cells, not to be broken) fits on a line
    for width in range(16, 81):
        for line in lines(INTRO, width):
            assert line[:1] not in CLOSING, (width, line)
            assert line[-1:] not in OPENING, (width, line)


def test_a_variation_selector_stays_on_its_character() -> None:
    # a name's variant glyph: the character, then the selector that picks it (no width)
    text = "来电人" * 3 + "葛\U000e0100，" + "先生反映" * 3
    for width in range(4, 30):
        assert not any(line.startswith("\U000e0100") for line in lines(text, width)), width


def test_a_figure_stays_with_its_unit() -> None:
    text = (
        "R-RETURN 时限 2 个工作日，起算当日不计，至第 2 个工作日 24:00，应在派单后2个工作日内退回"
    )
    for width in range(16, 60):
        shown_lines = lines(text, width)
        for this, after in zip(shown_lines, shown_lines[1:], strict=False):
            assert not (this[-1:].isdigit() and after[:1] in "个工"), (width, shown_lines)


def test_an_indented_line_wraps_under_its_indent() -> None:
    text = "2026-12-07 20:11  退回  人社丙\n    理由：这是一段很长的理由文字，用来检查续行是否保持缩进，不回到第一列。"
    shown_lines = lines(text, 24)
    assert shown_lines[0].startswith("2026-12-07")
    detail = shown_lines[2:]
    assert len(detail) >= 3 and all(line.startswith("    ") for line in detail), shown_lines


def test_a_name_that_fits_on_a_line_goes_to_the_next_line_whole() -> None:
    text = "2026-11-25 11:00  退回  人社厅经办戊·承办单位经办人·省人力资源社会保障厅"
    assert lines(text, 70) == [
        "2026-11-25 11:00  退回",
        "人社厅经办戊·承办单位经办人·省人力资源社会保障厅",
    ]
    # a sentence longer than the line breaks between two characters (no room is wasted)
    assert lines("理由：" + "工资" * 30, 20)[0] == "理由：" + "工资" * 3 + "工"


def test_styles_are_kept_and_markup_is_not_read() -> None:
    text = Text("督办内容：", style="dim")
    text.append("[bold]请书面说明[/bold]欠薪处理进展，时限 5 个工作日", style="red")
    shown_lines = wrap_text(text, 16)
    assert "".join(line.plain for line in shown_lines).startswith("督办内容：[bold]")
    assert all(span.style in ("dim", "red") for line in shown_lines for span in line.spans), (
        shown_lines
    )


@pytest.mark.anyio
async def test_r_return_the_dialog_at_80x24_keeps_its_rule_ids_whole(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    app = make_app(Role.UNIT_CLERK)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await action_dialog(pilot, app, number, "t")
        said = shown(form.query_one("#dialog-intro"))
        assert "（R-RETURN）" in said and "（R-COMPLEX）" in said, said
        assert not any(line.strip()[:1] in CLOSING for line in said.splitlines()), said


def test_a_paragraph_wraps_at_the_width_it_is_given() -> None:
    from rich.console import Console

    console = Console(width=30, record=True, color_system=None)
    console.print(Paragraph(Text(INTRO)))
    out = console.export_text().splitlines()
    assert out == lines(INTRO, 30)


@pytest.mark.anyio
async def test_the_callers_words_wrap_as_chinese_is_read_while_typed(make_app) -> None:  # type: ignore[no-untyped-def]
    """The intake's text area (Textual's editor, its wrapping replaced by console.line_breaks):
    no comma starts a line, the phone number and the rule id stay whole, and the cursor still
    moves by the lines shown."""
    from textual.widgets import TextArea

    from tests.screens.test_intake import type_call

    words = (
        "您好，我是岳麓区金色家园小区的业主，我们小区从今天早上开始停水，到现在已经十个小时了，"
        "物业说是自来水公司管网维修，但是没有提前通知，联系电话13907315566，依据R-CONSULT。"
    )
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_call(pilot, "13907315566", "")
        area = app.screen.query_one("#text", TextArea)
        area.insert(words)
        await pilot.pause()
        rows = [line.strip() for line in shown(area).splitlines() if line.strip()]
        assert len(rows) >= 3, rows
        assert not any(row[:1] in CLOSING for row in rows), rows
        assert any("13907315566" in row for row in rows), rows
        assert any("R-CONSULT" in row for row in rows), rows
        assert area.text == words
        area.move_cursor((0, 0))
        await pilot.press("down", "home", "甲")
        second = rows[1]
        assert area.text == words.replace(second, "甲" + second, 1)


def test_what_textual_lays_out_wraps_by_the_same_rules() -> None:
    """Labels, lists and articles: Textual's ``Content`` divides its lines with
    console.line_breaks installed (as the app does at start)."""
    from textual.content import Content

    from console.line_breaks import install

    assert install()
    for width in range(16, 81):
        shown_lines = [line.plain for line in Content(INTRO.replace("\n", "")).wrap(width)]
        assert not any(line[:1] in CLOSING for line in shown_lines), (width, shown_lines)
        assert "R-RETURN" in "".join(shown_lines) and all(
            set(WORDS.findall(line)) <= set(WORDS.findall(INTRO)) for line in shown_lines
        ), (width, shown_lines)
