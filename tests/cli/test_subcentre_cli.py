"""`hotline subcentre list|calls import|kpi` (R-SUBCENTRE, R-SUBCENTRE-KPI), run as a site runs
it: a file of one sub-centre's call records, JSON Lines or CSV; one line per bad record and
nothing stored; a file sent again stores nothing new — SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from console.store.models import SubcentreCallRow, UnitRow
from tests.cli.test_audit_cli import hotline
from tests.store.conftest import Platform
from tests.store.conftest import platform as platform  # noqa: F401 — the fixture

CSV = (
    "record_id,started_at,answered,answered_at,ended_at,seat,caller_phone,outcome\n"
    "r-1,2026-11-25T08:00:00+08:00,true,2026-11-25T08:00:09+08:00,2026-11-25T08:02:00+08:00,"
    "A01,13812341234,first_contact\n"
    "r-2,2026-11-25T08:05:00+08:00,false,,2026-11-25T08:05:40+08:00,,,none\n"
)


@pytest.fixture
def centre(platform: Platform) -> Platform:  # noqa: F811
    with platform.store.write() as s:
        s.execute(update(UnitRow).where(UnitRow.id == "hn-rst").values(hotline="12333"))
    return platform


def rows(p: Platform) -> int:
    with p.store.read() as s:
        return int(s.execute(select(func.count()).select_from(SubcentreCallRow)).scalar_one())


def test_r_subcentre_import_csv_then_again_stores_nothing_new(
    centre: Platform, tmp_path: Path
) -> None:
    listed = hotline(centre, tmp_path, "subcentre", "list")
    assert listed.returncode == 0 and listed.stdout.startswith("12333 "), listed.stderr
    file = tmp_path / "calls.csv"
    file.write_text(CSV, encoding="utf-8")
    done = hotline(
        centre, tmp_path, "subcentre", "calls", "import", str(file), "--subcentre", "12333"
    )
    assert done.returncode == 0, done.stderr
    assert "新入库 2 条" in done.stdout and rows(centre) == 2
    again = hotline(
        centre,
        tmp_path,
        "subcentre",
        "calls",
        "import",
        str(file),
        "--subcentre",
        "12333",
        "--json",
    )
    assert again.returncode == 0, again.stderr
    assert (json.loads(again.stdout)["stored"], json.loads(again.stdout)["existing"]) == (0, 2)
    assert rows(centre) == 2
    kpi = hotline(centre, tmp_path, "subcentre", "kpi", "--period", "2026-11", "--json")
    assert kpi.returncode == 0, kpi.stderr
    [figures] = json.loads(kpi.stdout)
    connection = figures["indicators"][0]
    assert (connection["label"], connection["numerator"], connection["denominator"]) == (
        "接通率",
        1,
        2,
    )


def test_r_subcentre_import_a_bad_file_prints_one_line_per_bad_record_and_stores_nothing(
    centre: Platform, tmp_path: Path
) -> None:
    good = {
        "subcentre": "12333",
        "record_id": "j-1",
        "started_at": "2026-11-25T08:00:00+08:00",
        "answered": False,
        "ended_at": "2026-11-25T08:00:30+08:00",
        "outcome": "none",
    }
    lines = [
        good,
        {**good, "record_id": "j-2", "answered": "maybe"},
        {**good, "record_id": "j-3", "outcome": "none", "ended_at": "later"},
    ]
    file = tmp_path / "calls.jsonl"
    file.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    done = hotline(centre, tmp_path, "subcentre", "calls", "import", str(file))
    assert done.returncode == 2
    err = done.stderr.strip().splitlines()
    assert err[0].startswith("第 2 条记录（record_id j-2） answered:")
    assert err[1].startswith("第 3 条记录（record_id j-3） ended_at:")
    assert "整批未入库" in err[2] and len(err) == 3
    assert "Traceback" not in done.stderr and rows(centre) == 0
    missing = hotline(centre, tmp_path, "subcentre", "calls", "import", str(tmp_path / "none.csv"))
    assert missing.returncode != 0 and len(missing.stderr.strip().splitlines()) == 1
