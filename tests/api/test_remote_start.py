"""A remote seat's start: the server says who the seat is before any screen; a bad token, a
refused connection or a server that does not answer stops the console with one line, within
the start-up wait rather than the transport's whole retry schedule."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.config import Settings
from console.errors import PermissionDenied, Unavailable
from console.launch import build_remote_app, connect_remote
from console.services.values import Role
from tests.api.conftest import Api

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


def test_a_good_token_connects_before_any_screen(api: Api) -> None:
    settings = Settings(db_url="sqlite://", api_url=api.url, api_token=api.tokens["operator"])
    backend = connect_remote(settings)
    assert backend.actor.role is Role.OPERATOR
    app = build_remote_app(settings)
    assert app.backend is not None and app.actor == backend.actor


def test_a_bad_or_missing_token_stops_with_one_line(api: Api) -> None:
    with pytest.raises(PermissionDenied):
        connect_remote(Settings(db_url="sqlite://", api_url=api.url, api_token="wrong"))
    with pytest.raises(PermissionDenied):
        connect_remote(Settings(db_url="sqlite://", api_url=api.url))


def test_a_silent_server_stops_the_start_after_the_wait(silent_server: str) -> None:
    settings = Settings(db_url="sqlite://", api_url=silent_server, api_token="any")
    with pytest.raises(Unavailable) as caught:
        connect_remote(settings, wait=0.5)
    # the start-up wait ran out (not the transport's own read timeout after its retries)
    assert "0.5 秒内没有应答" in str(caught.value)
    assert silent_server.removeprefix("http://") in str(caught.value)


def test_a_refused_connection_stops_with_one_line() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(db_url="sqlite://", api_url=f"http://127.0.0.1:{port}", api_token="any")
    with pytest.raises(Unavailable) as caught:
        connect_remote(settings)
    assert "无法连接平台服务" in str(caught.value)


def test_the_hotline_command_prints_one_line_for_a_silent_server(
    silent_server: str, tmp_path: Path
) -> None:
    code = textwrap.dedent("""
        import sys
        import console.launch
        console.launch.START_CONTACT_S = 0.5
        from console.cli import main
        sys.exit(main([]))
    """)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "HOTLINE_DATA_DIR": str(tmp_path),
        "HOTLINE_CONFIG": str(tmp_path / "none.toml"),
        "HOTLINE_API": silent_server,
        "HOTLINE_TOKEN": "any",
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hotline: 平台服务")
    assert "没有应答" in lines[0] and "Traceback" not in done.stderr
