"""Where an expert seat lands (R-EXPERT): a seat on the expert roster starts on its queue
(专家队列), with F1 on its navigation bar; an expert seat not on the roster starts on the
knowledge base and reaches the queue with F1; opening a consultation there takes it (接手)."""

from __future__ import annotations

from typing import Any

import pytest

from console.screens.expert_queue import ConsultationScreen, ExpertQueueScreen
from console.screens.knowledge import KnowledgeScreen
from console.services.values import Domain, Kind, Role
from console.services.views import Actor, ExpertDraft, Intake
from tests.screens.conftest import ScreenPlatform, wait_for

pytestmark = pytest.mark.anyio

WANG = Actor("ex-wang", "王社保", Role.EXPERT)
SIZE = (130, 40)


def nav(app: Any) -> str:
    from console.widgets.nav import NavBar

    return str(app.screen.query_one(NavBar).render_bar(SIZE[0]).plain)


async def test_r_expert_a_rostered_expert_lands_on_its_queue(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    manager = screen_platform.backend(Role.MANAGER)
    manager.add_expert(
        ExpertDraft("王社保", "hn-rst", ("公共服务",), ("每天 00:00-00:00",), seat="ex-wang")
    )
    number = screen_platform.backend(Role.OPERATOR).hand_to_expert(
        Intake(Kind.CONSULTATION, Domain.PUBLIC_SERVICE, "社保卡丢了怎么补办？",
               caller_phone="13812345678"),
        "公共服务",
        consent=True,
    )  # fmt: skip
    app = make_app(WANG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ExpertQueueScreen), what="queue")
        assert app.current_mode == "expert_queue"
        await wait_for(pilot, lambda: app.screen.handoffs, what="queue rows")
        bar = nav(app)
        assert "f1 专家队列" in bar and bar.index("f1") < bar.index("f2")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConsultationScreen), what="open")
        await wait_for(pilot, lambda: app.screen.handoff.taken_at is not None, what="taken")
    # the opening is the take: its moment is on the timeline (the queue wait ends there)
    handed = screen_platform.backend(Role.MANAGER).expert_handoff(number)
    assert handed.taken_at == screen_platform.clock.now()
    events = [e.action for e in screen_platform.backend(Role.MANAGER).ticket(number).events]
    assert events[-1] == "expert_take"


async def test_r_expert_a_seat_off_the_roster_starts_on_knowledge_and_f1_opens_the_queue(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    app = make_app(Actor("ex-new", "新专家", Role.EXPERT))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, KnowledgeScreen), what="knowledge")
        await pilot.pause(0.3)  # the roster was read: still on the knowledge base
        assert app.current_mode == "knowledge"
        assert "f1 专家队列" in nav(app)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, ExpertQueueScreen), what="F1")


async def test_r_expert_other_seats_have_no_f1_on_their_bar(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    app = make_app(Role.SHIFT_LEAD)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.backend is not None, what="the platform")
        await pilot.pause()
        assert "专家队列" not in nav(app)
        app.action_expert_queue()  # the palette's entry still opens it for a shift lead
        await wait_for(pilot, lambda: isinstance(app.screen, ExpertQueueScreen), what="queue")


async def test_r_expert_a_consultation_handed_over_is_pushed_onto_the_queue(
    make_app: Any, screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The expert's queue shows a hand-off made on another seat as it is made — pushed by the
    live feed, not found at the queue's periodic reload (set out of reach here: ten minutes,
    against the five seconds the test waits; no wall-clock bound, which a busy machine breaks)."""
    from console.screens import expert_queue

    monkeypatch.setattr(expert_queue, "RELOAD_S", 600.0)
    manager = screen_platform.backend(Role.MANAGER)
    manager.add_expert(
        ExpertDraft("王社保", "hn-rst", ("公共服务",), ("每天 00:00-00:00",), seat="ex-wang")
    )
    app = make_app(WANG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ExpertQueueScreen), what="queue")
        await wait_for(pilot, lambda: app.live_watch is not None
                       and app.live_watch.cursor is not None, what="the feed")  # fmt: skip
        await pilot.pause(0.3)
        assert not app.screen.handoffs
        number = screen_platform.backend(Role.OPERATOR).hand_to_expert(
            Intake(Kind.CONSULTATION, Domain.PUBLIC_SERVICE, "医保异地就医怎么备案？",
                   caller_phone="13812345678"),
            "公共服务",
            consent=True,
        )  # fmt: skip
        await wait_for(pilot, lambda: [h.number for h in app.screen.handoffs] == [number],
                       timeout=5, what="the pushed hand-off")  # fmt: skip
