"""Live intake journeys, pressing the keys an operator presses and checking the store."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select
from textual.widgets import Input, Select, Static, TextArea

from console.errors import Unavailable
from console.services.values import Role, State
from console.store.models import TicketRow
from console.widgets.answer_list import AnswerList
from console.widgets.banner import ConnectionBanner
from console.widgets.dialogs import ChoiceDialog, ConfirmDialog, InfoDialog
from console.widgets.intake_form import IntakeForm
from tests.screens.conftest import ScreenPlatform, screen_text, wait_for

pytestmark = pytest.mark.anyio

SIZE = (120, 40)


def choice_ready(app: Any) -> bool:
    """The choice dialog is up and has focus (keys pressed before that would go nowhere)."""
    return isinstance(app.screen, ChoiceDialog) and app.screen.focused is not None


async def type_call(pilot: Any, phone: str, text: str, name: str = "") -> None:
    """Type the caller's phone (and name), then what they say, as an operator does."""
    app = pilot.app
    app.screen.query_one("#caller_phone", Input).focus()
    await pilot.press(*phone)
    if name:
        await pilot.press("tab", *name)
    app.screen.query_one("#text", TextArea).focus()
    await pilot.press(*text)


def answers(app: Any) -> AnswerList:
    return app.screen.query_one(AnswerList)


def ticket_number(dialog: InfoDialog) -> str:
    found = re.search(r"HN\d{12}", dialog.body.plain)
    assert found, dialog.body.plain
    return found.group(0)


async def test_consultation_answered_from_the_kb(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13812341234", "养老保险要交满多少年才能领退休金", name="王女士")
        await wait_for(pilot, lambda: answers(app).hits, what="KB answers")
        first = answers(app).highlighted_hit
        assert first is not None and first.article_id == "hn-rst-001"
        assert app.screen.query_one(IntakeForm).fields()["caller_name"] == "王女士"

        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="confirmation")
        assert "养老保险交满多少年才能领退休金" in app.screen.body.plain
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="result")
        number = ticket_number(app.screen)
        await pilot.press("enter")
        # the form is cleared for the next call
        await wait_for(
            pilot, lambda: app.screen.query_one(IntakeForm).text == "", what="cleared form"
        )
        assert app.screen.query_one("#caller_phone", Input).value == ""

    ticket = screen_platform.backend(Role.MANAGER).ticket(number)
    assert ticket.state == State.CLOSED.value
    assert ticket.article_id == "hn-rst-001"
    assert ticket.caller_phone in ("13812341234", "138****1234")  # masked per role (R-SECURITY)
    assert any(e.action == "answer" for e in ticket.events)


async def test_refusal_on_ground_5_is_recorded(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13900001111", "楼下有人打架还动了刀，你们快派人来")
        await pilot.press("alt+5")
        script = app.screen.query_one("#ground-script", Static)
        await wait_for(pilot, lambda: "110" in str(script.render()), what="ground 5 script")
        assert "第九条第（5）项" in str(script.render())

        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="confirmation")
        body = app.screen.body.plain
        assert "第5项" in body and "110" in body
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="result")
        number = ticket_number(app.screen)

    ticket = screen_platform.backend(Role.MANAGER).ticket(number)
    assert ticket.state == State.REFUSED.value
    assert ticket.refusal_ground == 5
    refusal = next(e for e in ticket.events if e.action == "refuse")
    assert "紧急热线" in refusal.reason  # R-REFUSAL-RECORD: reason …
    assert "第九条第（5）项" in refusal.details.get("basis", "")  # … and basis kept


async def test_refusal_needs_a_ticked_ground(make_app: Any) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13900001111", "骚扰")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        assert "请先勾选" in str(app.screen.query_one("#intake-error", Static).render())


async def test_complaint_dispatched_to_a_suggested_unit(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13700002222", "公司拖欠工资三个月了，老板一直不接电话，请帮忙讨薪")
        # the kind from anywhere in the form: Ctrl+L opens the list (咨询 求助 投诉 …)
        await pilot.press("ctrl+l")
        kind = app.screen.query_one("#kind", Select)
        await wait_for(pilot, lambda: kind.expanded, what="kind list")
        await pilot.press("down", "down", "enter")
        await wait_for(pilot, lambda: kind.value == "complaint", what="kind chosen")
        await wait_for(
            pilot,
            lambda: app.screen.suggestions and app.screen.suggestions[0].unit_id == "hn-rst",
            what="unit suggestions",
        )

        await pilot.press("f9")
        await wait_for(pilot, lambda: choice_ready(app), what="unit choice")
        await pilot.press("down", "enter")  # nothing is chosen until the seat chooses
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="result")
        body = app.screen.body.plain
        number = ticket_number(app.screen)
        told, internal = body.split("承办时限（内部，不必告知）")
        assert "请告知来电人" in told and "R-LIMIT" in told  # when to expect an answer
        assert "2026-12-09 24:00" in told  # complaint: 10 WD from Wed 2026-11-25
        assert "R-SIGN" in internal and "R-SIGN" not in told  # the unit's clocks, not theirs

    ticket = screen_platform.backend(Role.MANAGER).ticket(number)
    assert ticket.state == State.DISPATCHED.value
    assert ticket.unit_id == "hn-rst"


async def test_a_rule_refusal_is_shown_inline_with_its_rule(make_app: Any) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#kind", Select).value = "complaint"
        await type_call(pilot, "13700002222", "公司拖欠工资怎么办")
        await wait_for(pilot, lambda: answers(app).hits, what="KB answers")
        await pilot.press("f6")  # answer-and-close is for consultations only
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="confirmation")
        await pilot.press("enter")
        error = app.screen.query_one("#intake-error", Static)
        await wait_for(pilot, lambda: "R-DISPATCH" in str(error.render()), what="rule message")
        assert app.screen.query_one(IntakeForm).text  # what was typed is kept


async def test_a_refused_field_is_named_by_its_label(make_app: Any) -> None:
    """The backend refuses the number by its name in the store (caller_phone); the seat reads
    the field by the label beside it, in the form and in the notice, and keeps the form."""
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "12", "养老保险要交满多少年才能领退休金")
        await wait_for(pilot, lambda: answers(app).hits, what="KB answers")
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="confirmation")
        await pilot.press("enter")
        error = app.screen.query_one("#intake-error", Static)
        await wait_for(pilot, lambda: "来电号码：" in str(error.render()), what="field by label")
        assert "caller_phone" not in str(error.render())
        assert any("来电号码：" in n.message for n in app._notifications)
        assert app.screen.query_one("#caller_phone", Input).value == "12"


async def test_transfer_goes_to_a_subcentre_never_back(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13700002222", "想咨询职称评审")
        await wait_for(pilot, lambda: app.screen.units, what="units")
        assert "transfer_back" not in {b.action for b in app.screen.BINDINGS}  # R-SOURCE
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: choice_ready(app), what="sub-centres")
        assert app.screen.rows[0][0] == "hn-rst"
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="result")
        number = ticket_number(app.screen)
    event = screen_platform.backend(Role.MANAGER).ticket(number).events[-1]
    assert event.action == "transfer"


MARKUP = "[bold]加粗[/bold] [/ [@click=app.quit]点我[/] [TODO] \x1b[2J 拖欠工资"


async def test_caller_markup_and_terminal_codes_are_shown_literally(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    # an earlier call of the same caller, so the duplicate list echoes it
    from console.services.values import Domain, Kind
    from console.services.views import Intake

    screen_platform.backend(Role.OPERATOR).accept(
        Intake(kind=Kind.COMPLAINT, domain=Domain.OTHER, text=MARKUP, caller_phone="13612345678")
    )
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#caller_phone", Input).focus()
        await pilot.press(*"13612345678")
        app.screen.query_one("#caller_name", Input).value = "[red]张[/red]"
        area = app.screen.query_one("#text", TextArea)
        area.focus()
        area.insert(MARKUP)  # as a paste would
        await wait_for(pilot, lambda: app.screen.duplicates, what="duplicates")
        assert "\x1b" not in area.text and "␛[2J" in area.text

        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="confirmation")
        body = app.screen.body.plain
        assert "[@click=app.quit]点我[/]" in body and "[red]张[/red]" in body and "[TODO]" in body
        shown = screen_text(app)
        assert "[@click=app.quit]" in shown and "[bold]" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
        await pilot.press("tab", "enter")  # nothing to click: the text is not a link
        await pilot.pause()
        assert app.is_running


async def test_draft_survives_a_killed_terminal(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    first = make_app(Role.OPERATOR)
    async with first.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13512340000", "小区门口的路灯坏了一个多月", name="赵先生")
        await pilot.press("alt+9")
        draft = first.screen.drafts.path
        await wait_for(
            pilot, lambda: draft.exists() and "路灯" in draft.read_text("utf-8"), what="draft file"
        )
    # the terminal is gone without finishing the call; the seat starts again
    second = make_app(Role.OPERATOR)
    async with second.run_test(size=SIZE) as pilot:
        await pilot.pause()
        form = second.screen.query_one(IntakeForm)
        assert form.text == "小区门口的路灯坏了一个多月"
        assert form.fields()["caller_phone"] == "13512340000"
        assert form.fields()["caller_name"] == "赵先生"
        await wait_for(
            pilot,
            lambda: second.screen.query_one("GroundChecklist").ticked == 9,
            what="ticked ground restored",
        )
        await pilot.press("ctrl+n", "enter")
        await wait_for(pilot, lambda: not draft.exists(), what="draft cleared")


class FlakyBackend:
    """The real backend, but "the database is down" while ``down`` is set."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.down = False

    def __getattr__(self, name: str) -> Any:
        target = getattr(self.inner, name)
        if not callable(target) or name in ("now",):
            return target

        def call(*args: Any, **kwargs: Any) -> Any:
            if self.down:
                raise Unavailable("数据库连接中断")
            return target(*args, **kwargs)

        return call


async def test_lost_database_shows_a_banner_and_keeps_the_form(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    flaky = FlakyBackend(screen_platform.backend(Role.OPERATOR))
    app = make_app(Role.OPERATOR, backend=flaky, retry_interval=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        flaky.down = True
        await type_call(pilot, "13812341234", "公积金怎么提取")
        banner = app.screen.query_one(ConnectionBanner)
        await wait_for(pilot, lambda: banner.has_class("-on"), what="banner")
        assert "正在重试" in str(banner.render())
        await pilot.press("f7", "enter")  # try to finish while it is down
        await wait_for(
            pilot,
            lambda: "未保存" in str(app.screen.query_one("#intake-error").render()),
            what="not saved message",
        )
        assert app.screen.query_one(IntakeForm).text == "公积金怎么提取"

        flaky.down = False
        await wait_for(pilot, lambda: not banner.has_class("-on"), what="banner gone")
        await wait_for(pilot, lambda: answers(app).hits, what="answers after reconnect")
        assert answers(app).hits[0].article_id == "hn-gjj-001"


async def test_r_limit_matter_type_from_the_category_tree_sets_the_law_limit(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#kind", Select).value = "complaint"
        app.screen.query_one("#domain", Select).value = "social_management"
        await pilot.pause()
        matter = app.screen.query_one("#matter_type", Select)
        matter.value = "劳动保障监察"  # raises if the tree does not offer it under 社会管理
        await type_call(pilot, "13700003333", "公司拖欠工资三个月了，请劳动监察处理")
        await wait_for(pilot, lambda: app.screen.suggestions, what="unit suggestions")
        await pilot.press("f9")
        await wait_for(pilot, lambda: choice_ready(app), what="unit choice")
        await pilot.press("down", "enter")  # nothing is chosen until the seat chooses
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="result")
        number = ticket_number(app.screen)

    ticket = screen_platform.backend(Role.MANAGER).ticket(number)
    assert ticket.matter_type == "劳动保障监察"
    limit = next(c for c in ticket.clocks if c.key == "limit")
    assert limit.amount == 60  # 《劳动保障监察条例》第十七条, not the regulation's 10 WD


NOT_IN_THE_KB = (
    "尊敬的领导您好！我是开福区一个老小区的住户，楼下绿化带被一楼住户圈起来种菜，"
    "还天天浇粪水，臭得我们整栋楼都没法开窗，跟物业说了好几次都不管，麻烦你们管一管，谢谢！"
)


async def test_r_kb_no_sure_answer_for_a_complaint_the_kb_cannot_answer(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    """A real-style complaint the knowledge base has no article for: the pane says so, and
    offers nothing the judge all but rules out (articles sharing only 整栋楼, 好几次, 管一管
    with the complaint are not even "possibly related")."""
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13812341234", NOT_IN_THE_KB)
        await wait_for(pilot, lambda: answers(app).query_text, what="KB answers")
        await wait_for(pilot, lambda: answers(app).no_sure_answer, what="no sure answer")
        note = app.screen.query_one("#answers-note", Static)
        assert "知识库中没有把握的答案" in str(note.render())
        assert "F7 承诺24小时内回复" in str(note.render())  # the form's kind: 咨询
        assert all(not h.sure and h.related for h in answers(app).hits)
        assert "可能相关" not in screen_text(app)
        # a complaint is not promised an answer (F7 is for consultations, R-CONSULT)
        app.screen.query_one("#kind", Select).value = "complaint"
        await wait_for(pilot, lambda: "投诉类诉求请按 F9 受理派单" in str(note.render()),
                       what="the next step of a complaint")  # fmt: skip
        assert "F7" not in str(note.render())
    with screen_platform.store.read() as s:
        assert s.execute(select(func.count()).select_from(TicketRow)).scalar_one() == 0


async def test_answers_the_judge_all_but_rules_out_are_not_offered(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    """Articles sharing only incidental words with the request (电费怎么这么贵 and 公司拖欠工资
    怎么办 share 怎么) are found by the search and judged below ``confidence.RELATED``: not even
    "possibly related" at intake."""
    found = screen_platform.backend(Role.OPERATOR).search_kb("电费怎么这么贵", limit=10)
    assert found and not any(h.sure or h.related for h in found)  # what the pane is given
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13812341234", "电费怎么这么贵")
        await wait_for(pilot, lambda: answers(app).no_sure_answer, what="no sure answer")
        assert not answers(app).hits and "可能相关" not in screen_text(app)


async def test_r_kb_a_possibly_related_answer_needs_an_explicit_confirmation(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    """A request near an article without being sure of it (a power cut lasting days; the
    article says whom to call for a cut): at most a few greyed "possibly related" articles,
    and F6 on one asks for an explicit confirmation (R-KB); thinking again stores nothing."""
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13812341234", "停电好几天了")
        await wait_for(pilot, lambda: answers(app).no_sure_answer, what="no sure answer")
        hits = answers(app).hits
        assert 1 <= len(hits) <= 3 and not any(h.sure for h in hits)
        assert "可能相关" in screen_text(app)
        answers(app).focus()
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="confirmation")
        body = app.screen.body.plain
        assert "没有把握" in body and app.screen.title_text == "确认以此答复？"
        await pilot.press("escape")  # the operator thinks again: nothing is stored
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmDialog), what="closed")
    with screen_platform.store.read() as s:
        assert s.execute(select(func.count()).select_from(TicketRow)).scalar_one() == 0


async def test_r_kb_answering_with_a_draft_records_the_confirmation(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13812341234", "我失业了，失业保险金怎么申领？")
        await wait_for(pilot, lambda: answers(app).hits, what="KB answers")
        hit = answers(app).highlighted_hit
        assert hit is not None and hit.article_id == "hn-rst-003"
        assert hit.sure and hit.status == "draft"
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="confirmation")
        assert "草稿" in app.screen.body.plain
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="result")
        number = ticket_number(app.screen)
    ticket = screen_platform.backend(Role.MANAGER).ticket(number)
    answered = next(e for e in ticket.events if e.action == "answer")
    assert answered.details["confirmed"] == "draft"


async def test_the_article_in_full_and_f3_carries_the_callers_words(make_app: Any) -> None:
    from console.widgets.article import ArticleDialog

    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13812341234", "养老保险要交满多少年才能领退休金")
        await wait_for(pilot, lambda: answers(app).hits, what="KB answers")
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: isinstance(app.screen, ArticleDialog), what="article")
        assert "复核期限" in app.screen.query_one("#article-body", Static).render().plain
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ArticleDialog), what="closed")
        await pilot.press("f3")
        await wait_for(pilot, lambda: app.current_mode == "knowledge", what="knowledge screen")
        box = app.screen.query_one("#kb-query", Input)
        await wait_for(pilot, lambda: box.value.startswith("养老保险"), what="carried query")


def test_r_dispatch_the_suggested_matter_type_is_recorded_when_the_seat_chose_none() -> None:
    """Dispatched to a city 优化办 on a 路灯 suggestion, the ticket records 路灯: the history then
    teaches "street lights → the city's urban-management bureau" (catalogue.target_of)."""
    from console.screens.intake import with_suggested_matter
    from console.services.values import Domain, Kind
    from console.services.views import Intake, UnitSuggestionView

    lamp = UnitSuggestionView(
        "cs-yhb", "长沙市优化办", 0.8, (), target="city:cgj", bureau="市城管局", matter="路灯"
    )
    intake = Intake(kind=Kind.COMPLAINT, domain=Domain.OTHER, text="路灯坏了")
    recorded = with_suggested_matter(intake, [lamp], "cs-yhb")
    assert recorded.matter_type == "路灯" and recorded.domain is Domain.PUBLIC_SERVICE
    assert with_suggested_matter(intake, [lamp], "hn-zjt") == intake  # another destination
    chosen = Intake(kind=Kind.COMPLAINT, domain=Domain.ECOLOGY, text="x", matter_type="噪声污染")
    assert with_suggested_matter(chosen, [lamp], "cs-yhb") == chosen  # the seat's choice stands


async def test_r_dispatch_a_city_matter_is_suggested_with_its_bureau(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    """The 长沙 office suggested for two bureaus is listed twice (one row each), and so is it in
    the dispatch dialog: the row the seat chooses says which bureau the office forwards to,
    the seat is told so, and the ticket records that row's matter type."""
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13812341234", "小区物业不管事，门口路灯坏了一个月也不亮")
        app.screen.query_one("#place", Input).value = "长沙市开福区"
        units = app.screen.query_one("#units")
        await wait_for(
            pilot, lambda: len([s for s in app.screen.suggestions if s.unit_id == "cs-yhb"]) >= 2,
            what="two bureaus of the 长沙 office",
        )  # fmt: skip
        # the list is drawn after the suggestions arrive: wait for the drawing, not only the data
        await wait_for(
            pilot, lambda: "→ 市城市管理和综合执法局" in screen_text(app),
            what="the street-light bureau drawn in the list",
        )  # fmt: skip
        assert len(units.row_ids) == len(set(units.row_ids)) >= 2
        shown = screen_text(app)
        assert "→ 市住房和城乡建设局" in shown
        units.focus()
        units.highlighted = next(
            i for i, s in enumerate(app.screen.suggestions) if s.target == "city:cgj"
        )
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog), what="dispatch dialog")
        offered = [t.plain for rid, t in app.screen.rows if rid.startswith("cs-yhb")]
        assert len(offered) == 2, offered
        assert any("→ 市住房和城乡建设局" in t for t in offered)
        lamp = next(i for i, t in enumerate(offered) if "→ 市城市管理和综合执法局" in t)
        await pilot.press(*["down"] * (lamp + 1), "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="result")
        # the seat reads where the office forwards it: the bureau of the matter recorded
        said = app.screen.body.plain
        assert "已受理并派单至 长沙市优化办（转市城市管理和综合执法局）" in said, said
        number = ticket_number(app.screen)
    ticket = screen_platform.backend(Role.MANAGER).ticket(number)
    assert (ticket.matter_type, ticket.bureau) == ("路灯", "市城市管理和综合执法局")


async def test_r_limit_a_noise_complaint_left_as_a_consultation_is_said_to_read_as_one(
    make_app: Any,
) -> None:
    """The form starts at 咨询 (5 working days, R-LIMIT); a caller complaining of a barbecue
    shop's smoke and noise has 10: the hint names the words and suggests 投诉, the seat changes
    the kind (Ctrl+L) and the hint is gone."""
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(
            pilot, "13812341234", "小区楼下新开的烧烤店每天营业到凌晨两三点，油烟很大，噪音扰民"
        )
        box = app.screen.query_one("#triage-hints", Static)
        await wait_for(pilot, lambda: "诉求读来像投诉" in str(box.render()), what="kind hint")
        shown = str(box.render())
        assert "扰民" in shown and "10个工作日" in shown and "类别建议：投诉" in shown
        assert app.screen.kind.value == "consultation"  # suggested, not imposed
        await pilot.press("f9")  # the dispatch dialog says it again: the limit follows the kind
        await wait_for(pilot, lambda: choice_ready(app), what="dispatch dialog")
        assert "类别为咨询，诉求读来像投诉（时限10个工作日）" in app.screen.body.plain
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ChoiceDialog), what="closed")
        kind = app.screen.query_one("#kind", Select)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: kind.expanded, what="kind list")
        await pilot.press("down", "down", "enter")
        await wait_for(pilot, lambda: kind.value == "complaint", what="投诉")
        await wait_for(pilot, lambda: "诉求读来像" not in str(box.render()), what="hint followed")


def test_r_dispatch_a_dialog_row_stands_for_the_suggestion_it_showed() -> None:
    """A dispatch dialog's suggestion row is read against the suggestions as the dialog showed
    them: a unit of the full list carries no matter type, nor does a row whose place no longer
    holds that unit's suggestion."""
    from console.screens.intake import IntakeScreen
    from console.services.views import UnitSuggestionView

    lamp = UnitSuggestionView("cs-yhb", "长沙市优化办", 0.8, (), "city:cgj", "市城管局", "路灯")
    estate = UnitSuggestionView(
        "cs-yhb", "长沙市优化办", 0.5, (), "city:zjj", "市住建局", "物业服务"
    )
    offered = [estate, lamp]
    assert IntakeScreen._chosen_suggestion("cs-yhb#1", offered) == ("cs-yhb", [lamp])
    assert IntakeScreen._chosen_suggestion("cs-yhb#0", offered) == ("cs-yhb", [estate])
    assert IntakeScreen._chosen_suggestion("hn-zjt", offered) == ("hn-zjt", [])
    assert IntakeScreen._chosen_suggestion("hn-zjt#1", offered) == ("hn-zjt", [])
    assert IntakeScreen._chosen_suggestion("cs-yhb#7", offered) == ("cs-yhb", [])


async def test_r_dispatch_answering_words_that_read_as_a_complaint_asks_and_is_recorded(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    """A complaint left at the form's default 咨询 could be closed with an article (F6); the
    confirmation says the words read as a complaint, which is dispatched (R-DISPATCH), and
    what the operator confirmed is on the ticket's timeline."""
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(
            pilot, "13812341234", "养老保险要交满多少年才能领退休金？社保窗口推诿，我要投诉"
        )
        await wait_for(pilot, lambda: answers(app).hits, what="KB answers")
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="confirmation")
        body = app.screen.body.plain
        assert "读来像投诉或举报" in body and "R-DISPATCH" in body, body
        assert app.screen.title_text == "确认以此答复？"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="result")
        number = ticket_number(app.screen)
    ticket = screen_platform.backend(Role.MANAGER).ticket(number)
    answered = next(e for e in ticket.events if e.action == "answer")
    assert "reads_as_grievance" in answered.details["confirmed"].split(",")
