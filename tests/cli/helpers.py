"""Running a `hotline` verb as a user does: a subprocess on an embedded database in its own
folder, seeded from knowledge_seed/ on first use, the clock pinned."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

NOW = "2026-11-25 09:00"  # a Wednesday (Beijing)


def run(verb: str, folder: Path, *args: str, now: str = NOW) -> subprocess.CompletedProcess[str]:
    """``hotline <verb> <args>`` on ``folder``'s database; never a traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(
        HOTLINE_DB=f"sqlite:///{folder / 'hotline.db'}",
        HOTLINE_DATA_DIR=str(folder),
        HOTLINE_CONFIG=str(folder / "absent-config.toml"),
        HOTLINE_NOW=now,
    )
    proc = subprocess.run(
        [sys.executable, "-m", "console", verb, *args],
        capture_output=True, text=True, encoding="utf-8", cwd=REPO, env=env, timeout=120,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr
    return proc


def refused(proc: subprocess.CompletedProcess[str], status: int) -> str:
    """The one line a refusal prints on stderr (with its exit status checked)."""
    assert proc.returncode == status, (proc.stdout, proc.stderr)
    [line] = proc.stderr.splitlines()
    return line
