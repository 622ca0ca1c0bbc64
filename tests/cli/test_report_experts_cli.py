"""`hotline report experts` and `hotline expert handoffs` as a user runs them (R-EXPERT,
R-CONSULT, R-KB): a subprocess on an embedded database seeded from knowledge_seed/, the clock
pinned to Wednesday 2026-11-25 09:00. Two consultations are handed to 王社保's field: one opened
after 15 minutes and answered after 45, one left waiting; the report prints the wait and the
answer time, the list their clocks; a bad period or day count is one line naming the option."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

from console.bootstrap import open_store
from console.services.clock import DrillClock
from console.services.local import LocalBackend
from console.services.values import CallerType, Domain, Kind, Role
from console.services.views import Actor, Intake
from tests.cli.helpers import run as run_verb
from tests.cli.test_expert_cli import DAY, refused
from tests.cli.test_expert_cli import run as expert
from tests.conftest import at


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``hotline <args>`` on ``folder``'s database (the CLI tests' runner, clock pinned)."""
    return run_verb(args[0], folder, *args[1:])


def consult(text: str) -> Intake:
    return Intake(Kind.CONSULTATION, Domain.SOCIAL_MANAGEMENT, text, caller_phone="13812341234",
                  caller_type=CallerType.PERSON)  # fmt: skip


def test_r_expert_cli_report_experts_and_handoffs(tmp_path: Path) -> None:
    folder = tmp_path / "home"
    folder.mkdir(mode=0o700)
    added = expert(folder, *DAY)  # 王社保, hn-rst, 社会管理, on duty on weekdays
    assert added.returncode == 0, added.stderr
    store = open_store(f"sqlite:///{folder / 'hotline.db'}")
    clock = DrillClock(at("2026-11-25 09:00"))
    try:
        operator = LocalBackend(store, clock, Actor("seat-1", "话务员甲", Role.OPERATOR))
        wang = operator.as_actor(Actor("seat-wang", "王社保", Role.EXPERT))
        answered = operator.hand_to_expert(consult("公司不给交社保怎么办？"), "社会管理",
                                           consent=True)  # fmt: skip
        waiting = operator.hand_to_expert(consult("劳动合同到期不续签有补偿吗？"), "社会管理",
                                          consent=True)  # fmt: skip
        clock.advance(dt.timedelta(minutes=15))
        wang.take_handoff(answered)  # opened: taken after 15 minutes
        clock.advance(dt.timedelta(minutes=30))
        wang.answer_consultation(answered, "可向劳动保障监察机构投诉。")
    finally:
        store.dispose()

    table = run(folder, "report", "experts", "--period", "2026-11")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].startswith("专家座席统计 2026-11（2026-11-01 至 2026-12-01 前")
    total = lines[2]
    # handed 2, one untaken; one wait of 15 minutes, one answer after 45
    assert total.split()[:6] == ["2", "1", "1", "15分/15分/15分", "1", "45分/45分/45分"]
    assert (
        any(line.endswith("社会管理") for line in lines) and "省人力资源社会保障厅" in table.stdout
    )
    assert table.stdout.splitlines()[-1].startswith("政策推送：")

    doc = json.loads(run(folder, "report", "experts", "--period", "2026Q4", "--json").stdout)
    assert doc["total"]["wait"] == {"count": 1, "mean_s": 900.0, "p50_s": 900.0, "p90_s": 900.0}
    assert doc["total"]["answer"]["p90_s"] == 2700.0
    assert doc["total"]["verified_share"] == 0.0 and doc["total"]["draft_share"] == 0.0
    assert [u["key"] for u in doc["units"]] == ["", "hn-rst"]
    one = json.loads(
        run(folder, "report", "experts", "--period", "2026Q4", "--unit", "hn-rst", "--json").stdout
    )
    assert one["unit"] == "hn-rst" and one["total"]["handed"] == 1

    listed = run(folder, "expert", "handoffs")
    assert listed.returncode == 0, listed.stderr
    rows = listed.stdout.splitlines()
    assert rows[0].startswith(f"{waiting}  待答复") and "接手 —" in rows[0]
    assert rows[1].startswith(f"{answered}  已答复") and "（等待 15分）" in rows[1]
    assert "（用时 45分）" in rows[1] and "时限 11-26 09:00" in rows[1]
    assert rows[-1] == "共 2 件，待答复 1 件，其中未接手 1 件"
    only = json.loads(run(folder, "expert", "handoffs", "--waiting", "--json").stdout)
    assert [h["number"] for h in only] == [waiting] and only[0]["taken_at"] is None
    assert "没有" in run(folder, "expert", "handoffs", "--field", "市场监管").stdout

    assert "--period" in refused(run(folder, "report", "experts", "--period", "2026Q5"), 2)
    assert "--unit" in refused(run(folder, "report", "experts", "--unit", "hn-none"), 2)
    assert "--days" in refused(run(folder, "expert", "handoffs", "--days", "0"), 2)
    assert "--field" in refused(run(folder, "expert", "handoffs", "--field", "天文"), 2)
