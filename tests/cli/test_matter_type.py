"""Issue 13 item 10: `hotline due --matter-type` refuses a type nobody knows (one line naming
the field and where to see the valid ones), and `hotline matter list` shows them."""

from __future__ import annotations

import json

import pytest

from console.cli import main

DUE = ["due", "--from", "2026-09-30 10:00", "--kind", "complaint"]


def test_item10_unknown_matter_type_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([*DUE, "--matter-type", "不存在的类型"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # no deadlines computed for a type nobody knows
    err = captured.err
    assert err.count("\n") == 1
    assert err.startswith("hotline: --matter-type")
    assert "不存在的类型" in err and "hotline matter list" in err


def test_item10_blank_matter_type_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*DUE, "--matter-type", "  "]) == 2
    assert capsys.readouterr().err.startswith("hotline: --matter-type")


def test_item10_known_matter_types_are_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*DUE, "--matter-type", "价格"]) == 0  # from the category tree
    assert "事项类型 价格" in capsys.readouterr().out
    assert main([*DUE, "--matter-type", " 劳动保障监察 "]) == 0  # a law-set limit
    assert "时限 60 个工作日" not in capsys.readouterr().out  # (no --explain)


def test_item10_matter_list_shows_what_due_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matter", "list"]) == 0
    out = capsys.readouterr().out
    assert "劳动保障监察（法定时限）" in out and "价格" in out
    assert "hotline due --matter-type" in out.splitlines()[-1]
    assert main(["matter", "list", "--json"]) == 0
    rows = {r["matter_type"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["劳动保障监察"]["law_set_limit"] is True
    assert rows["价格"]["domain"] == "economic_regulation"
    for name in list(rows)[::29]:  # a listed type is one `due` accepts
        assert main([*DUE, "--matter-type", name, "--json"]) == 0, name
    capsys.readouterr()
