"""The expert roster (专家座席, R-EXPERT, Art. 28) on SQLite and PostgreSQL: the manager keeps
it (adds, edits, retires, each audited); every seat reads it, a unit clerk its own unit's
experts only; an expert covers a domain or a matter type (a matter type also through its
domain) and is on duty when a shift covers the moment; a bad field stores nothing.

Clock: Wednesday 2026-11-25 09:00 (Beijing).
"""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from console.errors import InputError, NotFound, PermissionDenied, RuleError
from console.services.views import ExpertDraft
from console.store.models import AuditRow, ExpertRow, MatterRow
from tests.conftest import at
from tests.store.conftest import Platform

WANG = ExpertDraft(
    name="王社保",
    unit_id="hn-rst",
    fields=("公共服务", "social-insurance"),
    shifts=("工作日 08:30-17:30",),
    phone="0731-84900000",
)
LI = ExpertDraft(
    name="李夜班",
    unit_id="hn-zjt",
    fields=("social_management",),
    shifts=("每天 20:00-08:00",),
)


@pytest.fixture
def roster(platform: Platform) -> Platform:
    with platform.store.write() as s:
        s.add(
            MatterRow(
                id="social-insurance",
                name="社保缴费",
                domain="public_service",
                owner="hn-rst",
                describe="社会保险费的缴纳与补缴",
                terms=["社保"],
            )
        )
    return platform


def count(p: Platform) -> int:
    with p.store.read() as s:
        return int(s.execute(select(func.count()).select_from(ExpertRow)).scalar_one())


def test_r_expert_manager_keeps_the_roster_every_seat_reads_it(roster: Platform) -> None:
    p = roster
    wang = p.manager.add_expert(WANG)
    li = p.manager.add_expert(LI)
    [first, second] = p.operator.experts()
    assert (first.id, first.on_duty) == (wang, True)  # on duty first (09:00 on a Wednesday)
    assert (second.id, second.on_duty) == (li, False)
    assert first.field_labels == ("公共服务", "社保缴费")
    assert first.fields == ("public_service", "social-insurance")
    assert first.shifts == ("workdays 08:30-17:30",) and first.shift_labels == (
        "工作日 08:30–17:30",
    )
    assert first.unit_name == "省人力资源社会保障厅" and first.added_by == "优化办乙"
    assert first.added_at == at("2026-11-25 09:00") and first.phone == "0731-84900000"
    # a unit clerk reads its own unit's experts only
    assert [v.id for v in p.rst.experts()] == [wang]
    assert [v.id for v in p.zjt.experts()] == [li]
    # on duty: the night expert at 23:00, the day expert not
    p.clock.set(at("2026-11-25 23:00"))
    assert [v.id for v in p.supervisor.experts(on_duty=True)] == [li]


def test_r_expert_field_filter_reads_matter_types_through_their_domain(roster: Platform) -> None:
    p = roster
    wang = p.manager.add_expert(WANG)
    li = p.manager.add_expert(LI)
    assert [v.id for v in p.operator.experts(field="社会管理")] == [li]
    assert [v.id for v in p.operator.experts(field="social-insurance")] == [wang]
    assert [v.id for v in p.operator.experts(field="社保缴费")] == [wang]
    other = dataclasses.replace(WANG, name="赵医保", fields=("公共服务",))
    zhao = p.manager.add_expert(other)
    # an expert of the matter's domain covers the matter too
    assert {v.id for v in p.operator.experts(field="社保缴费")} == {wang, zhao}
    with pytest.raises(InputError) as caught:
        p.operator.experts(field="天文")
    assert caught.value.field == "field" and "R-EXPERT" in str(caught.value)


def test_r_expert_only_the_manager_changes_the_roster(roster: Platform) -> None:
    p = roster
    for seat in (p.operator, p.rst, p.supervisor):
        with pytest.raises(PermissionDenied) as caught:
            seat.add_expert(WANG)
        assert caught.value.rule == "R-EXPERT"
    wang = p.manager.add_expert(WANG)
    with pytest.raises(PermissionDenied):
        p.rst.edit_expert(wang, WANG)
    with pytest.raises(PermissionDenied):
        p.rst.retire_expert(wang, "调离")
    assert count(p) == 1


def test_r_expert_edit_and_retire_are_recorded_and_audited(roster: Platform) -> None:
    p = roster
    wang = p.manager.add_expert(WANG)
    p.advance(hours=1)
    p.manager.edit_expert(wang, dataclasses.replace(WANG, shifts=("周六,周日 09:00-17:00",)))
    [view] = p.operator.experts()
    assert view.shift_labels == ("周六、周日 09:00–17:00",) and not view.on_duty
    assert view.changed_by == "优化办乙" and view.changed_at == at("2026-11-25 10:00")
    with pytest.raises(InputError) as caught:
        p.manager.retire_expert(wang, "  ")
    assert caught.value.field == "reason"
    p.manager.retire_expert(wang, "调离原单位")
    assert p.operator.experts() == []
    [gone] = p.operator.experts(include_retired=True)
    assert not gone.active and not gone.on_duty and gone.retire_reason == "调离原单位"
    with pytest.raises(RuleError) as refused:
        p.manager.edit_expert(wang, WANG)
    assert refused.value.rule == "R-EXPERT"
    with pytest.raises(RuleError):
        p.manager.retire_expert(wang, "再退一次")
    with p.store.read() as s:
        actions = [
            (r.action, r.actor)
            for r in s.execute(select(AuditRow).where(AuditRow.target == wang).order_by(AuditRow.id))
            .scalars()
        ]  # fmt: skip
    assert actions == [
        ("expert_add", "优化办乙"),
        ("expert_edit", "优化办乙"),
        ("expert_retire", "优化办乙"),
    ]
    # retired, the same name may be put on the roster again
    assert p.manager.add_expert(WANG) != wang


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": " "}, "name"),
        ({"fields": ()}, "fields"),
        ({"fields": ("天文学",)}, "fields"),
        ({"shifts": ()}, "shifts"),
        ({"shifts": ("工作日 9点-17点",)}, "shifts"),
        ({"phone": "打电话"}, "phone"),
        ({"name": "名" * 41}, "name"),
    ],
)
def test_r_expert_bad_field_stores_nothing(
    roster: Platform, change: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError) as caught:
        roster.manager.add_expert(dataclasses.replace(WANG, **change))  # type: ignore[arg-type]
    assert caught.value.field == field
    assert count(roster) == 0


def test_r_expert_unknown_unit_or_expert_and_twins(roster: Platform) -> None:
    p = roster
    with pytest.raises(NotFound):
        p.manager.add_expert(dataclasses.replace(WANG, unit_id="hn-none"))
    with pytest.raises(NotFound):
        p.manager.retire_expert("ex-none", "不存在")
    p.manager.add_expert(WANG)
    with pytest.raises(RuleError) as twin:
        p.manager.add_expert(dataclasses.replace(WANG, shifts=("每天 08:00-12:00",)))
    assert twin.value.rule == "R-EXPERT" and "王社保" in str(twin.value)
    assert count(p) == 1
