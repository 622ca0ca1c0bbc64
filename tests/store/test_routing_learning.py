"""Routing learns where tickets end (R-DISPATCH, R-RETURN-REVIEW), on both stores.

A ticket's final unit — after a return is approved and it is dispatched elsewhere — is what the
platform's history teaches: the next similar ticket is suggested there, at once (the history
memory) and in every model trained afterwards (`hotline model train`).
"""

from __future__ import annotations

import datetime as dt

from console.services.clock import DrillClock
from console.services.knowledge.seed import MatterRecord, Seed
from console.services.knowledge.seeding import apply_seed
from console.services.knowledge.training import (
    due_for_training,
    list_models,
    load_model,
    train_from_store,
)
from console.services.local import LocalBackend
from console.services.values import Domain, Kind, Role
from console.services.views import Actor
from console.store.engine import Store
from tests.store.conftest import GROUNDS, UNITS, intake

MATTERS = (
    MatterRecord("wages", "劳动保障监察", Domain.SOCIAL_MANAGEMENT, "hn-rst", (), "《劳动保障监察条例》",
                 "拖欠工资、讨薪", ("拖欠工资", "欠薪", "工资")),
    MatterRecord("food", "食品安全", Domain.MARKET_REGULATION, "hn-scjgj", (), "《食品安全法》",
                 "过期变质食品", ("过期", "变质", "食品")),
    MatterRecord("power", "供电", Domain.PUBLIC_SERVICE, "hn-sgcc", (), "《电力供应与使用条例》",
                 "停电、电费", ("停电", "供电", "电费")),
)  # fmt: skip
SHARED_BIKES = "小区门口共享单车乱停乱放，堵住了消防通道，请求清理"


def backends(store: Store, clock: DrillClock) -> tuple[LocalBackend, LocalBackend, LocalBackend]:
    apply_seed(store, Seed(units=UNITS, grounds=GROUNDS, matters=MATTERS), clock.now())
    operator = LocalBackend(store, clock, Actor("seat-1", "话务员甲", Role.OPERATOR))
    manager = operator.as_actor(Actor("mgr-1", "优化办乙", Role.MANAGER))
    return (
        operator,
        manager,
        operator.as_actor(Actor("u-zjt", "住建厅丁", Role.UNIT_CLERK, "hn-zjt")),
    )


def test_r_return_review_a_return_ending_elsewhere_changes_the_next_suggestion(
    store: Store, clock: DrillClock
) -> None:
    operator, manager, zjt = backends(store, clock)
    before = operator.suggest_units(SHARED_BIKES, k=3)
    assert not before or before[0].unit_id != "hn-scjgj"
    numbers = [
        operator.accept(
            intake(Kind.COMPLAINT, text=f"第{n + 1}次反映：{SHARED_BIKES}"), unit_id="hn-zjt"
        )
        for n in range(3)
    ]
    operator.knowledge.refresh()  # what every console's next sync does
    assert operator.suggest_units(SHARED_BIKES, k=3)[0].unit_id == "hn-zjt"  # learned as sent
    for number in numbers:
        zjt.sign(number)
        zjt.return_ticket(number, "不属于本单位职责", "三定方案")
        manager.review_return(number, True, "经界定由市场监管部门处理", "hn-scjgj")
    operator.knowledge.refresh()
    after = operator.suggest_units(SHARED_BIKES, k=3)
    assert after[0].unit_id == "hn-scjgj"
    assert any(r.startswith("相似历史工单") for r in after[0].reasons)


def test_r_dispatch_the_model_is_retrained_from_where_tickets_ended(
    store: Store, clock: DrillClock
) -> None:
    operator, manager, zjt = backends(store, clock)
    operator.suggest_units("公司拖欠工资", k=1)  # the first use trains a model from the seed
    first = list_models(store)
    assert [m.trained_by for m in first] == ["auto"] and first[0].history == 0
    number = operator.accept(intake(text=SHARED_BIKES), unit_id="hn-zjt")
    zjt.sign(number)
    zjt.return_ticket(number, "不属于本单位职责", "三定方案")
    manager.review_return(number, True, "经界定由市场监管部门处理", "hn-scjgj")
    report = train_from_store(store, clock.now() + dt.timedelta(minutes=1), by="test")
    assert report.history == 1 and report.version > first[0].version
    loaded = load_model(store)
    assert loaded is not None and loaded[0] == report.version
    assert "hn-scjgj" in loaded[1].classes
    assert not due_for_training(store, after=1)  # nothing dispatched since this version
