"""`hotline report hot` over SQLite and PostgreSQL: the groups of one
matter and place with their heat, the shift's alerts, a period recomputed afresh; bad input one
line naming the option."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from console.services.clock import SHANGHAI
from tests.cli.test_worker_cli import env_for, hotline
from tests.conftest import HeldFirstLook
from tests.store.conftest import Platform
from tests.store.conftest import platform as platform  # noqa: F401 — the fixture
from tests.store.test_hot_store import call, history


def test_r_analytics_report_hot_lists_the_group_and_its_alert(
    platform: Platform,
    tmp_path: Path,  # noqa: F811
) -> None:
    p = platform
    history(p, 60)
    numbers = [call(p, i, unit="hn-rst" if i == 0 else "hn-zjt") for i in range(3)]
    env = env_for(p, tmp_path)
    env["HOTLINE_NOW"] = p.clock.now().astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    run = hotline(env, "report", "hot", "--json", "--limit", "50")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    [group] = [g for g in out["groups"] if numbers[0] in g["numbers"]]
    assert group["numbers"] == numbers and group["callers"] == 3
    assert any(a["kind"] == "sudden" and a["numbers"] == numbers for a in out["alerts"])
    mine = json.loads(hotline(env, "report", "hot", "--json", "--unit", "hn-rst").stdout)
    assert mine["groups"] == []  # one ticket of its own: no group
    # the quarter recomputed afresh: the same group
    quarter = hotline(env, "report", "hot", "--period", "2026Q4", "--limit", "50")
    assert quarter.returncode == 0, quarter.stderr
    assert numbers[0] in quarter.stdout and "突发" in quarter.stdout
    assert numbers[0] not in hotline(env, "report", "hot", "--period", "2025").stdout


def test_report_hot_bad_input_is_one_line_naming_the_option(
    platform: Platform,
    tmp_path: Path,  # noqa: F811
) -> None:
    env = env_for(platform, tmp_path)
    for args, name in (
        (("--period", "2026Q5"), "--period"),
        (("--period", "1900"), "--period"),
        (("--limit", "0"), "--limit"),
        (("--unit", "nope"), "--unit"),
    ):
        run = hotline(env, "report", "hot", *args)
        assert run.returncode == 2, (args, run.stdout)
        assert name in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_r_analytics_report_hot_waits_for_the_first_look_and_says_so(
    platform: Platform,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    held_first_look: HeldFirstLook,
) -> None:
    """A seat's look waits a few seconds for the first look, then says it is under way (the
    board asks again); a report has no later: it says it is computing and waits for the
    groups — it used to fail after those seconds on a busy store, saying the groups would show
    "by themselves"."""
    from console.cli import main
    from console.services.analytics import hot_store

    p = platform
    history(p, 60)
    numbers = [call(p, i) for i in range(3)]
    for name, value in env_for(p, tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOTLINE_NOW", p.clock.now().astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"))
    monkeypatch.setattr(hot_store, "PATIENCE", 0.2)  # a seat's patience, made short
    opener = threading.Timer(1.0, held_first_look.gate.set)  # the first look ends after it
    opener.start()
    try:
        status = main(["report", "hot", "--json", "--limit", "50"])
    finally:
        opener.cancel()
    said = capsys.readouterr()
    assert status == 0, said.err
    assert "正在计算近 90 天的热点分组" in said.err
    [group] = [g for g in json.loads(said.out)["groups"] if numbers[0] in g["numbers"]]
    assert group["numbers"] == numbers
