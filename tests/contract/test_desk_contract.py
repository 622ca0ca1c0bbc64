"""The 政企通 desk (R-ENTERPRISE) on every backend (LocalBackend on SQLite and PostgreSQL,
RemoteBackend against a real ``hotline serve``): the same calls, the same views, the same
refusals with the same rule ids."""

from __future__ import annotations

import dataclasses

import pytest

from console.errors import InputError, NotFound, PermissionDenied, RuleError
from console.services.values import CallerType, Role
from console.services.views import (
    DeskItemView,
    ExpertDraft,
    PolicyHitView,
    SpecialistView,
    TicketSummary,
)
from tests.contract.harness import World, intake

ALWAYS = ("每天 00:00-00:00",)


def test_r_enterprise_desk_on_every_backend(world: World) -> None:
    manager = world.manager
    zhao_id = manager.add_expert(
        ExpertDraft("赵专员", "hn-rst", ("营商环境",), ALWAYS, kind="policy")
    )
    qian_id = manager.add_expert(
        ExpertDraft("钱专员", "hn-zjt", ("营商环境",), ALWAYS, kind="policy")
    )
    zhao = world.seat("赵专员", Role.ENTERPRISE_DESK, None)
    qian = world.seat("钱专员", Role.ENTERPRISE_DESK, None)
    assert {e.id for e in manager.experts(kind="policy")} >= {zhao_id, qian_id}
    assert all(e.kind == "policy" for e in zhao.experts(kind="policy"))

    number = world.operator.accept(
        intake(caller_type=CallerType.ENTERPRISE, enterprise_name="麓谷软件有限公司",
               text="软件企业想了解研发费用加计扣除政策 [/red]"),
        unit_id="hn-rst",
    )  # fmt: skip
    person = world.operator.accept(intake(), unit_id="hn-rst")
    unassigned = {i.ticket.number: i for i in zhao.desk("unassigned")}
    assert number in unassigned and person not in unassigned
    item = unassigned[number]
    assert isinstance(item, DeskItemView) and isinstance(item.ticket, TicketSummary)
    assert dataclasses.is_dataclass(item) and item.enterprise_name == "麓谷软件有限公司"
    assert item.ticket.next_due is not None and item.ticket.next_due.tzinfo is not None

    zhao.claim_enterprise(number)
    with pytest.raises(RuleError) as twice:
        qian.claim_enterprise(number)
    assert twice.value.rule == "R-ENTERPRISE"
    [mine] = [i for i in zhao.desk("mine") if i.ticket.number == number]
    assert (mine.specialist_id, mine.how, mine.assignment) == (zhao_id, "claim", "live")
    zhao.follow_enterprise(number, "已联系企业财务负责人")
    with pytest.raises(PermissionDenied) as other:
        qian.follow_enterprise(number, "越权跟进")
    assert other.value.rule == "R-ENTERPRISE"
    with pytest.raises(InputError) as empty:
        manager.assign_specialist(number, qian_id, "")
    assert empty.value.field == "reason"
    manager.assign_specialist(number, qian_id, "钱专员熟悉软件行业")
    [moved] = [i for i in qian.desk("mine") if i.ticket.number == number]
    assert (moved.how, moved.reason, moved.follow_ups) == ("reassign", "钱专员熟悉软件行业", 0)
    assert number in [i.ticket.number for i in zhao.desk("done")]
    events = [e.action for e in manager.ticket(number).events]
    assert events[-3:] == ["desk_claim", "desk_follow", "desk_reassign"]

    load = {s.id: s for s in manager.specialists()}
    assert isinstance(load[qian_id], SpecialistView) and load[qian_id].live >= 1

    # scope: a desk seat reads no person's ticket; a unit clerk reads no desk
    with pytest.raises(NotFound):
        zhao.ticket(person)
    with pytest.raises(PermissionDenied) as clerk:
        world.rst.desk()
    assert clerk.value.rule == "R-ENTERPRISE"
    with pytest.raises(NotFound):  # another unit's ticket: not even its number exists
        world.zjt.assign_specialist(number, zhao_id, "换人")
    with pytest.raises(PermissionDenied) as own_unit:  # its own unit's: not its to assign
        world.rst.assign_specialist(number, zhao_id, "换人")
    assert own_unit.value.rule == "R-ENTERPRISE"
    with pytest.raises(NotFound):
        zhao.claim_enterprise(person)

    hits = world.operator.policy_search(industries=["软件和信息技术"], limit=5)
    assert all(isinstance(h, PolicyHitView) for h in hits)
    with pytest.raises(InputError) as bad:
        world.operator.policy_search(regions=["广州"])
    assert bad.value.field == "regions"
