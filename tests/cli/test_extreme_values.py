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


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["kb", "export", "--out="], "--out"),
        (["kb", "export", "--out=a\x00b"], "--out"),
        (["calendar", "load", "a\x00b"], "file"),
        (["kb", "import", "\x1b[31m.toml"], "FILE"),
        (["seed", "--dir="], "--dir"),
    ],
)
def test_item4_file_options_refuse_an_empty_name_or_control_characters_naming_the_option(
    argv: list[str], field: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """They were 「内部错误（ValueError/OSError）」 and a crash log (embedded null byte, "."
    as a file)."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and field in err and "内部错误" not in err, err
    assert not (tmp_path / "data" / "crash.log").exists()


def test_item4_a_file_the_system_refuses_is_one_line_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name too long for the file system (an OSError out of the verb) is one line with the
    reason in Chinese, not an internal error."""
    monkeypatch.chdir(tmp_path)
    assert main(["kb", "export", "--out", "9" * 10_000]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"hotline: {tmp_path}") and "9…9" in err, err
    assert err.rstrip().endswith("：文件名过长") and err.count("\n") == 1 and len(err) < 400
    assert main(["seed", "--dir", str(tmp_path / ("字" * 200))]) == 1
    err = capsys.readouterr().err
    assert "文件名过长" in err and "内部错误" not in err, err
    assert not (tmp_path / "data" / "crash.log").exists()


def test_r_security_control_characters_a_user_typed_are_shown_escaped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An id quoted back in a message cannot recolour the terminal, break the line or turn the
    text around (escape sequences, NUL, U+2028, U+202E)."""
    assert main(["seat", "revoke", "\x1b[2J\x07\u202e\u2028x"]) == 1
    err = capsys.readouterr().err
    assert "\\x1b[2J\\x07\\u202e\\u2028x" in err, err
    assert err.count("\n") == 1 and not any(c in err for c in "\x1b\x07\u202e\u2028")


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["seat", "revoke", "a\x00b"], "id"),
        (["audit", "show", "--target", "a\x00b"], "--target"),
        (["audit", "show", "--seat=a\x00b"], "--seat"),
    ],
)
def test_item4_a_nul_character_is_refused_naming_the_option(
    argv: list[str], field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """No database keeps a NUL (PostgreSQL's DataError was an internal error and a crash log)."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err == f"hotline: 参数 {field}：含有 NUL 字符\n", err
