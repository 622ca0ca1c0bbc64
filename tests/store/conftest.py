"""A small platform for workflow tests: a few units, the ten grounds, one pre-filed scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from console.services.clock import DrillClock
from console.services.knowledge.seed import (
    ArticleRecord,
    GroundRecord,
    PrefilingRecord,
    Seed,
    UnitRecord,
)
from console.services.knowledge.seeding import apply_seed
from console.services.local import LocalBackend
from console.services.values import CallerType, Domain, Kind, Role, Source
from console.services.views import Actor, Intake
from console.store.engine import Store
from tests.conftest import at


def unit(uid: str, name: str, category: str = "provincial", subcentre: bool = False) -> UnitRecord:
    return UnitRecord(
        id=uid,
        name=name,
        full_name=name,
        category=category,
        city="",
        subcentre=subcentre,
        hotline="",
        contact_role="办公室",
        domains=(Domain.PUBLIC_SERVICE,),
        duties=("测试职责",),
        keywords=("测试",),
    )


UNITS = (
    unit("hn-rst", "省人力资源社会保障厅", subcentre=True),
    unit("hn-zjt", "省住房城乡建设厅"),
    unit("hn-scjgj", "省市场监管局"),
    unit("hn-sgcc", "国网湖南省电力有限公司", "enterprise"),
)
GROUNDS = tuple(
    GroundRecord(n, f"情形{n}", f"话术{n}", f"运行管理办法第九条第（{n}）项", ())
    for n in range(1, 11)
)
PREFILING = (
    PrefilingRecord(
        "pf-1",
        "hn-sgcc",
        "force_majeure",
        "冰灾停电",
        ("停电",),
        "岳阳市",
        at("2026-11-20 00:00"),
        at("2026-12-10 23:59"),
        "因冰灾线路受损，正在抢修。",
    ),
)

# a draft article, as every seed article is until its owner verifies it (R-KB)
ARTICLES = (
    ArticleRecord(
        id="hn-rst-001",
        unit_id="hn-rst",
        question="社保关系怎么转移？",
        alt_questions=(),
        answer="通过国家社会保险公共服务平台申请转移接续。",
        basis="《中华人民共和国社会保险法》",
        domain=Domain.PUBLIC_SERVICE,
        tags=("社保",),
        enterprise=False,
        effective=dt.date(2026, 1, 1),
        review_by=dt.date(2027, 6, 30),
        status="draft",
    ),
)


@dataclass
class Platform:
    store: Store
    clock: DrillClock
    operator: LocalBackend
    manager: LocalBackend
    rst: LocalBackend  # clerk of hn-rst
    zjt: LocalBackend  # clerk of hn-zjt
    scj: LocalBackend  # clerk of hn-scjgj
    supervisor: LocalBackend

    def advance(self, **kw: float) -> None:
        self.clock.advance(dt.timedelta(**kw))


@pytest.fixture
def platform(store: Store, clock: DrillClock) -> Platform:
    apply_seed(
        store,
        Seed(units=UNITS, articles=ARTICLES, grounds=GROUNDS, prefiling=PREFILING),
        clock.now(),
    )
    op = LocalBackend(store, clock, Actor("seat-1", "话务员甲", Role.OPERATOR))
    return Platform(
        store=store,
        clock=clock,
        operator=op,
        manager=op.as_actor(Actor("mgr-1", "优化办乙", Role.MANAGER)),
        rst=op.as_actor(Actor("u-rst", "人社厅丙", Role.UNIT_CLERK, "hn-rst")),
        zjt=op.as_actor(Actor("u-zjt", "住建厅丁", Role.UNIT_CLERK, "hn-zjt")),
        scj=op.as_actor(Actor("u-scj", "市监局戊", Role.UNIT_CLERK, "hn-scjgj")),
        supervisor=op.as_actor(Actor("sup-1", "督办己", Role.SUPERVISOR)),
    )


def intake(
    kind: Kind = Kind.COMPLAINT, text: str = "公司拖欠工资三个月，请求协调。", **kw: object
) -> Intake:
    base: dict[str, object] = dict(
        kind=kind,
        domain=Domain.SOCIAL_MANAGEMENT,
        text=text,
        caller_phone="13812341234",
        caller_name="张先生",
        caller_type=CallerType.PERSON,
        source=Source.CITY_TRANSFER,
        source_line="长沙12345",
        place="长沙市",
    )
    base.update(kw)
    return Intake(**base)  # type: ignore[arg-type]
