"""`hotline due`, run as a user runs it (subprocess) and in-process (console.cli.main)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from console.cli import main
from console.services.calendar.schedule_file import load_schedule_file
from console.services.calendar.workdays import WorkCalendar, chinese_calendar_years

ROOT = Path(__file__).resolve().parents[2]
NO_2027 = pytest.mark.skipif(
    2027 in chinese_calendar_years(), reason="installed chinese-calendar already knows 2027"
)


@pytest.fixture(autouse=True)
def no_local_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the verb off the developer's own database and config (schedules loaded there)."""
    monkeypatch.setenv("HOTLINE_DB", f"sqlite:///{tmp_path / 'absent.db'}")
    monkeypatch.setenv("HOTLINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HOTLINE_CONFIG", str(tmp_path / "absent-config.toml"))


@pytest.fixture
def calendar_to_2026(monkeypatch: pytest.MonkeyPatch) -> WorkCalendar:
    """The CLI's calendar with 2027 left to the fallback, whatever package is installed."""
    cal = WorkCalendar(library_years=range(2004, 2027))
    monkeypatch.setattr("console.cli.due.work_calendar", lambda: cal)
    return cal


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console", "due", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=60,
    )


# --- as a subprocess -----------------------------------------------------------------------


def test_subprocess_national_day_example_json() -> None:
    proc = run_cli("--from", "2026-09-30 10:00", "--kind", "consultation", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {
        "from": "2026-09-30T10:00:00+08:00",
        "kind": "consultation",
        "clocks": [
            {
                "rule": "R-SIGN",
                "name": "签收时限",
                "due": "2026-10-08T23:59:59+08:00",
                "provisional": False,
            },
            {
                "rule": "R-RETURN",
                "name": "退回时限",
                "due": "2026-10-09T23:59:59+08:00",
                "provisional": False,
            },
            {
                "rule": "R-LIMIT",
                "name": "办理时限",
                "due": "2026-10-13T23:59:59+08:00",
                "provisional": False,
            },
            {
                "rule": "R-CONSULT",
                "name": "咨询答复时限",
                "due": "2026-10-01T10:00:00+08:00",
                "provisional": False,
            },
        ],
    }
    assert "\\u" not in proc.stdout  # ensure_ascii=False


@NO_2027
def test_subprocess_new_year_example_is_provisional() -> None:
    proc = run_cli("--from", "2026-12-28 09:00", "--kind", "complaint")
    assert proc.returncode == 0, proc.stderr
    limit_line = next(line for line in proc.stdout.splitlines() if line.startswith("R-LIMIT"))
    assert "办理时限" in limit_line
    assert "2027-01-12 24:00（星期二）" in limit_line
    assert "临时" in limit_line
    assert "2027 年放假安排尚未载入" in proc.stdout


def test_subprocess_human_output() -> None:
    proc = run_cli("--from", "2026-09-30 10:00", "--kind", "consultation")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("起算 2026-09-30 10:00（星期三）")
    assert [line.split()[0] for line in lines[1:]] == ["R-SIGN", "R-RETURN", "R-LIMIT", "R-CONSULT"]
    assert "2026-10-13 24:00（星期二）" in lines[3]
    assert "2026-10-01 10:00（星期四）" in lines[4]
    assert "临时" not in proc.stdout


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (["--from", "2026-09-30 10:00", "--kind", "petition"], "--kind"),
        (["--from", "2026-09-31 10:00", "--kind", "help"], "--from"),
        (["--from", "yesterday", "--kind", "help"], "--from"),
        (["--kind", "help"], "--from"),
        (["--from", "2026-09-30 10:00"], "--kind"),
    ],
)
def test_subprocess_bad_input_is_one_line_exit_2(args: list[str], mentions: str) -> None:
    proc = run_cli(*args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert mentions in proc.stderr
    assert "Traceback" not in proc.stderr


# --- in process ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "rules"),
    [
        ("help", ["R-SIGN", "R-RETURN", "R-LIMIT"]),
        ("report", ["R-SIGN", "R-RETURN", "R-LIMIT"]),
        ("suggestion", ["R-SIGN", "R-RETURN", "R-LIMIT"]),
        ("special", ["R-SPECIAL", "R-SPECIAL"]),
        ("urgent", ["R-SPECIAL-URGENT", "R-SPECIAL-URGENT"]),
        ("supervision", ["R-SUPERVISE-LIMIT"]),
        ("callback", ["R-CALLBACK", "R-CALLBACK"]),
        ("投诉", ["R-SIGN", "R-RETURN", "R-LIMIT"]),
    ],
)
def test_main_every_kind(kind: str, rules: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["due", "--from", "2026-09-30 10:00", "--kind", kind, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [c["rule"] for c in doc["clocks"]] == rules


@pytest.mark.usefixtures("calendar_to_2026")
def test_main_json_new_year_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["due", "--from", "2026-12-28 09:00", "--kind", "complaint", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["from"] == "2026-12-28T09:00:00+08:00"
    assert doc["clocks"][2] == {
        "rule": "R-LIMIT",
        "name": "办理时限",
        "due": "2027-01-12T23:59:59+08:00",
        "provisional": True,
    }


def test_main_official_2027_clears_provisional(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sched = load_schedule_file(ROOT / "knowledge_seed" / "calendar" / "EXAMPLE-2027.toml")
    cal = WorkCalendar({2027: replace(sched, official=True)})
    monkeypatch.setattr("console.cli.due.work_calendar", lambda: cal)
    assert main(["due", "--from", "2027-01-29 09:00", "--kind", "help", "--json"]) == 0
    limit = json.loads(capsys.readouterr().out)["clocks"][2]
    assert limit == {
        "rule": "R-LIMIT",
        "name": "办理时限",
        "due": "2027-02-04T23:59:59+08:00",
        "provisional": False,
    }


def test_main_matter_type_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "due",
                "--from",
                "2026-09-30 10:00",
                "--kind",
                "complaint",
                "--matter-type",
                "劳动保障监察",
                "--explain",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "事项类型 劳动保障监察" in out
    assert "时限 60 个工作日" in out
    assert "依据：《劳动保障监察条例》（国务院令第423号）第十七条" in out
    assert "10-01（国庆节）" in out


def test_main_bad_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["due", "--from", "2026-09-30 10:00", "--kind", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hotline: --kind") and err.count("\n") == 1


def test_main_year_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["due", "--from", "1850-01-01 10:00", "--kind", "help"]) == 2
    assert "--from" in capsys.readouterr().err


def test_item10_due_and_calendar_show_accept_the_same_years(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`due` counted 1999 while `calendar show 1999` refused it: one range for both."""
    assert main(["due", "--from", "1999-01-04 09:00", "--kind", "complaint"]) == 0
    assert main(["calendar", "show", "1999"]) == 0
    assert "1999 年放假安排" in capsys.readouterr().out
    assert main(["calendar", "show", "2200"]) == 2
    assert "1901–2199" in capsys.readouterr().err


def test_item10_help_never_cuts_a_latin_word(capsys: pytest.CaptureFixture[str]) -> None:
    """argparse saw a run of Chinese as one word and cut `supervision` and `unit_clerk`."""
    import re

    for verb in (["due"], ["seat", "add"]):
        with pytest.raises(SystemExit):
            main([*verb, "--help"])
        text = capsys.readouterr().out
        words = set(re.findall(r"[a-z_]{4,}", text))
        for kind in ("supervision", "suggestion", "consultation", "unit_clerk", "shift_lead"):
            if kind in text.replace("\n", "").replace(" ", ""):
                assert kind in words, (kind, text)
