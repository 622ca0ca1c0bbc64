"""Out-of-range values on the command line get one line naming the option, never an internal
error (R-SECURITY: no traceback, nothing half-stored)."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.cli import main


@pytest.fixture(autouse=True)
def own_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    monkeypatch.setenv("HOTLINE_DATA_DIR", str(data))
    monkeypatch.setenv("HOTLINE_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.delenv("HOTLINE_DB", raising=False)


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["seat", "add", "测试", "--role", "operator", "--expires", "9999-12-31"], "expires"),
        (["seat", "add", "测试", "--role", "operator", "--expires", "9999-12-31 23:59"], "expires"),
        (["audit", "show", "--since", "0001-01-01"], "since"),
        (["due", "--from", "0001-01-01 00:00", "--kind", "complaint"], "--from"),
        (["calendar", "show", "9999"], "year"),
    ],
)
def test_r_security_extreme_dates_are_refused_with_the_option_named(
    argv: list[str], field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and field in err and "内部错误" not in err, err
    if argv[0] == "seat":
        assert main(["seat", "list"]) == 0
        assert "测试" not in capsys.readouterr().out  # nothing half-stored


def test_r_security_unreachable_database_named_without_its_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database that cannot be reached at start: one line naming it, the password hidden
    (it was 「内部错误（OperationalError）」 and a crash log)."""
    monkeypatch.setenv("HOTLINE_DB", "postgresql+psycopg://hotline:s3cret@127.0.0.1:9/hotline")
    assert main(["seat", "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("hotline: 无法连接数据库 postgresql+psycopg://hotline:***@127.0.0.1:9/")
    assert "s3cret" not in err and "内部错误" not in err and err.count("\n") <= 1
