"""`hotline prefiling …` as a user runs it (R-PREFILING): a subprocess on an embedded database
seeded from knowledge_seed/, the clock pinned to Wednesday 2026-11-25 09:00. A unit's scope is
filed, listed as 待审核, approved by the manager, then withdrawn; each refusal is one line."""

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
FILE = (
    "file", "--unit", "hn-sgcc", "--by", "电力经办", "--title", "寒潮致郴州部分线路覆冰停电",
    "--reason", "不可抗力", "--keywords", "停电，线路覆冰", "--region", "郴州市",
    "--starts", "2026-11-25 08:00", "--ends", "2026-11-29 20:00",
    "--explanation", "受寒潮影响，郴州部分线路覆冰跳闸，正在抢修。",
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
        [sys.executable, "-m", "console", "prefiling", *args],
        capture_output=True, text=True, encoding="utf-8", cwd=REPO, env=env, timeout=120,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr
    return proc


def refused(proc: subprocess.CompletedProcess[str], status: int) -> str:
    assert proc.returncode == status, (proc.stdout, proc.stderr)
    [line] = proc.stderr.splitlines()
    return line


def test_r_prefiling_cli_file_approve_withdraw(tmp_path: Path) -> None:
    folder = tmp_path / "home"
    folder.mkdir(mode=0o700)
    proc = run(folder, *FILE)
    assert proc.returncode == 0, proc.stderr
    scope_id = proc.stdout.split()[1].split("，")[0]
    assert scope_id.startswith("pf-20261125-")
    [scope] = json.loads(
        run(folder, "list", "--unit", "hn-sgcc", "--state", "pending", "--json").stdout
    )
    assert scope["id"] == scope_id and scope["filed_by"] == "电力经办"
    assert scope["reason"] == "force_majeure" and scope["keywords"] == ["停电", "线路覆冰"]
    listed = run(folder, "list", "--state", "pending").stdout
    assert f"{scope_id}  hn-sgcc  待审核  不可抗力" in listed
    line = refused(run(folder, "reject", scope_id, "--by", "优化办", "--reason", " "), 2)
    assert "note" in line
    assert run(folder, "approve", scope_id, "--by", "优化办乙").returncode == 0
    listed = run(folder, "list", "--unit", "hn-sgcc").stdout
    assert "已通过（生效中）" in listed and "审核：优化办乙 2026-11-25 09:00" in listed
    line = refused(run(folder, "reject", scope_id, "--by", "优化办", "--reason", "再审"), 1)
    assert "R-PREFILING" in line
    assert (
        run(folder, "withdraw", scope_id, "--by", "电力经办", "--reason", "已恢复").returncode == 0
    )
    [scope] = json.loads(run(folder, "list", "--state", "withdrawn", "--json").stdout)
    assert scope["withdraw_reason"] == "已恢复" and scope["withdrawn_by"] == "电力经办"
    store = open_store(f"sqlite:///{folder / 'hotline.db'}")
    try:
        steps = [e.action for e in audit.entries(store, target=scope_id)]
        assert {"prefiling_file", "prefiling_approve", "prefiling_withdraw"} <= set(steps)
        assert all(e.origin == "cli" for e in audit.entries(store, target=scope_id))
    finally:
        store.dispose()


def test_r_prefiling_cli_bad_fields_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "home"
    folder.mkdir(mode=0o700)
    bad_reason = [*FILE]
    bad_reason[bad_reason.index("不可抗力")] = "放假"
    assert "reason" in refused(run(folder, *bad_reason), 2)
    bad_end = [*FILE]
    bad_end[bad_end.index("2026-11-29 20:00")] = "2026-11-20 20:00"
    assert "ends" in refused(run(folder, *bad_end), 2)
    bad_time = [*FILE]
    bad_time[bad_time.index("2026-11-25 08:00")] = "明天"
    assert "starts" in refused(run(folder, *bad_time), 2)
    no_unit = [*FILE]
    no_unit[no_unit.index("hn-sgcc")] = "hn-none"
    assert "hn-none" in refused(run(folder, *no_unit), 1)
    assert "pf-none" in refused(
        run(folder, "withdraw", "pf-none", "--by", "某", "--reason", "x"), 1
    )
    assert run(folder, "list", "--json").stdout.strip() != "[]"  # the seed scopes, approved
    assert '"pending"' not in run(folder, "list", "--json").stdout  # nothing half-stored
