"""A ticket with a city 优化办 names the city bureau it is forwarded to (R-DISPATCH, 事项清单).

The catalogue routes local matters to ``city:<bureau>``: the caller's city 优化办, which forwards
them to that kind of bureau. The ticket records the matter type; its view names the bureau the
matter type's owner is, so the office's clerk and the manager read where it goes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from console.services.clock import DrillClock
from console.services.knowledge.seed import BureauRecord, MatterRecord, Seed
from console.services.knowledge.seeding import apply_seed
from console.services.local import LocalBackend
from console.services.values import Domain, Role
from console.services.views import Actor
from console.store.engine import Store
from tests.store.conftest import GROUNDS, UNITS, intake, unit

CITY = replace(unit("cs-yhb", "长沙市优化办", "city"), city="长沙市")
BUREAUS = (
    BureauRecord("yhb", "市优化办", ("营商环境投诉",)),
    BureauRecord("cgj", "市城市管理和综合执法局", ("路灯",)),
)
MATTERS = (
    MatterRecord("lamps", "路灯", Domain.PUBLIC_SERVICE, "city:cgj", (), "《城市道路管理条例》",
                 "路灯不亮", ("路灯",)),
    MatterRecord("env", "营商环境", Domain.BUSINESS_ENVIRONMENT, "city:yhb", (), "《优化营商环境条例》",
                 "推诿扯皮", ("推诿",)),
    MatterRecord("wages", "劳动保障监察", Domain.SOCIAL_MANAGEMENT, "hn-rst", (),
                 "《劳动保障监察条例》", "拖欠工资", ("拖欠工资",)),
)  # fmt: skip


@pytest.fixture
def seats(store: Store, clock: DrillClock) -> tuple[LocalBackend, LocalBackend]:
    """An operator and the 长沙市优化办's clerk over the seeded catalogue."""
    apply_seed(
        store,
        Seed(units=(*UNITS, CITY), grounds=GROUNDS, bureaus=BUREAUS, matters=MATTERS),
        clock.now(),
    )
    operator = LocalBackend(store, clock, Actor("seat-1", "话务员甲", Role.OPERATOR))
    return operator, operator.as_actor(Actor("u-cs", "长沙经办", Role.UNIT_CLERK, "cs-yhb"))


def test_r_dispatch_a_city_office_ticket_names_the_bureau_of_its_matter_type(
    seats: tuple[LocalBackend, LocalBackend],
) -> None:
    operator, clerk = seats

    def dispatched(unit_id: str, matter_type: str, domain: Domain = Domain.PUBLIC_SERVICE) -> str:
        return operator.accept(
            intake(text="小区门口路灯坏了一个月", matter_type=matter_type, domain=domain),
            unit_id=unit_id,
        )

    lamps = dispatched("cs-yhb", "路灯")
    assert clerk.ticket(lamps).bureau == "市城市管理和综合执法局"
    # the office handles a business-environment complaint itself: no bureau
    assert clerk.ticket(dispatched("cs-yhb", "营商环境", Domain.BUSINESS_ENVIRONMENT)).bureau == ""
    # no matter type recorded; a provincial unit (its matter is its own)
    assert clerk.ticket(dispatched("cs-yhb", "")).bureau == ""
    assert (
        operator.ticket(dispatched("hn-rst", "劳动保障监察", Domain.SOCIAL_MANAGEMENT)).bureau == ""
    )
    # a city matter sent to a provincial unit: the unit handles it, nobody forwards it
    assert operator.ticket(dispatched("hn-zjt", "路灯")).bureau == ""


def test_r_dispatch_a_city_office_queue_names_each_tickets_bureau(
    seats: tuple[LocalBackend, LocalBackend], clock: DrillClock
) -> None:
    """The lists a clerk reads — the office's queue, the search, a caller's other tickets —
    carry the bureau of each row, as the ticket's view does: every row of a city office's
    queue is the office; the bureau is what tells them apart."""
    operator, clerk = seats
    lamps = operator.accept(
        intake(text="小区门口路灯坏了一个月", matter_type="路灯"), unit_id="cs-yhb"
    )
    own = operator.accept(
        intake(text="窗口推诿不办", matter_type="营商环境", domain=Domain.BUSINESS_ENVIRONMENT),
        unit_id="cs-yhb",
    )
    wages = operator.accept(
        intake(text="拖欠工资", matter_type="路灯"), unit_id="hn-zjt"
    )  # a city matter at a provincial unit: nobody forwards it
    expected = {lamps: "市城市管理和综合执法局", own: ""}
    for page in (
        clerk.queue("mine", 0, 50),
        clerk.search_tickets(text="", since=clock.now().date()),
        clerk.tickets_by_phone("13812341234"),
    ):
        assert {r.number: r.bureau for r in page.rows} == expected
    assert {r.number: r.bureau for r in operator.tickets_by_phone("13812341234").rows} == {
        **expected,
        wages: "",
    }
