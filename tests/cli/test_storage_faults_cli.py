"""Issue 12 item 4: a full disk or a read-only data folder on the command line is one line
naming the cause (磁盘已满 / 只读), exit status 1, never a traceback — also when the crash log
itself cannot be written (it used to print a raw traceback then)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

import console.cli.seat
from console.cli import main
from tests.conftest import REPO, fill_disk


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("HOTLINE_DATA_DIR", str(folder))
    monkeypatch.setenv("HOTLINE_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.delenv("HOTLINE_DB", raising=False)
    assert main(["db", "upgrade"]) == 0
    return folder


@pytest.fixture
def sqlite_fault() -> Iterator[dict[str, str]]:
    """SQLite's own read-only and full modes on every transaction of this process."""
    mode = {"now": ""}

    def fault(conn: object) -> None:
        raw = conn.connection.dbapi_connection  # type: ignore[attr-defined]
        if mode["now"] == "readonly":
            raw.execute("PRAGMA query_only = 1")
        elif mode["now"] == "full":
            pages = raw.execute("PRAGMA page_count").fetchone()[0]
            raw.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(Engine, "begin", fault)
    try:
        yield mode
    finally:
        event.remove(Engine, "begin", fault)


def _one_line(err: str, cause: str) -> None:
    assert err.startswith("hotline: ") and err.count("\n") == 1, err
    assert cause in err and "Traceback" not in err and "内部错误" not in err, err


def test_item4_read_only_database_is_one_line_saying_read_only(
    data: Path, sqlite_fault: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    sqlite_fault["now"] = "readonly"
    assert main(["seat", "add", "测试", "--role", "operator"]) == 1
    _one_line(capsys.readouterr().err, "只读")
    assert not (data / "crash.log").exists()


def test_item4_full_database_is_one_line_saying_disk_full(
    data: Path, sqlite_fault: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    sqlite_fault["now"] = "full"
    assert main(["seed"]) == 1  # the knowledge seed needs new pages
    _one_line(capsys.readouterr().err, "磁盘已满")
    assert not (data / "crash.log").exists()


def test_item4_an_internal_error_whose_crash_log_cannot_be_written_is_one_line(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The crash log unwritable (here: a folder stands where it goes): the error and why the
    log is missing, on one line — no traceback of either."""

    def broken(_args: object) -> int:
        raise RuntimeError("a fault of the platform")

    monkeypatch.setattr(console.cli.seat, "_list", broken)
    (data / "crash.log").mkdir(mode=0o700)
    capsys.readouterr()
    assert main(["seat", "list"]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"hotline: 内部错误（RuntimeError）；崩溃日志无法写入（{data / 'crash.log'}："
        "是一个目录，不是文件）\n"
    ), err


def _hotline(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def disk_env(small_disk: Path, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(
        HOTLINE_DATA_DIR=str(small_disk / "data"),
        HOTLINE_CONFIG=str(tmp_path / "absent.toml"),
        HOTLINE_AUDIT_KEY_FILE=os.environ["HOTLINE_AUDIT_KEY_FILE"],
    )
    assert _hotline(env, "seat", "add", "甲", "--role", "operator").returncode == 0
    return env


def test_item4_really_read_only_data_folder_is_one_line_saying_read_only(
    small_disk: Path, disk_env: dict[str, str]
) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        for args in (("seat", "add", "乙", "--role", "operator"), ("seat", "list")):
            done = _hotline(disk_env, *args)
            assert done.returncode == 1, done
            _one_line(done.stderr, "只读")
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert not (small_disk / "data" / "crash.log").exists()


def test_item4_really_full_disk_is_one_line_saying_disk_full(
    small_disk: Path, disk_env: dict[str, str]
) -> None:
    filler = fill_disk(small_disk)
    try:
        done = _hotline(disk_env, "seat", "add", "乙", "--role", "operator")
        assert done.returncode == 1, done
        _one_line(done.stderr, "磁盘已满")
    finally:
        filler.unlink()
    assert _hotline(disk_env, "seat", "add", "丙", "--role", "operator").returncode == 0
