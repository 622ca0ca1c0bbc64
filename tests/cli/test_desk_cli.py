"""`hotline desk …` and `hotline expert … --kind policy` as a user runs them (R-ENTERPRISE): a
subprocess on an embedded database seeded from knowledge_seed/, the clock pinned to Wednesday
2026-11-25 09:00. The manager puts two policy specialists on the roster, one claims an
enterprise request, the manager reassigns it with a reason, the other records a follow-up;
each refusal is one line naming the field or the rule."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from console.bootstrap import open_store
from console.services.clock import DrillClock
from console.services.local import LocalBackend
from console.services.values import CallerType, Role
from console.services.views import Actor
from tests.cli.helpers import run as run_verb
from tests.conftest import at
from tests.contract.harness import intake

NOW = "2026-11-25 09:00"


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``hotline <args>`` on ``folder``'s database (the CLI tests' runner, clock pinned)."""
    return run_verb(args[0], folder, *args[1:])


def one_line(proc: subprocess.CompletedProcess[str], status: int) -> str:
    assert proc.returncode == status, (proc.stdout, proc.stderr)
    [line] = proc.stderr.splitlines()
    return line


def policy(folder: Path, name: str, seat: str, *more: str) -> str:
    added = run(
        folder, "expert", "add", "--by", "优化办乙", "--name", name, "--unit", "hn-rst",
        "--fields", "营商环境", "--shift", "每天 00:00-00:00", "--seat", seat,
        "--kind", "policy", *more,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    return added.stdout.split()[-1]


def test_r_enterprise_desk_cli_claim_assign_follow(tmp_path: Path) -> None:
    folder = tmp_path / "home"
    folder.mkdir(mode=0o700)
    zhao = policy(folder, "赵政策", "pol-zhao")
    qian = policy(folder, "钱政策", "pol-qian", "--desk-lead")
    listed = run(folder, "expert", "list", "--kind", "policy").stdout
    assert "赵政策  政策专员  " in listed and "钱政策  政策专员（专席负责人）" in listed
    assert run(folder, "expert", "list", "--kind", "expert", "--json").stdout.strip() == "[]"
    store = open_store(f"sqlite:///{folder / 'hotline.db'}")
    try:
        operator = LocalBackend(store, DrillClock(at(NOW)), Actor("s1", "话务员甲", Role.OPERATOR))
        number = operator.accept(
            intake(caller_type=CallerType.ENTERPRISE, enterprise_name="星沙物流\x1b[31m",
                   text="物流企业想了解运费补贴政策"),
            unit_id="hn-rst",
        )  # fmt: skip
    finally:
        store.dispose()
    shown = run(folder, "desk", "list", "--which", "unassigned")
    assert shown.returncode == 0 and number in shown.stdout and "未分配" in shown.stdout
    assert "\x1b" not in shown.stdout  # the enterprise's name cannot drive the terminal
    assert run(folder, "desk", "claim", number, "--as", "pol-zhao").returncode == 0
    line = one_line(run(folder, "desk", "claim", number, "--as", "pol-qian"), 1)
    assert "R-ENTERPRISE" in line and "赵政策" in line
    line = one_line(run(folder, "desk", "assign", number, "--to", qian, "--by", "优化办乙",
                        "--reason", " "), 2)  # fmt: skip
    assert "reason" in line
    moved = run(folder, "desk", "assign", number, "--to", qian, "--by", "优化办乙",
                "--reason", "钱政策熟悉物流政策")  # fmt: skip
    assert moved.returncode == 0, moved.stderr
    line = one_line(run(folder, "desk", "follow", number, "--as", "pol-zhao", "--note", "x"), 1)
    assert "R-ENTERPRISE" in line
    assert run(folder, "desk", "follow", number, "--as", "pol-qian",
               "--note", "已推送运费补贴政策").returncode == 0  # fmt: skip
    [mine] = json.loads(run(folder, "desk", "list", "--which", "mine", "--as", "pol-qian",
                            "--json").stdout)  # fmt: skip
    assert mine["specialist_id"] == qian and mine["how"] == "reassign"
    assert mine["follow_ups"] == 1 and mine["ticket"]["number"] == number
    specialists = run(folder, "desk", "specialists").stdout
    assert f"{qian}  钱政策" in specialists and "跟进中 1 件  专席负责人" in specialists
    assert f"{zhao}  赵政策" in specialists and "跟进中 0 件" in specialists
    done = run(folder, "desk", "list", "--which", "done", "--as", "pol-zhao").stdout
    assert number in done and "已改派" in done
