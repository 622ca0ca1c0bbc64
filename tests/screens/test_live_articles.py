"""An article published elsewhere reaches the operator's answers (R-KB, live updates): the
operator is on a call whose words no article answers; meanwhile the owner unit edits an article
to cover the matter and a second clerk verifies it; the answers beside the form are searched
again at once — the operator does not have to type again — and a draft never shows."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest

from console.services.values import Role
from console.services.views import Actor
from tests.screens.conftest import ScreenPlatform, wait_for
from tests.screens.test_intake import SIZE, answers, type_call

pytestmark = pytest.mark.anyio

WORDS = "灵活就业人员在湘易办上怎么补缴断缴的养老保险"
QUESTION = "灵活就业人员断缴养老保险后如何在湘易办补缴？"
ANSWER = (
    "灵活就业人员可登录湘易办App社保服务补缴断缴月份的养老保险费，补缴规定以当地社保经办机构为准。"
)


async def test_r_kb_a_verified_text_is_in_the_operators_answers_without_typing_again(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    p = screen_platform
    editor = p.backend(Actor("u-rst", "人社厅丙", Role.UNIT_CLERK, "hn-rst"))
    checker = p.backend(Actor("u-rst-2", "人社厅辛", Role.UNIT_CLERK, "hn-rst"))
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.live_watch is not None
                       and app.live_watch.cursor is not None, what="the feed")  # fmt: skip
        await type_call(pilot, "13812341234", WORDS)
        await pilot.pause(0.5)
        assert "湘易办" not in " ".join(h.question for h in answers(app).hits)
        view = editor.article_for_edit("hn-rst-001")
        editor.edit_article(view.article_id, view.version, QUESTION, ANSWER, view.basis,
                            (*view.tags, "湘易办", "补缴"), dt.date(2027, 11, 1))  # fmt: skip
        await pilot.pause(0.8)
        assert QUESTION not in [h.question for h in answers(app).hits]  # a draft: never
        checker.verify_article("hn-rst-001", version=view.version + 1)
        sent = time.monotonic()  # timed from the commit
        await wait_for(pilot, lambda: QUESTION in [h.question for h in answers(app).hits],
                       timeout=5, what="the published article among the answers")  # fmt: skip
        assert time.monotonic() - sent < 2.5  # pushed, not at the next 5-s look
