"""Hardening found by the API fuzzing and the access review, on SQLite and PostgreSQL:

- a clerk of another unit learns nothing from a command with a stale version, nor from
  releasing a ticket (R-SECURITY);
- the intake tools that look across every unit (duplicates, unit suggestions) and the
  platform-wide call-back settlement are refused to the seats that may not use them;
- every text a command stores is checked against its column (length, NUL) and refused with
  the field named, nothing stored; an unknown domain or kind is bad input, not a crash;
- the "why" of a search hit quotes its phrases in a stable order.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from console.errors import Conflict, InputError, NotFound, PermissionDenied
from console.services.inputs import column_limit
from console.services.knowledge.search_explain import _quoted
from console.services.local import LocalBackend
from console.services.tickets.commands import INTAKE_COLUMNS
from console.services.values import Kind, Role, Special
from console.services.views import SYSTEM_ACTOR, Actor
from console.store.models import EventRow, TicketRow
from tests.conftest import REPO, at
from tests.store.conftest import Platform, intake


def _tickets(p: Platform) -> int:
    with p.store.read() as s:
        return int(s.execute(select(func.count()).select_from(TicketRow)).scalar_one())


def _seat(p: Platform, role: Role, unit: str | None = None) -> LocalBackend:
    return p.operator.as_actor(Actor(f"seat-{role.value}", f"{role.label}席", role, unit))


def _signed(p: Platform) -> str:
    number = p.operator.accept(intake(), unit_id="hn-rst")
    p.rst.sign(number)
    return number


# ---------------------------------------------------------------- scope before version
def test_r_security_stale_version_from_another_unit_learns_nothing(platform: Platform) -> None:
    p = platform
    number = _signed(p)  # version 1 is stale now; 人社厅丙 changed it
    commands = (
        lambda: p.zjt.sign(number, version=1),
        lambda: p.zjt.request_extension(number, 2, "需要协调", version=1),
        lambda: p.zjt.request_completion(number, "电话", dt.date(2026, 11, 25), "已办", version=1),
        lambda: p.zjt.return_ticket(number, "不属本单位", "三定方案", version=1),
    )
    for command in commands:  # the same answer as for a number nobody issued (R-SECURITY)
        with pytest.raises(NotFound) as refused:
            command()
        assert str(refused.value) == str(NotFound("工单", number))
        assert "人社厅丙" not in str(refused.value)
    # the same answer as reading the ticket
    with pytest.raises(NotFound) as read:
        p.zjt.ticket(number)
    assert str(read.value) == str(refused.value)
    # the ticket's own unit still gets the conflict, naming who changed it and when
    with pytest.raises(Conflict) as conflict:
        p.rst.request_extension(number, 2, "需要协调", version=1)
    assert conflict.value.changed_by == "人社厅丙"
    with pytest.raises(NotFound):
        p.zjt.sign("HN000000000000", version=1)


def test_r_security_co_unit_clerk_is_not_refused_for_scope(platform: Platform) -> None:
    p = platform
    number = p.operator.accept(intake(), unit_id="hn-rst")
    p.manager.designate_lead(number, "hn-rst", ["hn-zjt"], "多部门")
    # a co-unit reads the ticket: with a stale version it is told of the conflict, not refused
    with pytest.raises(Conflict):
        p.zjt.sign(number, version=1)


# ---------------------------------------------------------------- claims
def test_r_security_release_of_another_units_ticket_is_refused(platform: Platform) -> None:
    p = platform
    claimed = p.operator.accept(intake(), unit_id="hn-rst")
    free = p.operator.accept(intake(text="第二件：公司拖欠工资"), unit_id="hn-rst")
    assert p.rst.claim_next("awaiting_sign") == claimed
    for number in (claimed, free):  # held by a seat or not: the same refusal
        with pytest.raises(NotFound) as refused:  # as for a number nobody issued
            p.zjt.release(number)
        assert str(refused.value) == str(NotFound("工单", number))
        assert "u-rst" not in str(refused.value)
    # the holder still releases it; another seat of the same unit is told who holds it
    other_rst = _seat(p, Role.UNIT_CLERK, "hn-rst")
    with pytest.raises(PermissionDenied, match="u-rst"):
        other_rst.release(claimed)
    p.rst.release(claimed)
    with p.store.read() as s:
        row = s.execute(select(TicketRow).where(TicketRow.number == claimed)).scalar_one()
        assert row.claimed_by is None


def test_r_security_a_clerk_claims_nothing_of_another_unit_from_any_queue(
    platform: Platform,
) -> None:
    p = platform
    p.operator.accept(intake(), unit_id="hn-rst", special=Special.SPECIAL)
    p.operator.accept(intake(text="第二件：公司拖欠工资"), unit_id="hn-rst")
    p.advance(days=20)  # every clock overdue
    for queue in ("awaiting_sign", "special", "overdue", "due_soon"):
        assert p.zjt.claim_next(queue) is None, queue
    assert p.rst.claim_next("overdue") is not None


# ---------------------------------------------------------------- who may use what
ALLOWED_INTAKE_TOOLS = (
    Role.OPERATOR,
    Role.EXPERT,
    Role.SHIFT_LEAD,
    Role.SUBCENTRE_OPERATOR,
    Role.MANAGER,
    Role.SUPERVISOR,
)


def test_r_security_duplicates_and_suggestions_only_for_intake_roles(platform: Platform) -> None:
    p = platform
    number = p.operator.accept(intake(), unit_id="hn-rst")
    words, phone = "公司拖欠工资三个月，请求协调。", "13812341234"
    for role in ALLOWED_INTAKE_TOOLS:
        seat = _seat(p, role)
        assert [d.number for d in seat.find_duplicates(words, phone)] == [number], role
        assert isinstance(seat.suggest_units(words), list)
    for seat in (p.zjt, p.rst, _seat(p, Role.AUDITOR), _seat(p, Role.ADMIN)):
        with pytest.raises(PermissionDenied) as refused:
            seat.find_duplicates(words, phone)
        assert refused.value.rule == "R-SECURITY" and number not in str(refused.value)
        with pytest.raises(PermissionDenied, match="R-SECURITY"):
            seat.suggest_units(words)
    # pre-filed scopes are public explanations: every seat may match them
    assert [s.id for s in p.zjt.match_prefiling("岳阳这边停电了", "岳阳市")] == ["pf-1"]


def test_r_default_satisfied_settlement_only_by_manager_or_system(platform: Platform) -> None:
    p = platform
    system = p.operator.as_actor(SYSTEM_ACTOR)
    number = _signed(p)
    p.rst.request_completion(number, "电话", dt.date(2026, 11, 25), "已处理")
    p.manager.review_completion(number, True)
    system.record_callback(number, None, "auto")
    p.advance(hours=73)
    for seat in (p.operator, p.rst, p.zjt, p.supervisor, _seat(p, Role.AUDITOR)):
        with pytest.raises(PermissionDenied) as refused:
            seat.settle_callbacks()
        assert refused.value.rule == "R-SECURITY"
    assert p.operator.ticket(number).state == "completed"  # nothing settled by a refusal
    assert p.manager.settle_callbacks() == [number]
    assert system.settle_callbacks() == []


def test_r_scope_a_clerk_learns_nothing_from_a_repeat_of_number(platform: Platform) -> None:
    p = platform
    with pytest.raises(PermissionDenied) as refused:
        p.zjt.accept(intake(repeat_of="HN000000000000"), unit_id="hn-zjt")
    assert refused.value.rule == "R-SCOPE"


# ---------------------------------------------------------------- text against its column
LIMITED = [f for f, c in INTAKE_COLUMNS.items() if column_limit(c) is not None]


def test_every_bounded_intake_field_is_derived_from_the_model() -> None:
    assert set(LIMITED) == {
        "caller_phone",
        "caller_name",
        "enterprise_name",
        "caller_id_number",
        "source_line",
        "place",
        "matter_type",
        "repeat_of",
    }
    assert column_limit(INTAKE_COLUMNS["caller_name"]) == 100


@pytest.mark.parametrize("field", LIMITED)
def test_an_intake_field_longer_than_its_column_is_refused_naming_it(
    platform: Platform, field: str
) -> None:
    p = platform
    limit = column_limit(INTAKE_COLUMNS[field])
    assert limit is not None
    filler = "1" if field in ("caller_phone", "repeat_of") else "名"
    with pytest.raises(InputError) as bad:
        p.operator.accept(intake(**{field: filler * (limit + 1)}), unit_id="hn-rst")
    assert bad.value.field == field
    assert _tickets(p) == 0


def test_an_intake_field_as_long_as_its_column_is_stored_whole(platform: Platform) -> None:
    p = platform
    values = {
        f: "名" * (column_limit(INTAKE_COLUMNS[f]) or 0)
        for f in ("caller_name", "enterprise_name", "source_line", "place", "matter_type")
    }
    number = p.operator.accept(intake(**values), unit_id="hn-rst")
    with p.store.read() as s:
        row = s.execute(select(TicketRow).where(TicketRow.number == number)).scalar_one()
        assert {f: getattr(row, f) for f in values} == values


@pytest.mark.parametrize("field", list(INTAKE_COLUMNS))
def test_nul_in_an_intake_field_is_refused_naming_it(platform: Platform, field: str) -> None:
    p = platform
    with pytest.raises(InputError) as bad:
        p.operator.accept(intake(**{field: "前\x00后"}), unit_id="hn-rst")
    assert bad.value.field == field and "NUL" in str(bad.value)
    assert _tickets(p) == 0


def test_nul_in_a_command_argument_is_refused_naming_it(platform: Platform) -> None:
    p = platform
    number = _signed(p)
    nul = "情况\x00说明"
    calls = {
        "reason": lambda: p.rst.return_ticket(number, nul, "三定方案"),
        "basis": lambda: p.rst.return_ticket(number, "不属本单位", nul),
        "handling": lambda: p.rst.request_completion(number, "电话", dt.date(2026, 11, 25), nul),
        "contact_method": lambda: p.rst.request_completion(
            number, nul, dt.date(2026, 11, 25), "已办"
        ),
        "opinion": lambda: p.rst.request_termination(number, nul * 10),
        "note": lambda: p.manager.open_supervision(number, 5, "written", nul),
        "number": lambda: p.rst.sign(nul),
        "unit_id": lambda: p.manager.designate_lead(number, nul, []),
        "co_unit_ids": lambda: p.manager.designate_lead(number, "hn-rst", [nul]),
        "article_id": lambda: p.operator.answer(intake(), nul),
        "target_line": lambda: p.operator.transfer(intake(), nul, False),
        "scope_id": lambda: p.operator.explain_prefiled(intake(), nul),
    }
    for field, call in calls.items():
        with pytest.raises(InputError) as bad:
            call()
        assert bad.value.field == field or (field, bad.value.field) == (
            "unit_id",
            "lead_unit_id",
        ), field
    with pytest.raises(InputError) as bad_release:
        p.rst.release(nul)
    assert bad_release.value.field == "number"
    with pytest.raises(InputError) as bad_reveal:
        p.operator.reveal_contact(number, nul)
    assert bad_reveal.value.field == "reason"
    assert _tickets(p) == 1
    assert p.operator.ticket(number).state == "handling"


def test_tabs_and_line_breaks_in_free_text_are_kept(platform: Platform) -> None:
    p = platform
    number = _signed(p)
    reason = "第一行\n\t第二行\r\n第三行"
    p.rst.return_ticket(number, reason, "依据\t条款")
    with p.store.read() as s:
        event = s.execute(
            select(EventRow).where(EventRow.action == "return").order_by(EventRow.id.desc())
        ).scalar()
        assert event is not None and event.reason == reason


def test_lone_surrogates_and_huge_integers_are_bad_input(platform: Platform) -> None:
    p = platform
    number = _signed(p)
    with pytest.raises(InputError) as bad_text:
        p.operator.accept(intake(text="诉求\ud800"), unit_id="hn-rst")
    assert bad_text.value.field == "text"
    with pytest.raises(InputError) as bad_ground:
        p.manager.open_supervision(number, 10**30, "written", "请说明")
    assert bad_ground.value.field == "ground"
    with pytest.raises(InputError) as bad_id:
        p.rst.reply_supervision(2**40, "说明")
    assert bad_id.value.field == "supervision_id"
    with pytest.raises(InputError) as bad_version:
        p.rst.request_extension(number, 2, "需要协调", version=-(2**63))
    assert bad_version.value.field == "version"


def test_an_article_id_longer_than_its_column_is_refused(platform: Platform) -> None:
    p = platform
    limit = column_limit(TicketRow.article_id)
    assert limit == 40
    with pytest.raises(InputError) as bad:
        p.operator.answer(intake(kind=Kind.CONSULTATION), "kb-" + "9" * limit)
    assert bad.value.field == "article_id"
    assert _tickets(p) == 0


# ---------------------------------------------------------------- unknown names, naive times
def test_unknown_domain_and_kind_are_bad_input(platform: Platform) -> None:
    p = platform
    for call in (
        lambda: p.operator.search_kb("社保", domain="天文"),
        lambda: p.operator.suggest_units("停电了", domain="天文"),
    ):
        with pytest.raises(InputError) as bad:
            call()
        assert bad.value.field == "domain"
    assert isinstance(p.operator.search_kb("社保", domain="社会管理"), list)
    with pytest.raises(InputError) as bad_kind:
        p.operator.due_preview("nonsense")
    assert bad_kind.value.field == "kind"


def test_r_prefiling_a_naive_moment_is_beijing_time(platform: Platform) -> None:
    p = platform
    naive = dt.datetime(2026, 12, 10, 23, 30)  # 23:30 Beijing: the scope (until 23:59) holds
    assert [v.id for v in p.operator.prefiling_active(naive)] == ["pf-1"]
    assert p.operator.prefiling_active(dt.datetime(2026, 12, 11, 0, 30)) == []
    assert p.operator.prefiling_active(naive) == p.operator.prefiling_active(at("2026-12-10 23:30"))
    preview = p.operator.due_preview("complaint", dt.datetime(2026, 11, 25, 9, 0))
    assert preview == p.operator.due_preview("complaint", at("2026-11-25 09:00"))


# ---------------------------------------------------------------- the "why" of a search hit
def test_quoted_phrases_longest_first_then_by_text() -> None:
    question = "丁丙乙甲丁丙乙甲社会保险"
    spans = [(0, 2), (2, 4), (4, 6), (6, 8), (8, 12)]  # 丁丙 乙甲 丁丙 乙甲 社会保险
    assert _quoted(question, spans, limit=3) == ["「社会保险」", "「丁丙」", "「乙甲」"]


QUOTE_SCRIPT = """
from console.services.knowledge.search_explain import _quoted
text = "".join(chr(0x4E00 + i) for i in range(40))
print(_quoted(text, [(i, i + 2) for i in range(0, 40, 2)], limit=3))
"""


def test_quoted_phrases_are_the_same_in_every_process() -> None:
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", QUOTE_SCRIPT],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        outputs.add(done.stdout.strip())
    assert outputs == {"['「一丁」', '「丂七」', '「丄丅」']"}


def test_r_security_sqlite_busy_is_worded_as_busy(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holding SQLite's write lock longer than the busy timeout: the seat is
    told the database is busy, not that it cannot be reached."""
    import sqlite3

    from sqlalchemy import text

    from console.errors import Unavailable
    from console.store import engine

    monkeypatch.setattr(engine, "SQLITE_BUSY_MS", 200)
    path = os.path.join(str(tmp_path), "busy.db")
    store = engine.connect(f"sqlite:///{path}")
    with store.write() as s:
        s.execute(text("CREATE TABLE t (x INTEGER)"))
    holder = sqlite3.connect(path, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(Unavailable) as busy:
            with store.write() as s:
                s.execute(text("INSERT INTO t VALUES (1)"))
        assert "正忙" in str(busy.value) and "无法连接" not in str(busy.value)
    finally:
        holder.rollback()
        holder.close()
        store.dispose()
