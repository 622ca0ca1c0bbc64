"""Issue 13 item 10: `hotline unit list [--json]`, run as a newcomer runs it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_audit_cli import hotline
from tests.store.conftest import Platform
from tests.store.conftest import platform as platform  # noqa: F401 — the fixture


def test_item10_unit_list_names_the_codes_seat_add_takes(
    platform: Platform, tmp_path: Path  # noqa: F811
) -> None:
    shown = hotline(platform, tmp_path, "unit", "list")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert any(line.startswith("hn-rst ") and "省直单位" in line for line in lines)
    assert "seat add" in lines[-1]
    as_json = hotline(platform, tmp_path, "unit", "list", "--json")
    assert as_json.returncode == 0, as_json.stderr
    units = {u["id"]: u for u in json.loads(as_json.stdout)}
    assert "hn-rst" in units and units["hn-rst"]["name"]
    assert {"id", "name", "category", "city", "hotline"} <= set(units["hn-rst"])


def test_item9_argparse_speaks_chinese(platform: Platform, tmp_path: Path) -> None:  # noqa: F811
    missing = hotline(platform, tmp_path, "seat")
    assert missing.returncode == 2 and "缺少必填参数" in missing.stderr
    wrong = hotline(platform, tmp_path, "nope")
    assert wrong.returncode == 2 and "无效的选项 'nope'" in wrong.stderr
    assert "invalid choice" not in wrong.stderr and "required" not in missing.stderr
    helped = hotline(platform, tmp_path, "unit", "--help")
    assert "用法：" in helped.stdout and "显示本帮助并退出" in helped.stdout
