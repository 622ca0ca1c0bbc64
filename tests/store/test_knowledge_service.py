"""The knowledge base over the store: the same search, routing and duplicate answers on
SQLite and on PostgreSQL; edits visible to the next query; pre-filed scopes matched."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from console.services.clock import DrillClock
from console.services.knowledge.seeding import seed_store
from console.services.local import LocalBackend
from console.services.values import Kind, Role
from console.services.views import Actor
from console.store.engine import Store
from console.store.models import ArticleRow
from tests.conftest import REPO, at
from tests.store.conftest import intake

SEED = REPO / "knowledge_seed"


@pytest.fixture
def seeded(store: Store, clock: DrillClock) -> LocalBackend:
    seed_store(store, SEED, clock.now())
    return LocalBackend(store, clock, Actor("op", "话务员", Role.OPERATOR))


def test_r_kb_search_same_on_both_stores(seeded: LocalBackend) -> None:
    hits = seeded.search_kb("养老保险交满多少年才能领退休金")
    assert hits and hits[0].unit_id == "hn-rst"
    assert all(h.why for h in hits) and hits[0].status in ("draft", "verified")
    assert seeded.search_kb("社會保險轉移")  # traditional characters
    only_tax = seeded.search_kb("社保", unit="hn-tax")
    assert only_tax and {h.unit_id for h in only_tax} == {"hn-tax"}


def test_r_kb_edit_visible_to_next_query(seeded: LocalBackend, clock: DrillClock) -> None:
    hits = seeded.search_kb("养老保险交满多少年才能领退休金")
    article = hits[0].article_id
    with seeded.store.write() as s:
        s.execute(
            update(ArticleRow)
            .where(ArticleRow.id == article)
            .values(
                question="独一无二的测试问题甲乙丙丁",
                updated_at=clock.now() + dt.timedelta(seconds=1),
            )
        )
    seeded.knowledge.refresh()
    assert seeded.search_kb("独一无二的测试问题甲乙丙丁")[0].article_id == article


def test_r_kb_flag_goes_to_owner_unit(seeded: LocalBackend) -> None:
    from sqlalchemy import select

    from console.store.models import ArticleFlagRow

    article = seeded.search_kb("营业执照")[0]
    seeded.flag_article(article.article_id, "outdated", "收费标准已调整")
    with seeded.store.read() as s:
        flag = s.execute(select(ArticleFlagRow)).scalar_one()
    assert flag.unit_id == article.unit_id and flag.problem == "outdated"


def test_r_prefiling_matches_matter_not_place_alone(
    seeded: LocalBackend, clock: DrillClock
) -> None:
    clock.set(at("2026-12-01 10:00"))
    assert [p.id for p in seeded.match_prefiling("岳麓区我家停电了", "长沙市")] == ["pf-2026-003"]
    assert seeded.match_prefiling("我家停电了", "衡阳市") == []  # the scope is for 长沙
    # the city named among the keywords says where, not what: a 长沙 call on 社保 is no match
    assert seeded.match_prefiling("我在长沙交了十年社保，现在回衡阳了", "长沙市") == []
    clock.set(at("2027-03-01 10:00"))
    assert seeded.match_prefiling("岳麓区我家停电了", "长沙市") == []  # expired


def test_r_dispatch_suggestions_have_reasons(seeded: LocalBackend) -> None:
    units = seeded.suggest_units("公司拖欠工资三个月，多次讨要未果", "社会管理", "株洲市")
    assert units[0].unit_id == "hn-rst" and units[0].reasons


def test_r_inadmissible_ground4_duplicate_seen_after_intake(seeded: LocalBackend) -> None:
    text = "小区旁边工地每天晚上十一点以后还在施工，噪音很大影响休息，请求处理。"
    number = seeded.accept(
        intake(Kind.COMPLAINT, text=text, caller_phone="13912345678"), unit_id="hn-zjt"
    )
    seeded.knowledge.refresh()
    found = seeded.find_duplicates("工地每天晚上十一点后还在施工，噪音太大了", "13912345678")
    assert found and found[0].number == number and found[0].same_caller


def test_r_kb_seed_is_idempotent(store: Store, clock: DrillClock) -> None:
    first = seed_store(store, SEED, clock.now())
    assert first.units_added >= 45 and first.articles_added >= 400 and first.grounds == 10
    again = seed_store(store, SEED, clock.now())
    assert not again.changed, again
