"""The expert roster in the console (R-EXPERT): the manager opens it from the work queues (E)
and puts an expert on the roster through the form (a shift that cannot be read is refused in
the form, naming 值班时间, and nothing typed is lost); an expert seat opens it from the knowledge
screen (F7) and sees who is on duty first, filters by a matter type (F) and cannot change it;
a unit clerk sees its own unit's experts only. Names are shown literally."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static

from console.screens.expert_form import AddExpertDialog
from console.screens.experts import ExpertRosterScreen
from console.screens.knowledge import KnowledgeScreen
from console.screens.queues import QueuesScreen
from console.services.values import Role
from console.services.views import Actor, ExpertDraft
from console.widgets.dialogs import PromptDialog
from tests.screens.conftest import ScreenPlatform, screen_text, wait_for

pytestmark = pytest.mark.anyio

SIZE = (120, 40)
MANAGER = Actor("mgr-1", "优化办乙", Role.MANAGER)
NIGHT = ExpertDraft("夜班[red]李", "hn-zjt", ("物业服务",), ("每天 20:00-08:00",))


def footer_keys(app: Any) -> dict[str, str]:
    return {
        b.key: b.description
        for _, b, enabled, _ in app.screen.active_bindings.values()
        if enabled and b.show
    }


async def loaded(pilot: Any, app: Any) -> ExpertRosterScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, ExpertRosterScreen), what="roster")
    screen: ExpertRosterScreen = app.screen
    await wait_for(pilot, lambda: "专家" in str(screen.query_one("#experts-status").render()))
    return screen


async def test_r_expert_manager_adds_from_the_queues_expert_seat_reads(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    night = screen_platform.backend(MANAGER).add_expert(NIGHT)
    app = make_app(MANAGER)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, QueuesScreen), what="queues")
        assert footer_keys(app).get("e") == "专家名册"
        await pilot.press("e")
        screen = await loaded(pilot, app)
        assert footer_keys(app).get("n") == "列入名册" and footer_keys(app).get("x") == "退出名册"
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, AddExpertDialog), what="form")
        form: AddExpertDialog = app.screen
        for name, text in (
            ("name", "王社保"),
            ("unit_id", "hn-rst"),
            ("fields", "公共服务,路灯"),
            ("shifts", "工作日 9点-17点"),
        ):
            form.query_one(f"#ex-{name}", Input).focus()
            await pilot.press(*text)
        await pilot.press("ctrl+s")
        error = form.query_one("#ex-error", Static)
        await wait_for(pilot, lambda: error.display, what="refusal")
        assert "值班时间" in str(error.render())
        shifts = form.query_one("#ex-shifts", Input)
        assert shifts.has_focus and form.query_one("#ex-name", Input).value == "王社保"
        shifts.value = ""
        await pilot.press(*"工作日 08:30-17:30")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, what="back on the roster")
        await wait_for(pilot, lambda: len(screen.experts) == 2, what="added")
        first, second = screen.experts
        assert (first.name, first.on_duty) == ("王社保", True)  # 09:00 on a Wednesday
        assert (second.id, second.on_duty) == (night, False)
        table = screen.query_one("#experts-table", DataTable)
        table.move_cursor(row=1)
        await pilot.pause()
        detail = str(screen.query_one("#experts-detail", Static).render())
        assert "夜班[red]李" in detail and "每天 20:00–次日08:00" in detail  # literal
    # an expert seat: from the knowledge screen, read-only, filtered by a matter type
    app = make_app(Role.EXPERT)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, KnowledgeScreen), what="knowledge")
        await pilot.press("f7")
        screen = await loaded(pilot, app)
        keys = footer_keys(app)
        assert "n" not in keys and "x" not in keys and keys.get("f") == "按领域"
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog), what="filter")
        await pilot.press(*"物业服务", "enter")
        await wait_for(pilot, lambda: [v.id for v in screen.experts] == [night], what="filtered")
        await pilot.press("x")  # not the manager: nothing happens
        await pilot.pause()
        assert app.screen is screen
    # a unit clerk of 住建厅: its own unit's experts only
    app = make_app(Actor("u-zjt", "住建厅丁", Role.UNIT_CLERK, "hn-zjt"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, QueuesScreen), what="queues")
        await pilot.press("e")
        screen = await loaded(pilot, app)
        assert [v.id for v in screen.experts] == [night]


async def test_r_enterprise_manager_puts_a_desk_lead_on_the_roster_from_the_console(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    """名册类别 专席负责人: a policy specialist who assigns the 政企通 desk's requests; an
    unknown 类别 is refused naming the line, nothing typed lost (R-ENTERPRISE)."""
    app = make_app(MANAGER)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, QueuesScreen), what="queues")
        await pilot.press("e")
        screen = await loaded(pilot, app)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, AddExpertDialog), what="form")
        form: AddExpertDialog = app.screen
        for name, text in (
            ("name", "孙组长"),
            ("unit_id", "hn-rst"),
            ("fields", "营商环境"),
            ("shifts", "工作日 08:30-17:30"),
            ("kind", "顾问"),
        ):
            form.query_one(f"#ex-{name}", Input).value = text
        await pilot.press("ctrl+s")
        error = form.query_one("#ex-error", Static)
        await wait_for(pilot, lambda: error.display, what="refusal")
        assert "名册类别" in str(error.render())
        assert form.query_one("#ex-kind", Input).has_focus
        form.query_one("#ex-kind", Input).value = "专席负责人"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, what="back on the roster")
        await wait_for(pilot, lambda: len(screen.experts) == 1, what="added")
        [lead] = screen.experts
        assert (lead.kind, lead.desk_lead) == ("policy", True)
        # the row in the table, its kind in the detail (read from the pane, not the terminal:
        # the pane wraps its line where 在班 / 不在班 leaves it, which the calendar decides)
        detail = screen.query_one("#experts-detail", Static)
        table = screen.query_one("#experts-table", DataTable)
        await wait_for(pilot, lambda: table.row_count == 1, what="the lead listed")
        assert "孙组长·政" in str(table.get_row_at(0)[1])
        await wait_for(
            pilot, lambda: "政策专员（专席负责人）" in str(detail.render()), what="its kind shown"
        )


async def test_a_slow_older_load_does_not_put_its_rows_back(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    """Two loads of the roster, the first slow (its store read held until the second has
    shown): the first's older rows arrive last and are dropped — the roster keeps the newer
    list (an expert just added stayed listed; it vanished again when a reload started before
    the add finished late)."""
    import threading

    app = make_app(MANAGER)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, QueuesScreen), what="queues")
        await pilot.press("e")
        screen = await loaded(pilot, app)
        assert screen.experts == []
        backend = app.backend
        real = backend.experts
        release = threading.Event()
        calls = 0

        def held_first(*args: Any) -> Any:
            nonlocal calls
            calls += 1
            found = real(*args)  # the roster as it is now: empty
            if calls == 1:
                release.wait(10)
            return found

        backend.experts = held_first  # type: ignore[method-assign]
        screen.load()  # slow: reads the empty roster, then waits
        await wait_for(pilot, lambda: calls == 1, what="the first load reading")
        screen_platform.backend(MANAGER).add_expert(NIGHT)
        screen.load()  # the newer load: the expert is there
        await wait_for(pilot, lambda: len(screen.experts) == 1, what="the newer rows")
        release.set()
        await pilot.pause(0.5)
        assert len(screen.experts) == 1 and "夜班[red]李" in screen_text(app)
