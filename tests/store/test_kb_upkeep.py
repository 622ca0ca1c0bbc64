"""Knowledge-base upkeep (R-KB, R-UNIT-KPI) and `kb import/export`, on SQLite and PostgreSQL.

The day rated is Wednesday 2026-11-25 (Asia/Shanghai); flags older than 7 calendar days
(raised before 2026-11-18 00:00 Shanghai) count against a unit's maintenance rate.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from sqlalchemy import func, select

from console.services.knowledge.kb_files import (
    ImportReport,
    export_articles,
    import_articles,
    import_file,
)
from console.services.knowledge.seed import Seed, SeedError, load_seed
from console.services.knowledge.seeding import apply_seed, article_fields
from console.services.knowledge.service import KnowledgeService, article_record
from console.services.knowledge.upkeep import (
    maintenance_rates,
    open_flags,
    review_due,
)
from console.store.engine import Store
from console.store.models import ArticleFlagRow, ArticleRow, UnitRow
from tests.conftest import REPO, at
from tests.store.conftest import UNITS

NOW = at("2026-11-25 09:00")
TODAY = dt.date(2026, 11, 25)
FORMATS = ("jsonl", "toml")


@pytest.fixture
def kb(store: Store) -> Store:
    """The store with the four test units and no articles."""
    apply_seed(store, Seed(units=UNITS), NOW)
    return store


def record(aid: str, unit: str | None = "hn-rst", **kw: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": aid,
        "question": f"电动自行车上牌需要带什么材料（{aid}）？",
        "alt_questions": ["电动车上牌"],
        "answer": "请携带身份证、购车发票和车辆合格证，到当地公安交警部门办理。",
        "basis": "《湖南省电动自行车管理办法》",
        "domain": "公共服务",
        "tags": ["电动自行车"],
        "enterprise": False,
        "effective": dt.date(2026, 1, 1),
        "review_by": dt.date(2027, 6, 30),
        "status": "draft",
    }
    if unit is not None:
        rec["unit"] = unit
    rec.update(kw)
    return rec


def as_file(fmt: str, *records: dict[str, Any]) -> bytes:
    if fmt == "toml":
        return tomli_w.dumps({"article": list(records)}, multiline_strings=True).encode()
    return "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in records).encode()


def articles(store: Store) -> dict[str, dict[str, object]]:
    with store.read() as s:
        rows = s.execute(select(ArticleRow)).scalars()
        return {r.id: article_fields(article_record(r)) for r in rows}


def load(store: Store, fmt: str, *records: dict[str, Any], name: str = "") -> ImportReport:
    return import_articles(store, as_file(fmt, *records), fmt, NOW, name=name or f"batch.{fmt}")


# ---------------------------------------------------------------- import: every record checked
BAD_RECORDS = [
    ("missing owner", dict(unit=None), "第 2 条（t-2）：缺少所属单位（unit）"),
    ("unknown unit", dict(unit="hn-nope"), "第 2 条（t-2）：所属单位 hn-nope 不在派单目录中"),
    ("empty answer", dict(answer="  \n "), "第 2 条（t-2）：answer 为空"),
    ("empty question", dict(question=""), "第 2 条（t-2）：question 为空"),
    ("missing id", dict(id=""), "第 2 条：id 为空"),
    ("duplicate id", dict(id="t-1"), "第 2 条（t-1）：id 重复（与第 1 条相同）"),
    (
        "bad domain",
        dict(domain="火星"),
        "第 2 条（t-2）：domain 未知：'火星'（应为 经济调节、市场监管、社会管理、公共服务、"
        "生态环境保护、自然资源管理、营商环境、安全生产、通信、其他 之一）",
    ),
    ("bad date", dict(effective="2026-02-30"), "第 2 条（t-2）：effective 应为日期（YYYY-MM-DD）"),
    (
        "review_by not a date",
        dict(review_by="下个月"),
        "第 2 条（t-2）：review_by 应为日期（YYYY-MM-DD）",
    ),
    (
        "bad status",
        dict(status="approved"),
        "第 2 条（t-2）：status 未知：approved（应为 draft 或 verified）",
    ),
    ("unknown key", dict(anwser="…"), "第 2 条（t-2）：未知字段：anwser"),
    (
        "enterprise not bool",
        dict(enterprise="false"),
        "第 2 条（t-2）：enterprise 应为 true 或 false",
    ),
    ("list not list", dict(tags="电动车"), "第 2 条（t-2）：tags 应为文本列表"),
    ("control characters", dict(answer="请\x1b[2J携带"), "第 2 条（t-2）：answer 含控制字符"),
    (
        "id too long",
        dict(id="t-" + "9" * 40),
        f"第 2 条（t-{'9' * 38}…）：id 过长（最多 40 个字符）",
    ),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("change", "line"), [c[1:] for c in BAD_RECORDS], ids=[c[0] for c in BAD_RECORDS]
)
def test_r_kb_import_reports_each_problem_with_its_record_and_imports_nothing(
    kb: Store, fmt: str, change: dict[str, Any], line: str
) -> None:
    bad = record("t-2", **{k: v for k, v in change.items() if k != "unit"})
    if "unit" in change:
        bad.pop("unit")
        if change["unit"] is not None:
            bad["unit"] = change["unit"]
    with pytest.raises(SeedError) as err:
        load(kb, fmt, record("t-1"), bad, record("t-3"))
    assert err.value.lines == [line]
    assert str(err.value).splitlines() == ["1 个问题，未导入任何记录", line]
    assert articles(kb) == {}


def test_r_kb_import_lists_every_problem_of_every_record_in_file_order(kb: Store) -> None:
    lines = [
        json.dumps(record("t-1"), default=str, ensure_ascii=False),
        json.dumps(record("t-2", answer="", status="ok"), default=str, ensure_ascii=False),
        "[1, 2]",
        "",  # blank lines are not records
        "{not json",
        json.dumps(record("t-1", unit="hn-nope"), default=str, ensure_ascii=False),
    ]
    with pytest.raises(SeedError) as err:
        import_articles(kb, "\n".join(lines).encode(), "jsonl", NOW)
    assert err.value.lines == [
        "第 2 条（t-2）：status 未知：ok（应为 draft 或 verified）",
        "第 2 条（t-2）：answer 为空",
        "第 3 条：应为一个对象（键值表）",
        "第 4 条：第 5 行不是有效的 JSON（Expecting property name enclosed in double quotes）",
        "第 5 条（t-1）：id 重复（与第 1 条相同）",
        "第 5 条（t-1）：所属单位 hn-nope 不在派单目录中",
    ]
    assert articles(kb) == {}


def test_r_kb_import_failure_leaves_existing_articles_as_they_were(kb: Store) -> None:
    load(kb, "jsonl", record("t-1"))
    before = articles(kb)
    with pytest.raises(SeedError):
        load(
            kb,
            "jsonl",
            record("t-1", answer="改过的答复。"),
            record("t-2"),
            record("t-3", answer=""),
        )
    assert articles(kb) == before


def test_r_kb_import_rejects_an_inactive_unit(kb: Store) -> None:
    with kb.write() as s:
        row = s.get(UnitRow, "hn-sgcc")
        assert row is not None
        row.active = False
    with pytest.raises(SeedError) as err:
        load(kb, "toml", record("t-1", unit="hn-sgcc"))
    assert err.value.lines == ["第 1 条（t-1）：所属单位 hn-sgcc 不在派单目录中"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[[article]\n", "文件：不是有效的 TOML：Expected ']]' at the end of an array declaration"),
        (
            "[[articles]]\nid = 'x'\n",
            "文件：未知的顶层键：articles（知识条目应写在 [[article]] 中）",
        ),
        ("article = 3\n", "文件：article 应为 [[article]] 表的数组"),
    ],
)
def test_r_kb_import_reports_a_broken_toml_file(kb: Store, text: str, line: str) -> None:
    with pytest.raises(SeedError) as err:
        import_articles(kb, text.encode(), "toml", NOW)
    assert err.value.lines[0].startswith(line)
    assert articles(kb) == {}


def test_r_kb_import_reports_a_file_that_is_not_utf8(kb: Store) -> None:
    with pytest.raises(SeedError) as err:
        import_articles(kb, "电动自行车".encode("gbk"), "jsonl", NOW)
    assert err.value.lines == ["文件：不是 UTF-8 编码的文本"]


# ---------------------------------------------------------------- import: upsert
@pytest.mark.parametrize("fmt", FORMATS)
def test_r_kb_import_upserts_edited_articles_and_never_duplicates(kb: Store, fmt: str) -> None:
    assert load(kb, fmt, record("t-1"), record("t-2")) == ImportReport(2, 0, 0)
    assert load(kb, fmt, record("t-1"), record("t-2")) == ImportReport(0, 0, 2)
    edited = record("t-2", answer="改过的答复。", status="verified")
    assert load(kb, fmt, record("t-1"), edited, record("t-3")) == ImportReport(1, 1, 1)
    with kb.read() as s:
        assert s.execute(select(func.count(ArticleRow.id))).scalar() == 3
        row = s.get(ArticleRow, "t-2")
        assert row is not None
        assert (row.answer, row.status) == ("改过的答复。", "verified")
        assert row.updated_by == f"kb import batch.{fmt}"


def test_r_kb_import_takes_the_owner_from_the_file_name_when_it_is_a_unit(
    kb: Store, tmp_path: Path
) -> None:
    path = tmp_path / "hn-zjt.toml"
    path.write_bytes(as_file("toml", record("z-1", unit=None), record("z-2", unit="hn-rst")))
    assert import_file(kb, path, NOW) == ImportReport(2, 0, 0)
    assert {k: v["unit_id"] for k, v in articles(kb).items()} == {"z-1": "hn-zjt", "z-2": "hn-rst"}


def test_r_kb_import_of_an_empty_file_changes_nothing(kb: Store) -> None:
    assert import_articles(kb, b"\n\n", "jsonl", NOW) == ImportReport(0, 0, 0)
    assert import_articles(kb, b"article = []\n", "toml", NOW) == ImportReport(0, 0, 0)


# ---------------------------------------------------------------- export → import round trip
TRICKY = record(
    "t-9",
    question='他说"社保"\\断缴了怎么办？',
    answer='第一行。\n第二行有三个引号"""和反斜杠\\n。\n第三行\u2028行分隔符。',
    alt_questions=[],
    tags=[],
    basis="",
    enterprise=True,
    status="verified",
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_r_kb_export_then_import_changes_nothing(store: Store, fmt: str) -> None:
    seed = load_seed(REPO / "knowledge_seed")
    apply_seed(store, seed, NOW)
    load(store, "jsonl", TRICKY)
    before = articles(store)
    text, count = export_articles(store, fmt)
    assert count == len(seed.articles) + 1
    assert import_articles(store, text.encode(), fmt, NOW) == ImportReport(0, 0, count)
    assert articles(store) == before
    assert export_articles(store, fmt) == (text, count)


@pytest.mark.parametrize("fmt", FORMATS)
def test_r_kb_export_of_one_unit_reimports_into_an_empty_catalogue(
    kb: Store, fmt: str, tmp_path: Path
) -> None:
    load(kb, "toml", record("t-1"), TRICKY, record("z-1", unit="hn-zjt"))
    text, count = export_articles(kb, fmt, unit="hn-rst")
    assert count == 2
    wanted = {k: v for k, v in articles(kb).items() if v["unit_id"] == "hn-rst"}
    with kb.write() as s:
        for row in s.execute(select(ArticleRow)).scalars():
            s.delete(row)
    path = tmp_path / f"out.{fmt}"
    path.write_text(text, encoding="utf-8")
    assert import_file(kb, path, NOW) == ImportReport(2, 0, 0)
    assert articles(kb) == wanted


def test_r_kb_toml_and_jsonl_exports_carry_the_same_articles(kb: Store) -> None:
    load(kb, "toml", record("t-1"), TRICKY)
    before = articles(kb)
    jsonl, _ = export_articles(kb, "jsonl")
    toml, _ = export_articles(kb, "toml")
    assert import_articles(kb, jsonl.encode(), "jsonl", NOW) == ImportReport(0, 0, 2)
    assert import_articles(kb, toml.encode(), "toml", NOW) == ImportReport(0, 0, 2)
    assert articles(kb) == before


# ---------------------------------------------------------------- visible to search at once
def other(aid: str, question: str, answer: str) -> dict[str, Any]:
    """An article on another matter than electric bikes."""
    return record(aid, question=question, answer=answer, alt_questions=[], tags=[], basis="")


def test_r_kb_import_is_found_by_the_very_next_search(kb: Store) -> None:
    load(kb, "jsonl", other("t-0", "农村自建房审批找哪个部门？", "请向所在乡镇人民政府咨询。"))
    here = KnowledgeService(kb)
    elsewhere = KnowledgeService(kb)  # another console process on the same store
    assert here.search("电动自行车上牌") == elsewhere.search("电动自行车上牌") == []
    # The drill clock is frozen: the import happens at the very moment t-0 was stamped,
    # which both services have already seen.
    report = import_articles(kb, as_file("jsonl", record("t-1")), "jsonl", NOW, knowledge=here)
    assert report == ImportReport(1, 0, 0)
    assert [h.article_id for h in here.search("电动自行车上牌")] == ["t-1"]
    elsewhere.refresh()
    assert [h.article_id for h in elsewhere.search("电动自行车上牌")] == ["t-1"]

    edited = other(
        "t-1", "新能源汽车充电桩安装要办什么手续？", "请先取得物业同意，再向供电公司申请。"
    )
    import_articles(kb, as_file("jsonl", edited), "jsonl", NOW, knowledge=here)
    assert [h.article_id for h in here.search("充电桩安装手续")][:1] == ["t-1"]
    assert here.search("电动自行车上牌") == []


# ---------------------------------------------------------------- review-by, flags, the rate
@pytest.fixture
def catalogue(kb: Store) -> Store:
    """A hand-made catalogue (see test_r_unit_kpi_maintenance_rate_per_unit)."""
    load(
        kb,
        "jsonl",
        record("r-1", review_by=dt.date(2027, 1, 1), status="verified"),
        record("r-2", review_by=dt.date(2026, 11, 24)),  # overdue by one day
        record("r-3", review_by=TODAY),  # falls due today: still current
        record("r-4"),  # flag open 8 days
        record("r-5"),  # flag open 7 days; an old one resolved
        record("z-1", unit="hn-zjt", review_by=dt.date(2026, 6, 30)),  # overdue and flagged
    )
    ks = KnowledgeService(kb)
    ks.flag("r-4", "wrong", "电话号码变了", "话务员甲", at("2026-11-17 23:30"))
    ks.flag("r-5", "outdated", "", "话务员乙", at("2026-11-18 00:30"))
    ks.flag("r-5", "wrong", "", "话务员乙", at("2026-10-01 10:00"))
    ks.flag("z-1", "wrong", "", "话务员甲", at("2026-11-01 10:00"))
    ks.flag("z-1", "outdated", "", "话务员丙", at("2026-11-24 10:00"))
    with kb.write() as s:
        old = s.execute(
            select(ArticleFlagRow).where(
                ArticleFlagRow.article_id == "r-5", ArticleFlagRow.problem == "wrong"
            )
        ).scalar_one()
        old.resolved_at = at("2026-10-05 10:00")
        unit = s.get(UnitRow, "hn-sgcc")
        assert unit is not None
        unit.active = False  # no articles, not active: not rated
    return kb


def test_r_unit_kpi_maintenance_rate_per_unit(catalogue: Store) -> None:
    rates = {r.unit_id: r for r in maintenance_rates(catalogue, TODAY)}
    assert list(rates) == ["hn-rst", "hn-scjgj", "hn-zjt"]
    rst = rates["hn-rst"]
    assert (rst.name, rst.articles, rst.current, rst.overdue_review) == (
        "省人力资源社会保障厅",
        5,
        3,  # r-1, r-3, r-5
        1,  # r-2
    )
    assert (rst.open_flags, rst.stale_flagged, rst.drafts, rst.rate) == (2, 1, 4, 0.6)
    zjt = rates["hn-zjt"]
    assert (zjt.articles, zjt.current, zjt.overdue_review, zjt.open_flags) == (1, 0, 1, 2)
    assert (zjt.stale_flagged, zjt.rate) == (1, 0.0)
    scj = rates["hn-scjgj"]
    assert (scj.articles, scj.current, scj.open_flags, scj.rate) == (0, 0, 0, None)


def test_r_unit_kpi_maintenance_rate_moves_with_the_day(catalogue: Store) -> None:
    [rst] = maintenance_rates(catalogue, TODAY + dt.timedelta(days=1), unit="hn-rst")
    # r-3 is now overdue and r-5's flag is 8 days old: only r-1 is current
    assert (rst.current, rst.overdue_review, rst.stale_flagged, rst.rate) == (1, 2, 2, 0.2)
    [rst] = maintenance_rates(catalogue, dt.date(2026, 11, 1), unit="hn-rst")
    assert (rst.current, rst.overdue_review, rst.stale_flagged, rst.rate) == (5, 0, 0, 1.0)


def test_r_kb_review_due_lists_articles_past_review_by_per_unit(catalogue: Store) -> None:
    due = review_due(catalogue, TODAY)
    assert [(d.unit_id, d.article_id, d.review_by, d.days_overdue) for d in due] == [
        ("hn-rst", "r-2", dt.date(2026, 11, 24), 1),
        ("hn-zjt", "z-1", dt.date(2026, 6, 30), 148),
    ]
    assert due[0].unit_name == "省人力资源社会保障厅"
    assert [d.article_id for d in review_due(catalogue, TODAY, unit="hn-zjt")] == ["z-1"]
    assert review_due(catalogue, TODAY, unit="hn-scjgj") == []


def test_r_kb_open_flags_per_unit_oldest_first(catalogue: Store) -> None:
    flags = open_flags(catalogue, TODAY)
    assert [(f.unit_id, f.article_id, f.problem_label, f.age_days) for f in flags] == [
        ("hn-rst", "r-4", "内容有误", 8),
        ("hn-rst", "r-5", "内容过时", 7),
        ("hn-zjt", "z-1", "内容有误", 24),
        ("hn-zjt", "z-1", "内容过时", 1),
    ]
    assert flags[0].note == "电话号码变了"
    assert flags[0].flagged_by == "话务员甲"
    assert [f.article_id for f in open_flags(catalogue, TODAY, unit="hn-rst")] == ["r-4", "r-5"]


def test_r_kb_a_flag_follows_its_article_to_a_new_owner(catalogue: Store) -> None:
    load(catalogue, "jsonl", record("r-4", unit="hn-scjgj"))
    assert [f.unit_id for f in open_flags(catalogue, TODAY) if f.article_id == "r-4"] == [
        "hn-scjgj"
    ]
    rates = {r.unit_id: r for r in maintenance_rates(catalogue, TODAY)}
    assert (rates["hn-scjgj"].articles, rates["hn-scjgj"].stale_flagged) == (1, 1)
    assert rates["hn-scjgj"].rate == 0.0
