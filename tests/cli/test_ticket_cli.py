"""`hotline ticket search` over SQLite and PostgreSQL: the seat of a token, its scope, the
caller masked; bad input one line naming the option."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from console.services.access import seats
from console.services.values import Kind, Role
from tests.cli.test_worker_cli import env_for, hotline
from tests.store.conftest import Platform, intake
from tests.store.conftest import platform as platform  # noqa: F401 — the fixture


def token(p: Platform, name: str, role: Role, unit: str | None = None) -> str:
    return seats.add_seat(p.store, name, role, unit, now=dt.datetime.now(dt.UTC))[1]


def test_r_security_cli_search_is_scoped_by_the_seat_of_the_token(
    platform: Platform,
    tmp_path: Path,  # noqa: F811
) -> None:
    p = platform
    ours = p.operator.accept(intake(Kind.COMPLAINT, text="命令行查询：欠薪"), unit_id="hn-rst")
    theirs = p.operator.accept(intake(Kind.COMPLAINT, text="命令行查询：物业"), unit_id="hn-zjt")
    env = env_for(p, tmp_path)
    clerk = hotline(
        env,
        "ticket",
        "search",
        "--text",
        "命令行查询",
        "--json",
        "--token",
        token(p, "人社厅丙", Role.UNIT_CLERK, "hn-rst"),
    )
    assert clerk.returncode == 0, clerk.stderr
    found = json.loads(clerk.stdout)
    assert [r["number"] for r in found["rows"]] == [ours] and found["total"] == 1
    assert "13812341234" not in clerk.stdout
    env["HOTLINE_TOKEN"] = token(p, "优化办乙", Role.MANAGER)
    manager = hotline(env, "ticket", "search", "--text", "命令行查询", "--state", "已派单待签收")
    assert manager.returncode == 0, manager.stderr
    assert ours in manager.stdout and theirs in manager.stdout and "共 2 条" in manager.stdout


def test_cli_search_bad_input_is_one_line_naming_the_option(
    platform: Platform,
    tmp_path: Path,  # noqa: F811
) -> None:
    env = env_for(platform, tmp_path)
    env.pop("HOTLINE_TOKEN", None)
    for args, name in (
        (("--text", "x"), "--token"),
        (("--token", "nonsense"), "--token"),
        (("--since", "2026-13-01"), "--since"),
    ):
        run = hotline(env, "ticket", "search", *args)
        assert run.returncode == 2, run.stdout
        assert name in run.stderr and len(run.stderr.strip().splitlines()) == 1
    env["HOTLINE_TOKEN"] = token(platform, "优化办乙", Role.MANAGER)
    run = hotline(env, "ticket", "search", "--state", "nope")
    assert run.returncode == 2 and "state" in run.stderr
