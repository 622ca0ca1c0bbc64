"""Private by default (R-SECURITY, R-CONFIDENTIAL): the data folder 0700 and every file holding
callers' data 0600 whatever the umask, and one warning line at start when they are wider."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from console import private
from console.app import write_crash_log
from console.cli import _log_crash
from console.drafts import DraftStore

ROOT = Path(__file__).resolve().parent.parent


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def umask(value: int) -> Iterator[None]:
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def hotline(data: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(HOTLINE_DATA_DIR=str(data), HOTLINE_CONFIG=str(tmp_path / "absent.toml"))
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
        timeout=300,
        preexec_fn=lambda: os.umask(0o022),  # noqa: PLW1509 — the umask of a careless shell
    )


def test_r_security_embedded_store_key_and_checkpoints_are_private_under_umask_022(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    seeded = hotline(data, tmp_path, "seed")
    assert seeded.returncode == 0, seeded.stderr
    verified = hotline(data, tmp_path, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert mode(data) == 0o700
    db = data / "hotline.db"
    assert mode(db) == 0o600
    for companion in ("hotline.db-wal", "hotline.db-shm"):
        if (data / companion).exists():
            assert mode(data / companion) == 0o600, companion
    assert mode(data / "audit.key") == 0o600  # the key beside the embedded database by default
    assert mode(data / "audit.checkpoints") == 0o600
    assert "警告" not in seeded.stderr + verified.stderr


def test_r_security_crash_logs_and_drafts_are_private_under_umask_022(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with umask(0o022):
        try:
            raise RuntimeError("boom")
        except RuntimeError as exc:
            path = write_crash_log(data, exc)
        DraftStore(data, "seat-1").save({"text": "公司拖欠工资", "caller_phone": "13812341234"})
    assert path is not None and mode(path) == 0o600
    assert mode(data) == 0o700
    drafts = data / "drafts"
    assert mode(drafts) == 0o700
    (draft,) = drafts.glob("*.json")
    assert mode(draft) == 0o600
    for name in ("audit.key", "audit.checkpoints", "x.log"):
        with umask(0o022):
            private.append_text(tmp_path / "more" / name, "x\n")
        assert mode(tmp_path / "more" / name) == 0o600
    assert mode(tmp_path / "more") == 0o700


def test_r_security_cli_crash_log_is_private_under_umask_022(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "cli-data"
    monkeypatch.setenv("HOTLINE_DATA_DIR", str(data))
    with umask(0o022):
        try:
            raise ValueError("x")
        except ValueError as exc:
            path = Path(_log_crash(exc))
    assert mode(path) == 0o600 and mode(data) == 0o700


def test_r_security_warns_once_when_private_files_are_wider(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert hotline(data, tmp_path, "seed").returncode == 0
    os.chmod(data, 0o755)
    os.chmod(data / "hotline.db", 0o644)
    out = hotline(data, tmp_path, "unit", "list")
    assert out.returncode == 0, out.stderr
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, out.stderr
    assert "警告" in lines[0] and "hotline.db（0644）" in lines[0] and f"{data}（0755）" in lines[0]
    assert out.stdout  # the verb still ran
    os.chmod(data, 0o700)
    os.chmod(data / "hotline.db", 0o600)
    quiet = hotline(data, tmp_path, "unit", "list")
    assert quiet.returncode == 0 and "警告" not in quiet.stderr


def test_r_security_existing_wide_files_are_named_not_changed(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    (folder / "crash.log").write_text("x")
    os.chmod(folder / "crash.log", 0o640)
    line = private.warning(private.data_files(folder))
    assert line is not None and line.count("\n") == 0
    assert "crash.log（0640）" in line and f"{folder}（0755）" in line
    assert mode(folder / "crash.log") == 0o640


def test_r_confidential_two_seats_on_one_machine_keep_their_own_drafts(tmp_path: Path) -> None:
    """Seats named in Chinese (the usual case) once shared one draft file: the next seat on
    the machine was shown the previous seat's unfinished call."""
    data = tmp_path / "data"
    DraftStore(data, "张三").save({"text": "公司拖欠工资", "caller_phone": "13812341234"})
    assert DraftStore(data, "钱六").load() is None
    assert DraftStore(data, "张三").load() == {
        "text": "公司拖欠工资",
        "caller_phone": "13812341234",
    }
    assert DraftStore(data, "seat-1").path.name == "intake-seat-1.json"  # safe names as they were
