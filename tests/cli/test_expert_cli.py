"""`hotline expert …` as a user runs it (R-EXPERT): a subprocess on an embedded database seeded
from knowledge_seed/, the clock pinned to Wednesday 2026-11-25 09:00. The manager puts two
experts on the roster, lists them (on duty first, by field), edits one and retires the other;
each refusal is one line naming the field or the rule; every change is audited from the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from console.bootstrap import open_store
from console.services.access import audit
from tests.conftest import REPO

NOW = "2026-11-25 09:00"
DAY = (
    "add", "--by", "优化办乙", "--name", "王社保", "--unit", "hn-rst",
    "--fields", "社会管理、经济调节", "--shift", "工作日 08:30-17:30", "--phone", "0731-84900000",
)  # fmt: skip
NIGHT = (
    "add", "--by", "优化办乙", "--name", "陈交通", "--unit", "hn-jtt", "--fields", "公交线路与站点",
    "--shift", "每天 20:00-08:00; 周六,周日 09:00-17:00",
)  # fmt: skip


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(
        HOTLINE_DB=f"sqlite:///{folder / 'hotline.db'}",
        HOTLINE_DATA_DIR=str(folder),
        HOTLINE_CONFIG=str(folder / "absent-config.toml"),
        HOTLINE_NOW=NOW,
    )
    proc = subprocess.run(
        [sys.executable, "-m", "console", "expert", *args],
        capture_output=True, text=True, encoding="utf-8", cwd=REPO, env=env, timeout=120,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr
    return proc


def refused(proc: subprocess.CompletedProcess[str], status: int) -> str:
    assert proc.returncode == status, (proc.stdout, proc.stderr)
    [line] = proc.stderr.splitlines()
    return line


def test_r_expert_cli_add_list_edit_retire(tmp_path: Path) -> None:
    folder = tmp_path / "home"
    folder.mkdir(mode=0o700)
    day = run(folder, *DAY)
    assert day.returncode == 0, day.stderr
    wang = day.stdout.split()[-1]
    night = run(folder, *NIGHT)
    assert night.returncode == 0, night.stderr
    chen = night.stdout.split()[-1]
    listed = run(folder, "list").stdout.splitlines()
    assert listed[0].startswith(f"{wang}  王社保  省人力资源社会保障厅（hn-rst）  在班")
    assert "领域：社会管理、经济调节" in listed[0] and "电话：0731-84900000" in listed[0]
    assert listed[1].startswith(f"{chen}  陈交通") and "不在班" in listed[1]
    assert "值班：每天 20:00–次日08:00；周六、周日 09:00–17:00" in listed[1]
    assert listed[-1] == "共 2 人，此刻在班 1 人"
    [bus] = json.loads(run(folder, "list", "--field", "公交线路与站点", "--json").stdout)
    assert bus["id"] == chen and bus["on_duty"] is False
    assert [e["id"] for e in json.loads(run(folder, "list", "--on-duty", "--json").stdout)] == [
        wang
    ]
    edited = run(folder, "edit", chen, "--by", "优化办乙", "--shift", "工作日 09:00-12:00")
    assert edited.returncode == 0, edited.stderr
    [bus] = json.loads(run(folder, "list", "--field", "公交线路与站点", "--json").stdout)
    assert bus["on_duty"] is True and bus["fields"] == ["bus"]
    assert bus["shift_labels"] == ["工作日 09:00–12:00"] and bus["changed_by"] == "优化办乙"
    gone = run(folder, "retire", wang, "--by", "优化办乙", "--reason", "调离原单位")
    assert gone.returncode == 0, gone.stderr
    assert "王社保" not in run(folder, "list").stdout
    assert "退出：优化办乙 2026-11-25（调离原单位）" in run(folder, "list", "--all").stdout
    store = open_store(f"sqlite:///{folder / 'hotline.db'}")
    try:
        steps = [e.action for e in audit.entries(store, target=wang)]
        assert steps == ["expert_add", "expert_retire"]
        assert all(e.origin == "cli" for e in audit.entries(store, target=wang))
        assert [e.action for e in audit.entries(store, target=chen)] == [
            "expert_add",
            "expert_edit",
        ]
    finally:
        store.dispose()


def test_r_expert_cli_bad_fields_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "home"
    folder.mkdir(mode=0o700)
    bad_shift = [*DAY]
    bad_shift[bad_shift.index("工作日 08:30-17:30")] = "白天"
    assert "shifts" in refused(run(folder, *bad_shift), 2)
    bad_field = [*DAY]
    bad_field[bad_field.index("社会管理、经济调节")] = "天文"
    line = refused(run(folder, *bad_field), 2)
    assert "fields" in line and "R-EXPERT" in line
    no_unit = [*DAY]
    no_unit[no_unit.index("hn-rst")] = "hn-none"
    assert "hn-none" in refused(run(folder, *no_unit), 1)
    assert "ex-none" in refused(run(folder, "retire", "ex-none", "--by", "某", "--reason", "x"), 1)
    assert "ex-none" in refused(run(folder, "edit", "ex-none", "--by", "某", "--phone", "110"), 1)
    assert run(folder, "list", "--json").stdout.strip() == "[]"  # nothing half-stored
    assert run(folder, *DAY).returncode == 0
    assert "R-EXPERT" in refused(run(folder, *DAY), 1)  # the same expert twice
