"""Issue 12, item 5a — `hotline serve --forwarded-allow-ips`: X-Forwarded-For names the
origin of the audit trail and the access log only when the direct peer is a configured proxy
(default: none). Against a real server on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from console.services.access import audit
from tests.api.conftest import Api, start_api
from tests.contract.harness import REPO

FORGED = "203.0.113.66"
API = "/api/v1"


def _reveal_unknown(api: Api, number: str, forwarded: str) -> None:
    """An audited request: revealing a number nobody issued leaves a reveal_refused record."""
    r = httpx.post(
        f"{api.url}{API}/tickets/{number}/reveal-contact",
        json={"reason": "核对"},
        headers={**api.auth("operator"), "X-Forwarded-For": forwarded},
        timeout=30,
    )
    assert r.status_code == 404, r.text


def _origins(api: Api, number: str) -> set[str]:
    return {r.origin for r in audit.entries(api.store, target=number)}


@pytest.fixture
def plain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    """A server started with no proxy configured; uvicorn's own trust setting is set to trust
    everyone, which must not matter."""
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")
    yield from start_api(f"sqlite:///{tmp_path / 'hotline.db'}", tmp_path)


def _start(tmp_path: Path, *args: str) -> Iterator[Api]:
    yield from start_api(f"sqlite:///{tmp_path / 'hotline.db'}", tmp_path, args)


@pytest.fixture
def behind_proxy(tmp_path: Path) -> Iterator[Api]:
    """A server that trusts the proxy on 127.0.0.1 (the test's client)."""
    yield from _start(tmp_path, "--forwarded-allow-ips", "127.0.0.1")


@pytest.fixture
def other_proxy(tmp_path: Path) -> Iterator[Api]:
    """A server that trusts only a proxy elsewhere (not the test's client)."""
    yield from _start(tmp_path, "--forwarded-allow-ips", "10.9.8.7, 192.168.0.0/16")


def test_forged_forwarded_for_ignored_by_default(plain: Api) -> None:
    _reveal_unknown(plain, "20261125-999001", FORGED)
    assert _origins(plain, "20261125-999001") == {"api:127.0.0.1"}
    log = plain.server.log(until="from=127.0.0.1")
    assert FORGED not in log and "from=127.0.0.1" in log


def test_forged_forwarded_for_from_an_untrusted_peer_ignored(other_proxy: Api) -> None:
    _reveal_unknown(other_proxy, "20261125-999002", FORGED)
    assert _origins(other_proxy, "20261125-999002") == {"api:127.0.0.1"}
    assert FORGED not in other_proxy.server.log()


def test_forwarded_for_from_a_configured_proxy_is_the_origin(behind_proxy: Api) -> None:
    _reveal_unknown(behind_proxy, "20261125-999003", f"198.51.100.1, {FORGED}")
    # the proxy appends the address it saw; what the client itself claimed is not believed
    assert _origins(behind_proxy, "20261125-999003") == {f"api:{FORGED}"}
    assert f"from={FORGED}" in behind_proxy.server.log(until=f"from={FORGED}")


def test_bad_proxy_address_refused_in_one_line(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "console", "serve", "--forwarded-allow-ips", "127.0.0.1,proxy.lan"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env={"HOTLINE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert out.returncode == 2
    assert out.stderr.strip() == (
        "hotline: forwarded-allow-ips: 'proxy.lan' 不是 IP 地址或网段（如 127.0.0.1、10.0.0.0/8）"
    )
