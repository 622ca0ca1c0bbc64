"""`hotline kb …` as a user runs it: a subprocess on an embedded database in a temporary folder.

The database is created and seeded from knowledge_seed/ once per module and copied for each
test. The drill clock is pinned to Wednesday 2026-11-25 09:00 (HOTLINE_NOW).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from console.bootstrap import open_store
from console.services.knowledge.service import KnowledgeService
from tests.conftest import REPO, at

NOW = "2026-11-25 09:00"
DB = "hotline.db"


def environment(folder: Path, now: str = NOW) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(
        HOTLINE_DB=f"sqlite:///{folder / DB}",
        HOTLINE_DATA_DIR=str(folder),
        HOTLINE_CONFIG=str(folder / "absent-config.toml"),
        HOTLINE_NOW=now,
    )
    return env


def run(folder: Path, *args: str, now: str = NOW) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "console", "kb", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env=environment(folder, now),
        timeout=120,
    )
    assert "Traceback" not in proc.stderr
    return proc


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a refused command (exit 2), without the program name."""
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("hotline: ")
    return lines[0].removeprefix("hotline: ")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding an embedded database created and seeded by a first command."""
    folder = tmp_path_factory.mktemp("kb-seeded")
    proc = run(folder, "flags")
    assert proc.returncode == 0, proc.stderr
    return folder


@pytest.fixture
def home(seeded: Path, tmp_path: Path) -> Path:
    """This test's own copy of the seeded database."""
    folder = tmp_path / "home"
    folder.mkdir(mode=0o700)  # a data folder, private as the platform makes it (R-SECURITY)
    for path in seeded.glob(f"{DB}*"):
        shutil.copy2(path, folder / path.name)
    return folder


ARTICLE = """
[[article]]
id = "hn-zjt-901"
question = "电动自行车停在楼道里充电，物业不管怎么办？"
alt_questions = ["楼道电动车充电没人管"]
answer = \"\"\"
电动自行车不得在建筑物的公共门厅、疏散走道、楼梯间、安全出口停放或充电。
可以先向物业服务企业反映；物业不制止的，可以向所在地消防救援机构或街道（乡镇）反映。
\"\"\"
basis = "《高层民用建筑消防安全管理规定》第三十七条"
domain = "安全生产"
tags = ["电动自行车", "楼道充电"]
enterprise = false
effective = 2021-08-01
review_by = 2027-06-30
status = "draft"
"""


# ---------------------------------------------------------------- search
def test_search_json_lists_ranked_articles(home: Path) -> None:
    proc = run(home, "search", "养老保险交满多少年能领退休金", "--limit", "3", "--json")
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)
    assert 1 <= len(hits) <= 3
    assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1))
    assert hits[0]["article_id"] == "hn-rst-001"
    assert hits[0]["unit_id"] == "hn-rst"
    assert hits[0]["unit_name"] == "省人力资源社会保障厅"
    assert (hits[0]["status"], hits[0]["status_label"]) == ("draft", "草稿")
    assert hits[0]["question"].startswith("养老保险")
    assert hits[0]["why"] and all(isinstance(w, str) for w in hits[0]["why"])


def test_search_text_shows_rank_id_unit_status_question_and_why(home: Path) -> None:
    proc = run(home, "search", "养老保险交满多少年能领退休金", "--limit", "2")
    assert proc.returncode == 0, proc.stderr
    first, why = proc.stdout.splitlines()[:2]
    assert first.split()[:4] == ["1", "hn-rst-001", "省人力资源社会保障厅", "草稿"]
    assert "养老保险要交满多少年" in first
    assert why.strip().startswith("依据：")


def test_search_filters_by_unit_and_domain(home: Path) -> None:
    proc = run(home, "search", "养老保险", "--unit", "hn-zjt", "--json")
    assert proc.returncode == 0, proc.stderr
    assert {h["unit_id"] for h in json.loads(proc.stdout)} <= {"hn-zjt"}
    proc = run(home, "search", "养老保险", "--domain", "公共服务", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)


def test_search_with_no_answer_says_so(home: Path) -> None:
    proc = run(home, "search", "zzzzqqqq")
    assert (proc.returncode, proc.stdout.strip()) == (0, "没有找到相关知识")
    proc = run(home, "search", "zzzzqqqq", "--json")
    assert (proc.returncode, json.loads(proc.stdout)) == (0, [])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "社保", "--limit", "0"], "--limit: 应为 1–100"),
        (["search", "社保", "--limit", "many"], "参数 --limit：值无效 'many'"),
        (["search", "社保", "--domain", "火星"], "--domain: 未知的领域 '火星'"),
        (["search", "社保", "--unit", "hn-nope"], "--unit: 单位 'hn-nope' 不在派单目录中"),
        (["search", "   "], "QUERY: 检索词为空"),
        (["export", "--unit", "hn-nope"], "--unit: 单位 'hn-nope' 不在派单目录中"),
        (["export", "--format", "csv"], "参数 --format：无效的选项 'csv'"),
        (["review", "--unit", "hn-nope"], "--unit: 单位 'hn-nope' 不在派单目录中"),
        (["flags", "--unit", "hn-nope"], "--unit: 单位 'hn-nope' 不在派单目录中"),
        (["import", "absent.toml"], "FILE: 文件不存在：absent.toml"),
        (["import", "notes.txt"], "--format: 无法从扩展名 .txt 判断格式，请指定 toml 或 jsonl"),
        ([], "缺少必填参数：ACTION"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(home: Path, args: list[str], message: str) -> None:
    assert one_line_error(run(home, *args)).startswith(message)


# ---------------------------------------------------------------- import
def test_import_adds_then_changes_nothing_and_search_finds_it(home: Path) -> None:
    path = home / "hn-zjt.toml"  # the file name names the owner unit
    path.write_text(ARTICLE, encoding="utf-8")
    proc = run(home, "import", str(path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "hn-zjt.toml：共 1 条，新增 1，更新 0，未变 0"
    found = json.loads(run(home, "search", "楼道里电动车充电没人管", "--json").stdout)
    assert found[0]["article_id"] == "hn-zjt-901"
    assert found[0]["unit_id"] == "hn-zjt"

    proc = run(home, "import", str(path))
    assert proc.stdout.strip() == "hn-zjt.toml：共 1 条，新增 0，更新 0，未变 1（无变化）"
    path.write_text(ARTICLE.replace('"draft"', '"verified"'), encoding="utf-8")
    proc = run(home, "import", str(path))
    assert proc.stdout.strip() == "hn-zjt.toml：共 1 条，新增 0，更新 1，未变 0"
    found = json.loads(run(home, "search", "楼道里电动车充电没人管", "--json").stdout)
    assert [h["article_id"] for h in found].count("hn-zjt-901") == 1
    assert found[0]["status_label"] == "已核实"


def test_import_with_bad_records_prints_each_and_imports_nothing(home: Path) -> None:
    good = {
        "id": "hn-zjt-902",
        "unit": "hn-zjt",
        "question": "小区电梯坏了一个月没人修怎么办？",
        "answer": "可以向物业反映，也可以向住建部门反映。",
        "domain": "公共服务",
        "effective": "2026-01-01",
        "review_by": "2027-06-30",
    }
    records = [good, {**good, "id": "hn-zjt-903", "answer": ""}, {**good, "unit": "hn-nope"}]
    path = home / "batch.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    proc = run(home, "import", str(path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "hotline: 3 个问题，未导入任何记录",
        "第 2 条（hn-zjt-903）：answer 为空",
        "第 3 条（hn-zjt-902）：id 重复（与第 1 条相同）",
        "第 3 条（hn-zjt-902）：所属单位 hn-nope 不在派单目录中",
    ]
    exported = run(home, "export", "--unit", "hn-zjt", "--format", "jsonl").stdout
    assert "hn-zjt-902" not in exported


def test_import_of_a_broken_file_is_exit_status_2(home: Path) -> None:
    path = home / "broken.toml"
    path.write_text("[[article]\nid = 1\n", encoding="utf-8")
    proc = run(home, "import", str(path))
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[1].startswith("文件：不是有效的 TOML：")


# ---------------------------------------------------------------- export
@pytest.mark.parametrize("suffix", ["jsonl", "toml"])
def test_export_then_import_changes_nothing(home: Path, suffix: str) -> None:
    out = home / f"rst.{suffix}"
    proc = run(home, "export", "--unit", "hn-rst", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    count = int(proc.stdout.split("已导出 ")[1].split(" 条")[0])
    assert count > 20
    assert proc.stdout.strip() == f"已导出 {count} 条知识到 {out}（{suffix}）"
    proc = run(home, "import", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == (
        f"rst.{suffix}：共 {count} 条，新增 0，更新 0，未变 {count}（无变化）"
    )


def test_export_to_stdout_in_each_format(home: Path) -> None:
    jsonl = run(home, "export", "--unit", "hn-rst", "--format", "jsonl")
    assert jsonl.returncode == 0, jsonl.stderr
    records = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert {r["unit"] for r in records} == {"hn-rst"}
    assert list(records[0]) == [
        "id",
        "unit",
        "question",
        "alt_questions",
        "answer",
        "basis",
        "domain",
        "tags",
        "enterprise",
        "effective",
        "review_by",
        "status",
    ]
    toml = run(home, "export", "--unit", "hn-rst")
    assert toml.returncode == 0, toml.stderr
    assert toml.stdout.count("[[article]]") == len(records)


# ---------------------------------------------------------------- review and flags
def test_review_lists_overdue_articles_and_the_rate_per_unit(home: Path) -> None:
    proc = run(home, "review", "--json", now="2028-01-15 09:00")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["today"] == "2028-01-15"
    assert doc["review_due"]
    assert all(d["review_by"] < "2028-01-15" for d in doc["review_due"])
    rates = {r["unit_id"]: r for r in doc["rates"]}
    rst = rates["hn-rst"]
    assert rst["current"] + rst["overdue_review"] == rst["articles"]  # no flags yet
    assert rst["rate"] == pytest.approx(rst["current"] / rst["articles"])

    proc = run(home, "review", "--unit", "hn-rst")
    assert proc.returncode == 0, proc.stderr
    assert "知识库维护率" in proc.stdout
    assert proc.stdout.splitlines()[-1].split()[0] == "hn-rst"


def test_flags_lists_open_reports(home: Path) -> None:
    proc = run(home, "flags")
    assert (proc.returncode, proc.stdout.strip()) == (0, "没有未处理的报错")
    store = open_store(f"sqlite:///{home / DB}")
    try:
        KnowledgeService(store).flag(
            "hn-rst-001", "wrong", "缴费年限\x1b[2J说法已变", "话务员甲", at("2026-11-20 10:00")
        )
    finally:
        store.dispose()
    proc = run(home, "flags", "--json")
    [flag] = json.loads(proc.stdout)
    assert (flag["article_id"], flag["unit_id"], flag["problem"], flag["age_days"]) == (
        "hn-rst-001",
        "hn-rst",
        "wrong",
        5,
    )
    proc = run(home, "flags", "--unit", "hn-rst")
    assert proc.returncode == 0, proc.stderr
    assert "hn-rst-001  内容有误  2026-11-20 10:00  话务员甲  已 5 天" in proc.stdout
    assert "\x1b" not in proc.stdout
    assert run(home, "flags", "--unit", "hn-zjt").stdout.strip() == "没有未处理的报错"
