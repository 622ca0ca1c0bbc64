"""`hotline worker`, run as an operator runs it, over SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from console.services.access import audit
from console.services.values import Kind, Special
from console.store.models import OutboxRow
from tests.store.conftest import Platform, intake
from tests.store.conftest import platform as platform  # noqa: F401 — the fixture

ROOT = Path(__file__).resolve().parents[2]


def env_for(p: Platform | None, tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_OUTBOX_")}
    env.update(
        HOTLINE_DATA_DIR=str(tmp_path / "data"),
        HOTLINE_CONFIG=str(tmp_path / "absent.toml"),
        HOTLINE_NOW="2026-11-25 09:00",
        **settings,
    )
    if p is not None:
        env["HOTLINE_DB"] = p.store.url
    return env


def hotline(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def special(p: Platform) -> list[str]:
    p.operator.accept(intake(Kind.HELP, text="全镇停电"), "hn-sgcc", special=Special.SPECIAL)
    with p.store.read() as s:
        return list(s.execute(select(OutboxRow.idempotency_key).order_by(OutboxRow.id)).scalars())


def test_once_json_reports_what_it_delivered(platform: Platform, tmp_path: Path) -> None:  # noqa: F811
    p = platform
    keys = special(p)
    path = tmp_path / "outbox.jsonl"
    out = hotline(env_for(p, tmp_path, HOTLINE_OUTBOX_FILE=str(path)), "worker", "--once", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["delivered"] == keys
    assert report["retried"] == report["given_up"] == report["settled"] == []
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [line["key"] for line in lines] == keys
    again = hotline(env_for(p, tmp_path, HOTLINE_OUTBOX_FILE=str(path)), "worker", "--once")
    assert again.returncode == 0 and again.stdout.startswith("已发送 0 条")
    [mark, *_] = audit.entries(p.store, action="outbox_delivered")
    assert mark.seat == "worker" and mark.origin.startswith("worker:")


def test_runs_until_sigterm_then_exits_cleanly(platform: Platform, tmp_path: Path) -> None:  # noqa: F811
    p = platform
    keys = special(p)
    path = tmp_path / "outbox.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "console", "worker", "--interval", "0.2", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env_for(p, tmp_path, HOTLINE_OUTBOX_FILE=str(path)),
    )
    try:
        deadline = time.monotonic() + 60
        while not (path.exists() and len(path.read_text(encoding="utf-8").splitlines()) >= 4):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the worker delivered nothing in 60 s"
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert json.loads(stdout.splitlines()[0])["delivered"] == keys
    assert [json.loads(line)["key"] for line in path.read_text().splitlines()] == keys


@pytest.mark.parametrize(
    "settings, args, field",
    [
        ({}, (), "HOTLINE_OUTBOX_URL"),
        ({"HOTLINE_OUTBOX_URL": "gateway.local/sms"}, (), "HOTLINE_OUTBOX_URL"),
        (
            {"HOTLINE_OUTBOX_URL": "http://127.0.0.1:9/", "HOTLINE_OUTBOX_FILE": "x.jsonl"},
            (),
            "HOTLINE_OUTBOX_URL",
        ),
        ({"HOTLINE_OUTBOX_FILE": "/nonexistent-dir/outbox.jsonl"}, (), "HOTLINE_OUTBOX_FILE"),
        ({"HOTLINE_OUTBOX_FILE": "x.jsonl"}, ("--interval", "0"), "interval"),
        ({"HOTLINE_OUTBOX_FILE": "x.jsonl"}, ("--batch", "many"), "batch"),
    ],
)
def test_bad_settings_one_line_naming_the_setting(
    tmp_path: Path, settings: dict[str, str], args: tuple[str, ...], field: str
) -> None:
    env = env_for(None, tmp_path, **settings)
    env["HOTLINE_DB"] = f"sqlite:///{tmp_path / 'never.db'}"
    out = hotline(env, "worker", "--once", *args)
    assert out.returncode == 2
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"hotline: {field}:"), out.stderr
    if not settings:
        assert "HOTLINE_OUTBOX_FILE" in lines[0]  # both ways out are named
    assert not (tmp_path / "never.db").exists()  # refused before touching a database
