"""Knowledge screen for expert seats: search as you type, read, copy, flag to the owner unit."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from textual.widgets import Input, Select, Static

from console.services.values import Role
from console.store.models import ArticleFlagRow
from console.widgets.answer_list import AnswerList
from console.widgets.article import ArticleDialog
from console.widgets.dialogs import PromptDialog
from tests.screens.conftest import ScreenPlatform, wait_for

pytestmark = pytest.mark.anyio

SIZE = (120, 40)


def results(app: Any) -> AnswerList:
    return app.screen.query_one(AnswerList)


def article_shown(app: Any) -> str:
    return str(app.screen.query_one("#kb-article-body", Static).render())


async def test_expert_lands_on_knowledge_and_reads_an_article(make_app: Any) -> None:
    app = make_app(Role.EXPERT)
    async with app.run_test(size=SIZE) as pilot:
        assert app.current_mode == "knowledge"
        await pilot.press(*"公积金提取")
        await wait_for(pilot, lambda: results(app).hits, what="results")
        assert results(app).hits[0].article_id == "hn-gjj-001"
        await wait_for(pilot, lambda: app.screen.article is not None, what="article")
        shown = article_shown(app)
        assert "《住房公积金管理条例》第二十四条" in shown  # basis
        assert "省住房公积金管理中心" in shown  # owner unit
        assert "已过复核期" in shown  # review-by 2026-10-31 < 2026-11-25
        assert "已校核" in shown


async def test_filters_by_unit_and_domain(make_app: Any) -> None:
    app = make_app(Role.EXPERT)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot, lambda: len(app.screen.query_one("#kb-unit", Select)._options) > 1, what="units"
        )
        await pilot.press(*"怎么办理")
        await wait_for(pilot, lambda: results(app).hits, what="results")
        app.screen.query_one("#kb-unit", Select).value = "hn-scjgj"
        await wait_for(
            pilot,
            lambda: results(app).hits and all(h.unit_id == "hn-scjgj" for h in results(app).hits),
            what="unit filter",
        )
        app.screen.query_one("#kb-unit", Select).clear()
        app.screen.query_one("#kb-domain", Select).value = "economic_regulation"
        await wait_for(
            pilot,
            lambda: results(app).hits and all(h.unit_id == "hn-tax" for h in results(app).hits),
            what="domain filter",
        )


async def test_copy_answer_says_where_it_went(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyperclip

    def no_clipboard(text: str) -> None:
        raise pyperclip.PyperclipException("no clipboard on this machine")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("SSH_TTY", raising=False)
    app = make_app(Role.EXPERT)
    said: list[str] = []
    app.notify = lambda message, **kw: said.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"失业保险金")
        await wait_for(pilot, lambda: app.screen.article is not None, what="article")
        await pilot.press("f12")  # one meaning everywhere: F6 answers a call on intake
        await wait_for(pilot, lambda: app.clipboard, what="copied")
        assert app.clipboard.startswith("非因本人意愿中断就业")
        await wait_for(pilot, lambda: "已通过终端（OSC 52）复制" in said, what="notification")


async def test_flag_an_article_goes_to_its_owner(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    app = make_app(Role.EXPERT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"个税汇算")
        await wait_for(pilot, lambda: app.screen.article is not None, what="article")
        await pilot.press("ctrl+b")  # the article in full, with what to do with it
        await wait_for(pilot, lambda: isinstance(app.screen, ArticleDialog), what="article dialog")
        await pilot.press("2")  # outdated
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog), what="note prompt")
        await pilot.press(*"截止日期已调整", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, PromptDialog), what="closed")
        await pilot.pause(0.3)
    with screen_platform.store.read() as s:
        flags = s.execute(select(ArticleFlagRow)).scalars().all()
        assert [(f.article_id, f.unit_id, f.problem, f.note) for f in flags] == [
            ("hn-tax-001", "hn-tax", "outdated", "截止日期已调整")
        ]


async def test_article_text_is_literal(make_app: Any, screen_platform: ScreenPlatform) -> None:
    from console.services.knowledge.seed import Seed
    from console.services.knowledge.seeding import apply_seed
    from console.services.values import Domain
    from tests.screens.conftest import NOW, _article

    apply_seed(
        screen_platform.store,
        Seed(
            articles=(
                _article(
                    "hn-rst-099",
                    "hn-rst",
                    "标记测试 [bold]粗[/bold] [@click=app.quit]退出[/]",
                    "答复含 [/ 与 [TODO] 与 \x1b[2J",
                    "[red]依据[/red]",
                    Domain.OTHER,
                ),
            )
        ),
        NOW,
    )
    app = make_app(Role.EXPERT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"标记测试")
        await wait_for(pilot, lambda: app.screen.article is not None, what="article")
        shown = article_shown(app)
        assert (
            "[@click=app.quit]退出[/]" in shown and "[TODO]" in shown and "[red]依据[/red]" in shown
        )
        assert "\x1b" not in shown
        app.screen.query_one(Input).focus()
        await pilot.press("enter", "enter")
        assert app.is_running


async def test_r_enterprise_f8_filters_the_search_to_policy_articles(make_app: Any) -> None:
    """F8 政企通筛选: only policy articles (the 政企通 base or tagged 政策) that concern the
    enterprise's industry, size and region — one naming none concerns all; F8 with every line
    empty ends the filter; a word the table does not know is refused naming its field."""
    from console.widgets.policy_filter import PolicyFilterDialog

    app = make_app(Role.EXPERT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, PolicyFilterDialog), what="filter")
        await pilot.press(*"外贸", "enter", "enter", "enter")
        await wait_for(pilot, lambda: results(app).hits, what="policy articles")
        assert [h.article_id for h in results(app).hits] == ["hn-scjgj-001"]
        assert results(app).border_title == "政企通筛选：外贸"
        assert "行业：不限" in " ".join(results(app).hits[0].why)
        await pilot.press(*"公积金提取")
        await wait_for(pilot, lambda: not results(app).hits, what="no policy on 公积金")
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, PolicyFilterDialog), what="filter")
        app.screen.query_one("#pf-industries", Input).value = ""
        await pilot.press("enter", "enter", "enter")
        await wait_for(pilot, lambda: results(app).hits, what="the ordinary search again")
        assert results(app).hits[0].article_id == "hn-gjj-001"
        assert results(app).border_title == "检索结果"
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, PolicyFilterDialog), what="filter")
        app.screen.query_one("#pf-industries", Input).value = "[bold]挖矿"
        await pilot.press("enter", "enter", "enter")
        await wait_for(pilot, lambda: any("行业「[bold]挖矿」" in str(n.message)
                                          for n in app._notifications), what="refusal")  # fmt: skip
        title = results(app)._border_title
        assert title is not None and title.plain == "政企通筛选：[bold]挖矿"  # literal, no markup
