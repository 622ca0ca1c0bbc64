"""Editing a knowledge article in the console (R-KB): the owner unit's clerk edits an article
from the upkeep screen and saves it as a draft; the clerk may not verify their own edit; the
manager cross-checks it (交叉核验) and the article's open report closes; the operator-facing
search then answers with the new text and shows who edited and who verified it."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static, TextArea

from console.screens.article_edit import ArticleEditScreen, split_tags
from console.screens.upkeep import UpkeepScreen
from console.services.values import Role
from console.widgets.answer_list import AnswerList
from console.widgets.dialogs import ConfirmDialog, PromptDialog
from tests.screens.conftest import ScreenPlatform, Toasts, wait_for
from tests.screens.test_upkeep import SIZE, footer_keys, open_upkeep

pytestmark = pytest.mark.anyio

NEW_ANSWER = "累计缴费满十五年达到法定退休年龄后按月领取基本养老金可在湘易办App查询缴费年限"


def test_keywords_are_split_on_the_usual_separators() -> None:
    assert split_tags("养老、退休金，缴费 年限;养老") == ("养老", "退休金", "缴费", "年限")


async def edit_from_upkeep(pilot: Any, app: Any, toasts: Toasts) -> UpkeepScreen:
    upkeep = await open_upkeep(pilot, app)
    assert footer_keys(app).get("e") == "修改"
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(app.screen, ArticleEditScreen), what="edit form")
    form: ArticleEditScreen = app.screen
    await wait_for(pilot, lambda: form.view is not None, what="article loaded")
    assert form.view is not None and form.view.article_id == "hn-rst-001"
    answer = form.query_one("#edit-answer", TextArea)
    answer.load_text("")
    answer.focus()
    await pilot.press(*NEW_ANSWER)
    assert form.dirty
    await pilot.press("escape")  # changes: asked before anything is discarded
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="discard?")
    await pilot.press("n")
    await wait_for(pilot, lambda: app.screen is form, what="back on the form")
    assert form.query_one("#edit-answer", TextArea).text == NEW_ANSWER  # nothing lost
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: form.saved, what="saved")
    assert "待核实" in str(form.query_one("#edit-status", Static).render())
    assert not form.dirty
    await pilot.press("escape")
    await wait_for(pilot, lambda: app.screen is upkeep, what="back on upkeep")
    drafts = upkeep.query_one("#upkeep-drafts", DataTable)
    await wait_for(pilot, lambda: drafts.row_count == 1, what="draft listed")
    # the editor may not verify their own edit (交叉核验)
    drafts.focus()
    await pilot.press("v")
    await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog), what="verify prompt")
    await pilot.press("enter")
    await wait_for(pilot, lambda: "交叉核验" in toasts.text(), what="refused")
    assert "[R-KB]" in toasts.text()
    assert drafts.row_count == 1
    return upkeep


async def test_r_kb_clerk_edits_manager_cross_checks_operator_reads_the_new_answer(
    make_app: Any, screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    operator = screen_platform.backend(Role.OPERATOR)
    operator.flag_article("hn-rst-001", "outdated", "可以网上查询缴费年限了")
    before = operator.article("hn-rst-001").answer
    app = make_app(Role.UNIT_CLERK)  # 人社厅经办戊, hn-rst
    async with app.run_test(size=SIZE) as pilot:
        await edit_from_upkeep(pilot, app, Toasts(app, monkeypatch))
    shown = operator.article("hn-rst-001")
    assert shown.answer == before and shown.draft_pending  # operators keep the verified text
    app = make_app(Role.MANAGER)
    async with app.run_test(size=SIZE) as pilot:
        upkeep = await open_upkeep(pilot, app)
        drafts = upkeep.query_one("#upkeep-drafts", DataTable)
        await wait_for(pilot, lambda: drafts.row_count == 1, what="draft listed")
        drafts.focus()
        await pilot.pause()
        assert footer_keys(app).get("v") == "核实通过"
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog), what="verify prompt")
        await pilot.press("enter")
        await wait_for(pilot, lambda: drafts.row_count == 0, what="draft verified")
        flags = upkeep.query_one("#upkeep-flags", DataTable)
        await wait_for(pilot, lambda: flags.row_count == 0, what="report closed with it")
    app = make_app(Role.EXPERT)  # the operator-facing search
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"湘易办 缴费年限")
        hits = lambda: app.screen.query_one(AnswerList).hits  # noqa: E731
        await wait_for(pilot, lambda: hits() and hits()[0].article_id == "hn-rst-001", what="hit")
        await wait_for(pilot, lambda: app.screen.article is not None, what="article")
        body = str(app.screen.query_one("#kb-article-body", Static).render())
        assert NEW_ANSWER in body and "已校核" in body
        assert "人社厅经办戊 修改 · 已核实" in body and "核实：" in body


async def test_r_kb_second_editor_keeps_their_text_on_a_conflict(
    make_app: Any, screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(Role.UNIT_CLERK)
    async with app.run_test(size=SIZE) as pilot:
        toasts = Toasts(app, monkeypatch)
        app.push_screen(ArticleEditScreen("hn-rst-001"))
        await wait_for(pilot, lambda: isinstance(app.screen, ArticleEditScreen), what="form")
        form: ArticleEditScreen = app.screen
        await wait_for(pilot, lambda: form.view is not None, what="article loaded")
        # meanwhile the manager saves an edit of the same article
        manager = screen_platform.backend(Role.MANAGER)
        view = manager.article_for_edit("hn-rst-001")
        manager.edit_article(
            view.article_id,
            view.version,
            view.question,
            "优化办的改法",
            view.basis,
            view.tags,
            view.review_by,
        )
        form.query_one("#edit-answer", TextArea).load_text("经办人的改法")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "已被" in toasts.text(), what="conflict")
        status = str(form.query_one("#edit-status", Static).render())
        assert "优化办" in status and "您的修改仍在表单中" in status
        assert form.query_one("#edit-answer", TextArea).text == "经办人的改法"
        assert not form.saved and app.screen is form
    assert screen_platform.backend(Role.MANAGER).article_for_edit("hn-rst-001").answer == (
        "优化办的改法"
    )


async def test_r_kb_ctrl_e_edits_from_the_search_box_for_a_keeper_only(make_app: Any) -> None:
    """Ctrl+E right after a search opens the editor for the manager (the search box would
    otherwise take it as 'end of line'); an expert seat never edits: its Ctrl+E stays the
    search box's and no 修改 key is shown."""
    from textual.widgets import Input

    app = make_app(Role.EXPERT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"湘易办 缴费年限")
        await wait_for(pilot, lambda: app.screen.article is not None, what="article")
        assert "^e" not in footer_keys(app) and "ctrl+e" not in footer_keys(app)
        box = app.screen.query_one(Input)
        box.cursor_position = 0
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert not isinstance(app.screen, ArticleEditScreen)
        assert box.cursor_position == len(box.value)  # the box's own end-of-line
    app = make_app(Role.MANAGER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press(*"湘易办 缴费年限")
        await wait_for(pilot, lambda: getattr(app.screen, "article", None) is not None, what="hit")
        assert isinstance(app.focused, Input)
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: isinstance(app.screen, ArticleEditScreen), what="editor")


async def open_editor(pilot: Any, app: Any) -> ArticleEditScreen:
    """The owner unit's clerk's editor on the article of the upkeep screen's first row."""
    await open_upkeep(pilot, app)
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(app.screen, ArticleEditScreen), what="form")
    form: ArticleEditScreen = app.screen
    await wait_for(pilot, lambda: form.view is not None, what="article loaded")
    return form


async def test_r_kb_a_past_review_date_is_refused_by_its_label_in_the_toast_too(
    make_app: Any, screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A next review date already past is refused, the field named by its label both beside
    the form and in the toast (the toast named it by its store name, review_by); the problem
    names its field already, so it is not named twice."""
    screen_platform.backend(Role.OPERATOR).flag_article("hn-rst-001", "outdated", "缴费年限")
    app = make_app(Role.UNIT_CLERK)  # 人社厅经办戊, hn-rst
    async with app.run_test(size=SIZE) as pilot:
        toasts = Toasts(app, monkeypatch)
        form = await open_editor(pilot, app)
        form.query_one("#edit-review", Input).value = "2025-01-01"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "未保存" in toasts.text(), what="refused")
        assert "下次复核日期应晚于今天" in toasts.text() and "review_by" not in toasts.text()
        assert "下次复核日期：下次" not in toasts.text()
        assert "下次复核日期应晚于今天" in str(form.query_one("#edit-status", Static).render())
        assert not form.saved


async def test_keys_in_one_read_the_last_words_before_ctrl_s_are_saved(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    """The answer's last words and Ctrl+S (a priority binding, so it works from any field) in
    one read: the draft saved holds every word typed (it was saved without the words still
    queued for the text area, and the form then showed unsaved changes)."""
    from tests.screens.test_issue13 import feed_burst

    screen_platform.backend(Role.OPERATOR).flag_article("hn-rst-001", "outdated", "缴费年限")
    app = make_app(Role.UNIT_CLERK)  # 人社厅经办戊, hn-rst
    async with app.run_test(size=SIZE) as pilot:
        form = await open_editor(pilot, app)
        answer = form.query_one("#edit-answer", TextArea)
        answer.load_text("")
        answer.focus()
        await pilot.pause()
        await feed_burst(pilot, NEW_ANSWER + "\x13")
        await wait_for(pilot, lambda: form.saved, what="saved")
        assert form.loaded is not None and form.loaded[1] == NEW_ANSWER
        assert not form.dirty
