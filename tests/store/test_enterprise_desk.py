"""The 政企通 desk (R-ENTERPRISE, Art. 5(6), 29) on SQLite and PostgreSQL: an enterprise request
is on the desk; a policy specialist claims it or the manager / desk lead assigns it, always one
specialist at a time (the store refuses a second live assignment); the specialist records
follow-ups on the timeline; the assignment closes when the ticket ends, whichever command ends
it; the desk's seats read enterprise tickets only; the policy roster is kept by the manager.

Clock: Wednesday 2026-11-25 09:00 (Beijing).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from console.errors import InputError, NotFound, PermissionDenied, RuleError
from console.services.access.verification import verify
from console.services.local import LocalBackend
from console.services.values import CallerType, Kind, Role, Satisfaction, State
from console.services.views import Actor, ExpertDraft
from console.store.models import AuditRow, EnterpriseAssignmentRow, TicketRow
from tests.store.conftest import Platform, intake

ALWAYS = ("每天 00:00-00:00",)


def enterprise(**kw: object) -> object:
    base: dict[str, object] = dict(
        caller_type=CallerType.ENTERPRISE,
        enterprise_name="湘江机械制造有限公司",
        text="企业申报研发费用加计扣除被退回，想问清楚政策和材料。",
    )
    base.update(kw)
    return intake(**base)


class Desk:
    def __init__(self, p: Platform) -> None:
        self.p = p
        self.zhao_id = p.manager.add_expert(
            ExpertDraft("赵政策", "hn-rst", ("营商环境",), ALWAYS, seat="pol-zhao", kind="policy")
        )
        self.qian_id = p.manager.add_expert(
            ExpertDraft("钱政策", "hn-zjt", ("营商环境",), ALWAYS, seat="pol-qian", kind="policy")
        )
        self.lead_id = p.manager.add_expert(
            ExpertDraft(
                "孙组长", "hn-rst", ("营商环境",), ALWAYS, seat="pol-sun", kind="policy",
                desk_lead=True,
            )
        )  # fmt: skip
        self.zhao = p.operator.as_actor(Actor("pol-zhao", "赵政策", Role.ENTERPRISE_DESK))
        self.qian = p.operator.as_actor(Actor("pol-qian", "钱政策", Role.ENTERPRISE_DESK))
        self.lead = p.operator.as_actor(Actor("pol-sun", "孙组长", Role.ENTERPRISE_DESK))


@pytest.fixture
def desk(platform: Platform) -> Desk:
    return Desk(platform)


def live_count(p: Platform, number: str) -> int:
    with p.store.read() as s:
        tid = s.execute(select(TicketRow.id).where(TicketRow.number == number)).scalar_one()
        return int(
            s.execute(
                select(func.count()).where(
                    EnterpriseAssignmentRow.ticket_id == tid,
                    EnterpriseAssignmentRow.state == "live",
                )
            ).scalar_one()
        )


# ---------------------------------------------------------------- the roster
def test_r_enterprise_policy_specialists_are_kept_by_the_manager_and_listed_by_kind(
    desk: Desk,
) -> None:
    p = desk.p
    p.manager.add_expert(ExpertDraft("周专家", "hn-rst", ("公共服务",), ALWAYS))
    policy = p.manager.experts(kind="policy")
    assert {e.name for e in policy} == {"赵政策", "钱政策", "孙组长"}
    assert all(e.kind == "policy" and e.kind_label == "政策专员" for e in policy)
    assert [e.name for e in p.manager.experts(kind="expert")] == ["周专家"]
    assert {e.name for e in p.manager.experts()} >= {"周专家", "赵政策"}
    assert next(e for e in policy if e.name == "孙组长").desk_lead
    with pytest.raises(PermissionDenied) as refused:
        desk.zhao.add_expert(ExpertDraft("吴政策", "hn-rst", ("营商环境",), ALWAYS, kind="policy"))
    assert refused.value.rule == "R-EXPERT"
    with pytest.raises(InputError) as bad:
        p.manager.add_expert(ExpertDraft("吴", "hn-rst", ("营商环境",), ALWAYS, kind="adviser"))
    assert bad.value.field == "kind"
    with pytest.raises(InputError) as lead:
        p.manager.add_expert(ExpertDraft("吴", "hn-rst", ("营商环境",), ALWAYS, desk_lead=True))
    assert lead.value.field == "desk_lead"
    # every change audited, the kind with it
    with p.store.read() as s:
        kinds = [
            a.detail.get("kind")
            for a in s.execute(select(AuditRow).where(AuditRow.action == "expert_add")).scalars()
        ]
    assert kinds.count("policy") == 3


def test_r_enterprise_a_policy_specialist_answers_no_expert_handoff(desk: Desk) -> None:
    p = desk.p
    with pytest.raises(NotFound):
        p.operator.hand_to_expert(
            intake(Kind.CONSULTATION, "咨询政策"), "营商环境", desk.zhao_id, consent=True
        )  # fmt: skip


# ---------------------------------------------------------------- the queue
def test_r_enterprise_an_enterprise_request_is_on_the_desk_and_a_person_s_is_not(
    desk: Desk,
) -> None:
    p = desk.p
    company = p.operator.accept(enterprise(), unit_id="hn-rst")
    person = p.operator.accept(intake(), unit_id="hn-rst")
    listed = [i.ticket.number for i in desk.zhao.desk("all")]
    assert listed == [company]
    assert [i.ticket.number for i in desk.zhao.desk("unassigned")] == [company]
    assert desk.zhao.desk("mine") == []
    item = desk.zhao.desk("all")[0]
    assert item.enterprise_name == "湘江机械制造有限公司" and item.assignment == ""
    assert item.ticket.next_due is not None  # the clock shown as in the other queues
    # a desk seat reads enterprise tickets only (R-SECURITY)
    assert desk.zhao.ticket(company).number == company
    with pytest.raises(NotFound):
        desk.zhao.ticket(person)
    assert [r.number for r in desk.zhao.queue("due_soon").rows] in ([], [company])
    assert person not in [r.number for r in desk.zhao.queue("overdue").rows]
    # the desk is the desk's and the manager's
    assert [i.ticket.number for i in p.manager.desk()] == [company]
    for seat in (p.rst, p.operator, p.supervisor):
        with pytest.raises(PermissionDenied) as refused:
            seat.desk()
        assert refused.value.rule == "R-ENTERPRISE"
    with pytest.raises(InputError) as bad:
        p.manager.desk("everything")
    assert bad.value.field == "which"


def test_r_enterprise_a_long_desk_lists_the_nearest_clocks_first_and_no_more(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backlog of open enterprise requests is not read whole: the desk lists ``OPEN_LIMIT``
    of them, chosen in SQL by their nearest clock. The first request is signed by its unit (its
    next clock, 办理时限, is days away), so the nearest clocks are the later requests' 签收 —
    not the first rows the store returns."""
    from console.services.enterprise import desk as desk_module

    p = desk.p
    numbers = []
    for i in range(4):
        text = f"企业第{i}次申请政策兑现，请协调。"
        numbers.append(p.operator.accept(enterprise(text=text), unit_id="hn-rst"))
        p.advance(hours=1)
    p.rst.sign(numbers[0])
    monkeypatch.setattr(desk_module, "OPEN_LIMIT", 2)
    assert [i.ticket.number for i in desk.zhao.desk("all")] == numbers[1:3]
    assert [i.ticket.number for i in desk.zhao.desk("unassigned")] == numbers[1:3]
    monkeypatch.setattr(desk_module, "OPEN_LIMIT", 10)
    assert [i.ticket.number for i in desk.zhao.desk("all")] == [*numbers[1:], numbers[0]]


# ---------------------------------------------------------------- one specialist per ticket
def test_r_enterprise_one_specialist_per_ticket(desk: Desk) -> None:
    p = desk.p
    number = p.operator.accept(enterprise(), unit_id="hn-rst")
    desk.zhao.claim_enterprise(number)
    with pytest.raises(RuleError) as second:
        desk.qian.claim_enterprise(number)
    assert second.value.rule == "R-ENTERPRISE" and "赵政策" in str(second.value)
    assert live_count(p, number) == 1
    assert [i.ticket.number for i in desk.zhao.desk("mine")] == [number]
    assert desk.qian.desk("mine") == [] and desk.qian.desk("unassigned") == []
    mine = desk.zhao.desk("mine")[0]
    assert (mine.specialist_name, mine.how, mine.assignment) == ("赵政策", "claim", "live")
    assert p.rst.ticket(number).specialist == "赵政策"  # the handling unit sees who follows it
    # the store itself refuses a second live assignment, whatever the code above it does
    with pytest.raises(IntegrityError):
        with p.store.write() as s:
            tid = s.execute(select(TicketRow.id).where(TicketRow.number == number)).scalar_one()
            s.add(
                EnterpriseAssignmentRow(
                    ticket_id=tid, specialist_id=desk.qian_id, state="live", how="claim",
                    reason="", assigned_by="x", assigned_at=p.clock.now(), follow_ups=0,
                    closed_by="", close_reason="",
                )
            )  # fmt: skip
    assert live_count(p, number) == 1


def test_r_enterprise_reassignment_is_the_manager_s_or_the_desk_lead_s_with_a_reason(
    desk: Desk,
) -> None:
    p = desk.p
    number = p.operator.accept(enterprise(), unit_id="hn-rst")
    desk.zhao.claim_enterprise(number)
    for seat in (desk.qian, p.rst, p.operator):
        with pytest.raises((PermissionDenied, NotFound)):
            seat.assign_specialist(number, desk.qian_id, "换人")
    with pytest.raises(InputError) as empty:
        p.manager.assign_specialist(number, desk.qian_id, "  ")
    assert empty.value.field == "reason"
    with pytest.raises(NotFound):
        p.manager.assign_specialist(number, "ex-nobody", "换人")
    p.manager.assign_specialist(number, desk.qian_id, "赵政策休假，改由钱政策跟进")
    assert live_count(p, number) == 1
    assert desk.zhao.desk("mine") == []
    moved = desk.qian.desk("mine")[0]
    assert (moved.how, moved.reason) == ("reassign", "赵政策休假，改由钱政策跟进")
    desk.lead.assign_specialist(number, desk.zhao_id, "钱政策负责外贸，转回赵政策")
    assert [i.ticket.number for i in desk.zhao.desk("mine")] == [number]
    with pytest.raises(RuleError):
        desk.lead.assign_specialist(number, desk.zhao_id, "再分一次")
    done = desk.qian.desk("done")
    assert [(i.ticket.number, i.close_reason) for i in done] == [(number, "reassigned")]
    actions = [e.action for e in p.manager.ticket(number).events]
    assert actions[-3:] == ["desk_claim", "desk_reassign", "desk_reassign"]
    with pytest.raises(RuleError) as person:
        p.manager.assign_specialist(p.operator.accept(intake(), unit_id="hn-rst"),
                                    desk.zhao_id, "试试")  # fmt: skip
    assert person.value.rule == "R-ENTERPRISE"


def test_r_enterprise_only_the_specialist_following_it_records_follow_ups(desk: Desk) -> None:
    p = desk.p
    number = p.operator.accept(enterprise(), unit_id="hn-rst")
    with pytest.raises(RuleError):
        desk.zhao.follow_enterprise(number, "已电话联系企业")
    desk.zhao.claim_enterprise(number)
    desk.zhao.follow_enterprise(number, "已电话联系企业财务，推送加计扣除政策解读 [/bold]")
    with pytest.raises(PermissionDenied) as other:
        desk.qian.follow_enterprise(number, "我也来")
    assert other.value.rule == "R-ENTERPRISE"
    with pytest.raises(PermissionDenied):
        p.manager.follow_enterprise(number, "管理部门跟进")
    with pytest.raises(InputError) as empty:
        desk.zhao.follow_enterprise(number, " ")
    assert empty.value.field == "note"
    view = p.manager.ticket(number)
    follow = [e for e in view.events if e.action == "desk_follow"]
    assert [e.reason for e in follow] == ["已电话联系企业财务，推送加计扣除政策解读 [/bold]"]
    assert follow[0].actor == "赵政策"
    assert desk.zhao.desk("mine")[0].follow_ups == 1
    assert verify(p.store).ok  # the timeline is the audit trail


def test_r_enterprise_the_assignment_closes_when_the_ticket_ends(desk: Desk) -> None:
    p = desk.p
    number = p.operator.accept(enterprise(), unit_id="hn-rst")
    desk.zhao.claim_enterprise(number)
    p.rst.sign(number)
    desk.zhao.follow_enterprise(number, "协调人社厅加快办理")
    p.rst.request_completion(number, "电话", dt.date(2026, 11, 25), "已向企业说明政策并受理申报")
    p.manager.review_completion(number, True)
    assert live_count(p, number) == 1  # 已办结待回访: the specialist still follows it
    p.operator.record_callback(number, Satisfaction.SATISFIED, "manual", "企业满意")
    assert p.manager.ticket(number).state == State.CLOSED.value
    assert live_count(p, number) == 0
    assert p.manager.ticket(number).specialist == ""
    done = desk.zhao.desk("done")
    assert [(i.ticket.number, i.close_reason, i.follow_ups) for i in done] == [(number, "ended", 1)]
    assert done[0].closed_at == p.clock.now()
    assert desk.zhao.desk("mine") == [] and p.manager.desk("all") == []
    with pytest.raises(RuleError):
        desk.zhao.follow_enterprise(number, "结案后再跟进")
    assert verify(p.store).ok


def test_r_enterprise_specialists_are_listed_with_their_load(desk: Desk) -> None:
    p = desk.p
    first = p.operator.accept(enterprise(), unit_id="hn-rst")
    p.operator.accept(enterprise(enterprise_name="星城物流"), unit_id="hn-rst")
    desk.zhao.claim_enterprise(first)
    load = {s.name: s.live for s in p.manager.specialists()}
    assert load == {"赵政策": 1, "钱政策": 0, "孙组长": 0}
    assert all(s.on_duty for s in desk.qian.specialists())
    with pytest.raises(PermissionDenied):
        p.rst.specialists()


def test_r_enterprise_a_seat_not_on_the_policy_roster_claims_nothing(desk: Desk) -> None:
    p = desk.p
    number = p.operator.accept(enterprise(), unit_id="hn-rst")
    stranger: LocalBackend = p.operator.as_actor(Actor("pol-x", "无名", Role.ENTERPRISE_DESK))
    with pytest.raises(PermissionDenied) as refused:
        stranger.claim_enterprise(number)
    assert refused.value.rule == "R-ENTERPRISE"
    with pytest.raises(PermissionDenied):
        p.manager.claim_enterprise(number)


# ---------------------------------------------------------------- policy search
def test_r_enterprise_policy_search_filters_by_industry_size_and_region(platform: Platform) -> None:
    from console.services.knowledge.seed import ArticleRecord, Seed
    from console.services.knowledge.seeding import apply_seed
    from console.services.values import Domain
    from tests.store.conftest import GROUNDS, PREFILING, UNITS

    def policy(
        aid: str, question: str, tags: tuple[str, ...], enterprise: bool = True
    ) -> ArticleRecord:
        return ArticleRecord(
            id=aid, unit_id="hn-rst", question=question, alt_questions=(),
            answer=f"{question}的政策要点。", basis="", domain=Domain.BUSINESS_ENVIRONMENT,
            tags=tags, enterprise=enterprise, effective=dt.date(2026, 1, 1),
            review_by=dt.date(2027, 6, 30), status="draft",
        )  # fmt: skip

    p = platform
    articles = (
        policy("pol-trade", "外贸企业出口退税怎么办理", ("外贸", "长沙")),
        policy("pol-small", "小微企业贷款贴息政策", ("小微企业", "贷款")),
        policy("pol-all", "企业开办一网通办", ("企业开办",)),
        policy("pol-wide", "涉企收费清单公示", ("涉企收费",)),  # concerns every enterprise
        policy("tagged", "稳岗返还怎么申请", ("稳岗", "就业政策"), enterprise=False),  # 政策 tag
        policy("plain", "社保卡挂失", ("社保卡",), enterprise=False),  # not a policy article
    )
    apply_seed(
        p.store,
        Seed(units=UNITS, articles=articles, grounds=GROUNDS, prefiling=PREFILING),
        p.clock.now(),
    )
    p.operator.knowledge.refresh_articles()
    every = {h.article_id for h in p.operator.policy_search()}
    assert {"pol-all", "pol-wide", "tagged"} <= every and "plain" not in every
    found = [h.article_id for h in p.operator.policy_search(industries=["外贸"])]
    assert sorted(found) == ["pol-all", "pol-trade", "pol-wide", "tagged"]  # pol-small: 金融
    assert found[0] == "pol-trade"  # written for 外贸: before those concerning every enterprise
    assert "hn-rst-001" not in [h.article_id for h in p.operator.policy_search()]  # not policy
    big = [h.article_id for h in p.operator.policy_search(sizes=["大型"])]
    assert "pol-small" not in big and "pol-all" in big
    changde = [h.article_id for h in p.operator.policy_search(regions=["常德"])]
    assert "pol-trade" not in changde and "pol-all" in changde
    assert "pol-trade" in [h.article_id for h in p.operator.policy_search(regions=["长沙市"])]
    hit = p.operator.policy_search(industries=["外贸"], regions=["长沙"])
    trade = next(h for h in hit if h.article_id == "pol-trade")
    assert trade.industries == ("外贸",) and trade.regions == ("长沙",)
    ranked = p.operator.policy_search("出口退税")
    assert ranked and ranked[0].article_id == "pol-trade"
    for field, kw in (
        ("industries", {"industries": ["挖矿"]}),
        ("sizes", {"sizes": ["超大"]}),
        ("regions", {"regions": ["广州"]}),
        ("limit", {"limit": 0}),
    ):
        with pytest.raises(InputError) as bad:
            p.operator.policy_search(**kw)  # type: ignore[arg-type]
        assert bad.value.field == field


def _claim_at_once(backends: list[LocalBackend], number: str) -> list[str]:
    """Every backend claims ``number`` at the same instant; each one's outcome."""
    import threading

    from console.errors import Conflict

    barrier = threading.Barrier(len(backends))
    outcomes: list[str] = []
    lock = threading.Lock()

    def claim(backend: LocalBackend) -> None:
        barrier.wait()
        try:
            backend.claim_enterprise(number)
            result = "won"
        except RuleError:
            result = "refused"
        except Conflict:
            result = "conflict"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=claim, args=(b,)) for b in backends]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_r_enterprise_specialists_claiming_at_once_on_postgresql_one_wins(desk: Desk) -> None:
    """Four specialists claim one ticket at the same instant, each through its own connection
    pool (like separate consoles): one follows it, the others are refused cleanly (R-ENTERPRISE
    or "changed by …", never a database error), and one live assignment is stored."""
    from console.bootstrap import open_store

    p = desk.p
    if p.store.dialect != "postgresql":
        pytest.skip("the race runs on PostgreSQL (SQLite serialises writers with BEGIN IMMEDIATE)")
    p.manager.add_expert(
        ExpertDraft("李政策", "hn-zjt", ("营商环境",), ALWAYS, seat="pol-li", kind="policy")
    )
    seats = {"赵政策": "pol-zhao", "钱政策": "pol-qian", "孙组长": "pol-sun", "李政策": "pol-li"}
    stores = [open_store(p.store.url) for _ in seats]
    try:
        backends = [
            LocalBackend(st, p.clock, Actor(seat, name, Role.ENTERPRISE_DESK), p.operator.rules)
            for st, (name, seat) in zip(stores, seats.items(), strict=True)
        ]
        for round_ in range(5):
            number = p.operator.accept(enterprise(), unit_id="hn-rst")
            outcomes = _claim_at_once(backends, number)
            assert outcomes.count("won") == 1, (round_, outcomes)
            assert len(outcomes) == len(seats), outcomes  # nobody died of a raw database error
            assert live_count(p, number) == 1
    finally:
        for st in stores:
            st.dispose()
