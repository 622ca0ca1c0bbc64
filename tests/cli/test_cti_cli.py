"""`hotline cti …` as a user runs it (R-SOURCE): a day of call events replayed into the embedded
database (no server), listed with `hotline cti calls`; a file with bad lines is refused whole
with one line naming each bad line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(
        HOTLINE_DB=f"sqlite:///{folder / 'hotline.db'}",
        HOTLINE_DATA_DIR=str(folder),
        HOTLINE_CONFIG=str(folder / "absent-config.toml"),
        HOTLINE_NOW="2026-12-05 09:00",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "console", "cti", *args],
        capture_output=True, text=True, encoding="utf-8", cwd=REPO, env=env, timeout=120,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr
    return proc


def test_r_source_cti_replay_into_the_embedded_database(tmp_path: Path) -> None:
    folder = tmp_path / "home"
    folder.mkdir(mode=0o700)
    day = tmp_path / "day.jsonl"
    events = [
        {"event_id": "e1", "call_id": "c1", "kind": "ringing", "at": "2026-12-05T09:00:00",
         "caller": "13812341234", "line": "株洲12345"},
        {"event_id": "e2", "call_id": "c1", "kind": "answered", "at": "2026-12-05T09:00:04",
         "seat": "seat-03"},
        {"event_id": "e3", "call_id": "c1", "kind": "ended", "at": "2026-12-05T09:03:00",
         "recording_id": "rec-1"},
    ]  # fmt: skip
    day.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in events) + "\n\n")
    done = run(folder, "replay", str(day), "--source", "zhuzhou-12345")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "回放 3 个话务事件：新入库 3，已存在 0"
    assert "已存在 3" in run(folder, "replay", str(day), "--source", "zhuzhou-12345").stdout
    listed = run(folder, "calls").stdout
    assert listed.startswith("zhuzhou-12345/c1  挂断  13812341234  转自 株洲12345  坐席 seat-03")
    assert "振铃 12-05 09:00:00" in listed and "录音 rec-1" in listed
    [call] = json.loads(run(folder, "calls", "--phone", "13812341234", "--json").stdout)
    assert call["state"] == "ended" and call["seat"] == "seat-03"
    assert json.loads(run(folder, "calls", "--phone", "13900000000", "--json").stdout) == []
    day.write_text('{"event_id": "x", "call_id": "c2", "kind": "hold", "at": "2026-12-05T09:00:00"}\n'
                   '{"event_id": "y"}\n', encoding="utf-8")  # fmt: skip
    bad = run(folder, "replay", str(day), "--source", "zhuzhou-12345")
    assert bad.returncode == 2
    [line] = bad.stderr.splitlines()
    assert "第 1 行 kind" in line and "第 2 行" in line and "未回放" in line
    assert "c2" not in run(folder, "calls").stdout  # nothing of the bad file stored
    assert "speed" in run(folder, "replay", str(day), "--source", "z", "--speed", "-1").stderr
