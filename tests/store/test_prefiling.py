"""Pre-filed scopes (报备, R-PREFILING) filed by units and reviewed by the manager, on SQLite
and PostgreSQL: only an approved scope within its dates is matched at intake; pending,
rejected and withdrawn ones never are; every step is recorded (who, when) and audited.

Clock: Wednesday 2026-11-25 09:00 (Beijing). The seed scope pf-1 (hn-sgcc, 岳阳 停电) counts
as approved.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select, text

from console.errors import InputError, NotFound, PermissionDenied, RuleError
from console.services.access import audit
from console.services.clock import DrillClock
from console.services.local import LocalBackend
from console.services.values import Kind, Role
from console.services.views import Actor, PrefilingDraft
from console.store.models import AuditRow, PrefilingRow
from tests.conftest import at
from tests.store.conftest import Platform, intake

NOW = at("2026-11-25 09:00")
DRAFT = PrefilingDraft(
    title="暴雨致长沙部分小区停水",
    reason="force_majeure",
    keywords=("停水", "自来水"),
    region="长沙市",
    starts=at("2026-11-25 08:00"),
    ends=at("2026-11-28 20:00"),
    explanation="受暴雨影响，长沙部分片区管网抢修，预计11月28日前恢复供水。",
)
CALL = "我们小区停水一整天了"


def zjt(p: Platform) -> LocalBackend:
    return p.zjt


def actions(p: Platform, target: str) -> list[tuple[str, str, str | None]]:
    with p.store.read() as s:
        rows = s.execute(
            select(AuditRow).where(AuditRow.target == target).order_by(AuditRow.id)
        ).scalars()
        return [(r.action, r.actor, r.unit_id) for r in rows if r.action.startswith("prefiling")]


def test_r_prefiling_filed_scope_waits_for_review_then_matches(platform: Platform) -> None:
    p = platform
    scope_id = p.zjt.file_prefiling(DRAFT)
    [view] = p.zjt.prefiling_scopes()
    assert view.id == scope_id and view.state == "pending" and view.state_label == "待审核"
    assert view.unit_id == "hn-zjt" and view.unit_name == "省住房城乡建设厅"
    assert view.filed_by == "住建厅丁" and view.filed_at == NOW and not view.current
    assert view.reason_label == "不可抗力" and view.keywords == ("停水", "自来水")
    # pending: never matched, never explained from
    assert p.operator.match_prefiling(CALL, "长沙市") == []
    assert scope_id not in [s.id for s in p.operator.prefiling_active()]
    with pytest.raises(RuleError) as refused:
        p.operator.explain_prefiled(intake(Kind.HELP, text=CALL), scope_id)
    assert refused.value.rule == "R-PREFILING"
    # the manager's queue: pending first
    assert p.manager.prefiling_scopes()[0].id == scope_id
    assert [s.id for s in p.manager.prefiling_scopes("pending")] == [scope_id]
    p.clock.advance(dt.timedelta(minutes=30))
    p.manager.review_prefiling(scope_id, True, "")
    [view] = p.zjt.prefiling_scopes()
    assert view.state == "approved" and view.current
    assert view.reviewed_by == "优化办乙" and view.reviewed_at == at("2026-11-25 09:30")
    assert [s.id for s in p.operator.match_prefiling(CALL, "长沙市")] == [scope_id]
    number = p.operator.explain_prefiled(intake(Kind.HELP, text=CALL), scope_id)
    assert p.operator.ticket(number).prefiling_id == scope_id
    assert actions(p, scope_id) == [
        ("prefiling_file", "住建厅丁", "hn-zjt"),
        ("prefiling_approve", "优化办乙", None),
    ]
    assert audit.verify(p.store).ok


def test_r_prefiling_rejected_with_reason_never_matches(platform: Platform) -> None:
    p = platform
    scope_id = p.zjt.file_prefiling(DRAFT)
    with pytest.raises(InputError) as err:
        p.manager.review_prefiling(scope_id, False, "  ")
    assert err.value.field == "note"
    assert p.zjt.prefiling_scopes()[0].state == "pending"  # nothing half-stored
    p.manager.review_prefiling(scope_id, False, "停水不属于不可抗力范围，请补充说明")
    [view] = p.zjt.prefiling_scopes()
    assert view.state == "rejected" and view.state_label == "已退回"
    assert view.review_note == "停水不属于不可抗力范围，请补充说明"
    assert p.operator.match_prefiling(CALL, "长沙市") == []
    with pytest.raises(RuleError):
        p.manager.review_prefiling(scope_id, True, "")  # reviewed once only
    assert ("prefiling_reject", "优化办乙", None) in actions(p, scope_id)


def test_r_prefiling_unit_withdraws_its_pending_or_active_scope(platform: Platform) -> None:
    p = platform
    pending = p.zjt.file_prefiling(DRAFT)
    active = p.zjt.file_prefiling(dataclasses.replace(DRAFT, title="第二份"))
    p.manager.review_prefiling(active, True)
    with pytest.raises(InputError) as err:
        p.zjt.withdraw_prefiling(pending, "")
    assert err.value.field == "reason"
    with pytest.raises(PermissionDenied) as denied:
        p.rst.withdraw_prefiling(active, "不是我的")
    assert denied.value.rule == "R-PREFILING"
    with pytest.raises(PermissionDenied):
        p.manager.withdraw_prefiling(active, "管理部门不撤回")
    p.zjt.withdraw_prefiling(pending, "已恢复供水")
    assert [s.id for s in p.operator.match_prefiling(CALL, "长沙市")] == [active]
    p.zjt.withdraw_prefiling(active, "已恢复供水")
    assert p.operator.match_prefiling(CALL, "长沙市") == []
    states = {s.id: s for s in p.zjt.prefiling_scopes()}
    assert states[active].state == "withdrawn" and states[active].withdraw_reason == "已恢复供水"
    assert states[active].withdrawn_by == "住建厅丁" and states[active].withdrawn_at == NOW
    with pytest.raises(RuleError):
        p.zjt.withdraw_prefiling(active, "再撤一次")
    with pytest.raises(RuleError):
        p.manager.review_prefiling(pending, True)  # withdrawn: nothing to review
    assert ("prefiling_withdraw", "住建厅丁", "hn-zjt") in actions(p, active)


def test_r_prefiling_scope_of_seats(platform: Platform) -> None:
    p = platform
    scope_id = p.zjt.file_prefiling(DRAFT)
    assert p.rst.prefiling_scopes() == []  # another unit sees none of it
    assert {s.id for s in p.manager.prefiling_scopes()} == {scope_id, "pf-1"}
    for seat in (p.operator, p.supervisor):
        with pytest.raises(PermissionDenied):
            seat.prefiling_scopes()
        with pytest.raises(PermissionDenied):
            seat.file_prefiling(DRAFT)
    for seat in (p.zjt, p.rst, p.operator):
        with pytest.raises(PermissionDenied):
            seat.review_prefiling(scope_id, True)
    with pytest.raises(PermissionDenied):
        p.manager.file_prefiling(DRAFT)  # a unit files its own
    with pytest.raises(NotFound):
        p.manager.review_prefiling("pf-none", True)
    # the seed scope counts as approved
    seed = [s for s in p.manager.prefiling_scopes() if s.id == "pf-1"][0]
    assert seed.state == "approved" and seed.current


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "题" * 201}, "title"),
        ({"reason": "holiday"}, "reason"),
        ({"reason": ""}, "reason"),
        ({"keywords": ()}, "keywords"),
        ({"keywords": (" ", "")}, "keywords"),
        ({"keywords": ("长沙市",)}, "keywords"),
        ({"keywords": ("词" * 31,)}, "keywords"),
        ({"keywords": tuple(f"词{n}" for n in range(21))}, "keywords"),
        ({"region": "区" * 41}, "region"),
        ({"ends": at("2026-11-25 08:00")}, "ends"),
        ({"ends": at("2026-11-20 08:00"), "starts": at("2026-11-19 08:00")}, "ends"),
        ({"ends": at("2027-12-01 00:00")}, "ends"),
        ({"starts": at("2028-01-01 00:00"), "ends": at("2028-01-02 00:00")}, "starts"),
        ({"ends": dt.datetime(9999, 12, 31, 23, 59)}, "ends"),
        ({"starts": dt.datetime(1, 1, 1)}, "starts"),
        ({"starts": at("2025-11-01 00:00")}, "starts"),
        ({"explanation": " "}, "explanation"),
        ({"explanation": "话" * 2001}, "explanation"),
    ],
)
def test_r_prefiling_bad_fields_are_named_and_nothing_stored(
    platform: Platform, change: dict[str, object], field: str
) -> None:
    p = platform
    with pytest.raises(InputError) as err:
        p.zjt.file_prefiling(dataclasses.replace(DRAFT, **change))  # type: ignore[arg-type]
    assert err.value.field == field
    assert p.zjt.prefiling_scopes() == []


def test_r_prefiling_reason_by_chinese_label_and_art17_grounds_only(platform: Platform) -> None:
    p = platform
    for label, code in (("不可抗力", "force_majeure"), ("特殊工作要求", "special_work"),
                        ("恶意诉求", "malicious")):  # fmt: skip
        scope_id = p.zjt.file_prefiling(dataclasses.replace(DRAFT, reason=label))
        assert [s.reason for s in p.zjt.prefiling_scopes() if s.id == scope_id] == [code]


def test_r_prefiling_expired_while_pending_cannot_be_approved(platform: Platform) -> None:
    p = platform
    scope_id = p.zjt.file_prefiling(DRAFT)
    p.clock.advance(dt.timedelta(days=4))
    with pytest.raises(RuleError) as err:
        p.manager.review_prefiling(scope_id, True)
    assert err.value.rule == "R-PREFILING"
    p.manager.review_prefiling(scope_id, False, "已过期")


def test_r_prefiling_seed_rows_before_the_migration_count_as_approved(
    platform: Platform,
) -> None:
    with platform.store.read() as s:
        row = s.get(PrefilingRow, "pf-1")
        assert row is not None and row.state == "approved" and row.filed_at is None


def test_r_prefiling_unit_withdraws_a_seed_scope(platform: Platform) -> None:
    p = platform
    sgcc = p.operator.as_actor(Actor("u-sgcc", "电力庚", Role.UNIT_CLERK, "hn-sgcc"))
    sgcc.withdraw_prefiling("pf-1", "抢修完毕")
    assert p.operator.match_prefiling("岳阳这边停电了", "岳阳市") == []


def test_r_prefiling_migration_0012_keeps_existing_scopes_approved(tmp_path: Path) -> None:
    """A scope in a database at revision 0010 is approved (and still matched) after upgrade."""
    from alembic import command

    from console.bootstrap import open_store
    from console.store.migrate import alembic_config, upgrade

    store = open_store(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        cfg = alembic_config()
        with store.write_engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0010")
        with store.write_engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO units (id, name, full_name, category, city, subcentre, hotline,"
                    " contact_role, domains, duties, keywords, active) VALUES ('hn-sgcc', '电力',"
                    " '电力', 'enterprise', '', 0, '', '办公室', '[]', '[]', '[]', 1)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO prefiling_scopes (id, unit_id, reason, title, keywords, region,"
                    " starts, ends, explanation, filed_by) VALUES ('pf-old', 'hn-sgcc',"
                    " 'force_majeure', '冰灾停电', '[\"停电\"]', '岳阳市',"
                    " '2026-11-19 16:00:00.000000', '2026-12-10 15:59:00.000000', '抢修中', 'seed')"
                )
            )
        assert upgrade(store)
        with store.read() as s:
            row = s.get(PrefilingRow, "pf-old")
            assert row is not None and row.state == "approved" and row.review_note == ""
        backend = LocalBackend(store, DrillClock(NOW), Actor("seat-1", "话务员甲", Role.OPERATOR))
        assert [p.id for p in backend.match_prefiling("岳阳停电了", "岳阳市")] == ["pf-old"]
    finally:
        store.dispose()
