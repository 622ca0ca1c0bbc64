"""Issue 13 item 10: `hotline unit list [--json]`, run as a newcomer runs it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_audit_cli import hotline
from tests.store.conftest import Platform
from tests.store.conftest import platform as platform  # noqa: F401 — the fixture


def test_item10_unit_list_names_the_codes_seat_add_takes(
    platform: Platform,
    tmp_path: Path,  # noqa: F811
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


def test_r_special_report_unit_set_registers_duty_numbers(
    platform: Platform,
    tmp_path: Path,  # noqa: F811
) -> None:
    done = hotline(
        platform, tmp_path, "unit", "set", "hn-zjt",
        "--duty-phone", "0731-88880001", "--duty-sms", "13900000001",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "0731-88880001" in done.stdout and "13900000001" in done.stdout
    [zjt] = [u for u in platform.operator.units() if u.id == "hn-zjt"]
    assert (zjt.duty_phone, zjt.duty_sms) == ("0731-88880001", "13900000001")
    listed = hotline(platform, tmp_path, "unit", "duty", "--json")
    rows = {r["id"]: r for r in json.loads(listed.stdout)}
    assert rows["hn-zjt"]["duty_sms"] == "13900000001" and rows["hn-rst"]["duty_sms"] == ""
    plain = hotline(platform, tmp_path, "unit", "duty")
    assert any(
        line.startswith("hn-rst ") and "未登记" in line for line in plain.stdout.splitlines()
    )


def test_r_special_report_unit_set_refuses_a_bad_number_in_one_line(
    platform: Platform,
    tmp_path: Path,  # noqa: F811
) -> None:
    bad = hotline(platform, tmp_path, "unit", "set", "hn-zjt", "--duty-sms", "不是号码")
    # bad input: exit 2, as elsewhere; named as the option typed, not as the field
    assert bad.returncode == 2 and "--duty-sms：" in bad.stderr, bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr
    unknown = hotline(platform, tmp_path, "unit", "set", "no-such", "--duty-sms", "13900000001")
    assert unknown.returncode == 2 and "no-such" in unknown.stderr
    nothing = hotline(platform, tmp_path, "unit", "set", "hn-zjt")
    assert nothing.returncode == 2 and "--duty-phone" in nothing.stderr
    [zjt] = [u for u in platform.operator.units() if u.id == "hn-zjt"]
    assert zjt.duty_sms == ""


def test_a_refused_value_is_named_as_the_option_typed() -> None:
    """An option given as ``--x y`` or ``--x=y`` names the refusal; a field that came from
    elsewhere (a positional, a file) keeps the field's name."""
    from console.cli import _as_typed
    from console.errors import InputError

    refusal = InputError("duty_phone", "值班电话应为电话号码")
    assert _as_typed(refusal, ["unit", "set", "hn-rst", "--duty-phone", "abc"]) == (
        "--duty-phone：值班电话应为电话号码"
    )
    assert _as_typed(refusal, ["unit", "set", "hn-rst", "--duty-phone=abc"]).startswith("--duty-")
    assert _as_typed(refusal, ["unit", "set", "hn-rst", "--duty-phones", "x"]) == str(refusal)
    assert _as_typed(InputError("id", "没有编号 x"), ["unit", "set", "x"]) == "id: 没有编号 x"
