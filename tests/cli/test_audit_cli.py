"""`hotline audit verify|show`, run as a user runs them, over SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from console.services.values import Satisfaction
from tests.store.conftest import Platform, intake
from tests.store.conftest import platform as platform  # noqa: F401 — the fixture

ROOT = Path(__file__).resolve().parents[2]


def hotline(
    p: Platform, tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HOTLINE_DB": p.store.url,
        "HOTLINE_DATA_DIR": str(tmp_path / "data"),
        "HOTLINE_CONFIG": str(tmp_path / "absent.toml"),
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def workflow(p: Platform) -> str:
    number = p.operator.accept(intake(), unit_id="hn-rst")
    p.rst.sign(number)
    p.rst.request_completion(number, "电话", p.clock.now().date(), "已办理")
    p.manager.review_completion(number, True)
    p.operator.record_callback(number, Satisfaction.SATISFIED)
    p.operator.reveal_contact(number, "回访核对")
    return number


def test_verify_then_tamper(platform: Platform, tmp_path: Path) -> None:  # noqa: F811
    p = platform
    workflow(p)
    ok = hotline(p, tmp_path, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip().endswith("条记录，链完整")
    with p.store.write_engine.begin() as conn:
        conn.execute(text("UPDATE audit SET action = 'sign' WHERE id = 3"))
    bad = hotline(p, tmp_path, "audit", "verify", "--json")
    assert bad.returncode == 1
    report = json.loads(bad.stdout)
    assert report["ok"] is False and report["record_id"] == 3
    assert "#3" in report["problem"]


def test_show_filters(platform: Platform, tmp_path: Path) -> None:  # noqa: F811
    p = platform
    number = workflow(p)
    out = hotline(p, tmp_path, "audit", "show", "--seat", "u-rst", "--json")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["action"] for r in rows] == ["sign", "request_completion"]
    assert {r["target"] for r in rows} == {number}
    reveal = hotline(p, tmp_path, "audit", "show", "--action", "reveal_contact", "--target", number)
    assert reveal.returncode == 0 and "回访核对" in reveal.stdout and "话务员甲" in reveal.stdout
    none = hotline(p, tmp_path, "audit", "show", "--since", "2999-01-01")
    assert none.returncode == 0 and "没有符合条件" in none.stdout


@pytest.mark.parametrize(
    "args, field",
    [(("--since", "昨天"), "since"), (("--limit", "0"), "limit"), (("--limit", "x"), "limit")],
)
def test_bad_input_is_one_line(
    platform: Platform,  # noqa: F811
    tmp_path: Path,
    args: tuple[str, ...],
    field: str,
) -> None:
    if platform.store.dialect != "sqlite":
        pytest.skip("argument checks do not depend on the store")
    out = hotline(platform, tmp_path, "audit", "show", *args)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and field in out.stderr


def test_r_security_audit_verify_prints_one_line_per_finding(
    platform: Platform,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The command says what is wrong and where, one line each, and exits 1."""
    p = platform
    number = workflow(p)
    first = hotline(p, tmp_path, "audit", "verify")
    assert first.returncode == 0, first.stderr
    assert "已写入检查点" in first.stdout
    with p.store.write_engine.begin() as conn:
        conn.execute(
            text("UPDATE tickets SET state = 'terminated' WHERE number = :n"), {"n": number}
        )
        conn.execute(text("UPDATE events SET reason = '改过' WHERE id = 2"))
        last = conn.execute(text("SELECT max(id) FROM audit")).scalar_one()
        conn.execute(text("DELETE FROM audit WHERE id = :id"), {"id": last})  # the reveal
    out = hotline(p, tmp_path, "audit", "verify")
    assert out.returncode == 1
    lines = out.stdout.strip().splitlines()
    assert any(f"记录 #{last} 被删除" in line and "末尾" in line for line in lines)
    assert any("事件 #2" in line and "事件被改动" in line for line in lines)
    assert any(f"工单 {number}" in line and "状态被直接改动" in line for line in lines)
    assert lines[-1] == f"审计记录不完整：发现 3 处问题（共 {last - 1} 条记录）"
    report = json.loads(hotline(p, tmp_path, "audit", "verify", "--json").stdout)
    assert report["ok"] is False and len(report["findings"]) == 3


def test_r_security_worker_signs_checkpoints_and_raises_the_alarm(
    platform: Platform,  # noqa: F811
    tmp_path: Path,
) -> None:
    """`hotline worker` signs a checkpoint each round; when the trail no longer extends the
    last one it writes none and says so (stderr), and `audit verify` names the deletion."""
    p = platform
    workflow(p)
    env_file = {"HOTLINE_OUTBOX_FILE": str(tmp_path / "outbox.jsonl")}
    ok = hotline(p, tmp_path, "worker", "--once", env=env_file)
    assert ok.returncode == 0, ok.stderr
    assert "审计告警" not in ok.stderr
    key = Path(os.environ["HOTLINE_AUDIT_KEY_FILE"])
    checkpoints = key.with_name("audit.checkpoints")
    assert len(checkpoints.read_text().splitlines()) == 1
    with p.store.write_engine.begin() as conn:
        last = conn.execute(text("SELECT max(id) FROM audit")).scalar_one()
        conn.execute(text("DELETE FROM audit WHERE id >= :id"), {"id": last - 1})
    alarm = hotline(p, tmp_path, "worker", "--once", env=env_file)
    assert alarm.returncode == 0
    assert "审计告警" in alarm.stderr and "hotline audit verify" in alarm.stderr
    assert len(checkpoints.read_text().splitlines()) == 1
    out = hotline(p, tmp_path, "audit", "verify")
    assert out.returncode == 1 and f"记录 #{last - 1}–#{last} 被删除" in out.stdout
