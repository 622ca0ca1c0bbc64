"""Call events over HTTP (CTI, R-SOURCE, R-SECURITY) against a real ``hotline serve`` on
loopback with a keys file: a signed event is stored, the same event again changes nothing, a
changed body, another source, a stale timestamp or no signature is 403, a bad field 422 naming
it; and `hotline cti replay --url` signs a day's events and sends them to the server."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from console.services.clock import SHANGHAI
from console.services.telephony.calls import list_calls
from console.services.telephony.signing import WINDOW, sign
from tests.api.conftest import Api, start_api
from tests.conftest import REPO

SECRET = "k" * 48
EVENTS = "/api/v1/cti/events"


@pytest.fixture(scope="module")
def cti(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, Path]]:
    folder = tmp_path_factory.mktemp("cti")
    keys = folder / "cti.toml"
    keys.write_text(f'[sources.changsha-12345]\nsecret = "{SECRET}"\n', encoding="utf-8")
    keys.chmod(0o600)
    for api in start_api(
        f"sqlite:///{folder / 'hotline.db'}", folder, env={"HOTLINE_CTI_KEYS": str(keys)}
    ):
        yield api, keys


def post(api: Api, doc: Any, source: str = "changsha-12345", stamp: int | None = None,
         secret: str = SECRET, body: bytes | None = None) -> httpx.Response:  # fmt: skip
    raw = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    stamp = int(time.time()) if stamp is None else stamp
    headers = {
        "Content-Type": "application/json",
        "X-Hotline-Source": source,
        "X-Hotline-Timestamp": str(stamp),
        "X-Hotline-Signature": sign(secret, stamp, raw),
    }
    return httpx.post(f"{api.url}{EVENTS}", content=body or raw, headers=headers, timeout=10)


def ringing(n: int = 1, **extra: Any) -> dict[str, Any]:
    return {"event_id": f"r{n}", "call_id": f"call-{n}", "kind": "ringing",
            "at": "2026-12-05T09:00:00+08:00", "caller": "13812341234",
            "line": "长沙12345", **extra}  # fmt: skip


def test_r_source_signed_events_are_stored_once(cti: tuple[Api, Path]) -> None:
    api, _ = cti
    r = post(api, ringing())
    assert r.status_code == 200, r.text
    assert r.json() == {"status": "stored", "call_id": "call-1", "state": "ringing"}
    again = post(api, ringing())
    assert again.status_code == 200 and again.json()["status"] == "exists"
    answered = {**ringing(), "event_id": "a1", "kind": "answered", "seat": "seat-07",
                "at": "2026-12-05T09:00:06+08:00"}  # fmt: skip
    assert post(api, answered).json()["state"] == "answered"
    [call] = [c for c in list_calls(api.store) if c.call_id == "call-1"]
    assert call.seat == "seat-07" and call.line == "长沙12345"


@pytest.mark.parametrize(
    "how", ["changed body", "other source", "other secret", "stale", "future", "unsigned"]
)
def test_r_security_unsigned_or_replayed_events_are_refused(
    cti: tuple[Api, Path], how: str
) -> None:
    api, _ = cti
    doc = ringing(2)
    now = int(time.time())
    if how == "changed body":
        r = post(api, doc, body=json.dumps({**doc, "caller": "13900000000"}).encode())
    elif how == "other source":
        r = post(api, doc, source="zhuzhou-12345")
    elif how == "other secret":
        r = post(api, doc, secret="x" * 48)
    elif how == "stale":
        r = post(api, doc, stamp=now - WINDOW - 60)
    elif how == "future":
        r = post(api, doc, stamp=now + WINDOW + 60)
    else:
        r = httpx.post(f"{api.url}{EVENTS}", json=doc, timeout=10)
    assert r.status_code == 403, r.text
    assert r.json()["rule"] == "R-SECURITY"
    assert not [c for c in list_calls(api.store) if c.call_id == "call-2"]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"kind": "hold"}, "kind"), ({"at": "soon"}, "at"), ({"caller": "不是号码"}, "caller"),
     ({"event_id": ""}, "event_id")],
)  # fmt: skip
def test_r_source_a_bad_event_is_422_naming_the_field(
    cti: tuple[Api, Path], change: dict[str, Any], field: str
) -> None:
    api, _ = cti
    r = post(api, ringing(3, **change))
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
    assert not [c for c in list_calls(api.store) if c.call_id == "call-3"]


def test_r_source_cti_replay_signs_and_sends_a_day(cti: tuple[Api, Path], tmp_path: Path) -> None:
    api, keys = cti
    day = tmp_path / "day.jsonl"
    lines = []
    for n in range(10, 15):
        lines.append(ringing(n, at=f"2026-12-05T10:00:{n:02d}+08:00"))
        lines.append({**ringing(n), "event_id": f"e{n}", "kind": "ended",
                      "at": f"2026-12-05T10:01:{n:02d}+08:00", "recording_id": f"rec-{n}"})  # fmt: skip
    day.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(HOTLINE_CTI_KEYS=str(keys), HOTLINE_DATA_DIR=str(tmp_path),
               HOTLINE_CONFIG=str(tmp_path / "absent.toml"))  # fmt: skip

    def replay(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "console", "cti", "replay", str(day), *args],
            capture_output=True, text=True, encoding="utf-8", cwd=REPO, env=env, timeout=120,
        )  # fmt: skip

    done = replay("--source", "changsha-12345", "--url", api.url, "--speed", "1000")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "回放 10 个话务事件：新入库 10，已存在 0"
    again = replay("--source", "changsha-12345", "--url", api.url)
    assert again.stdout.strip() == "回放 10 个话务事件：新入库 0，已存在 10"
    calls = {c.call_id: c for c in list_calls(api.store, limit=100)}
    assert calls["call-12"].state == "ended" and calls["call-12"].recording_id == "rec-12"
    unknown = replay("--source", "zhuzhou-12345", "--url", api.url)
    assert unknown.returncode != 0 and "Traceback" not in unknown.stderr
    assert "zhuzhou-12345" in unknown.stderr
    day.write_text('{"kind": "ringing"}\nnot json\n', encoding="utf-8")
    bad = replay("--source", "changsha-12345", "--url", api.url)
    assert bad.returncode == 2 and "第 1 行" in bad.stderr and "第 2 行" in bad.stderr


# ---------------------------------------------------------------- screen-pop over HTTP
def remote(api: Api, seat: str = "operator") -> Any:
    from console.services.remote import RemoteBackend

    return RemoteBackend(api.url, api.tokens[seat]).connect()


def answered(n: int, seat: str, caller: str = "13812341234") -> list[dict[str, Any]]:
    at = dt.datetime.now(SHANGHAI).isoformat()
    return [
        {"event_id": f"pr{n}", "call_id": f"pop-{n}", "kind": "ringing", "at": at,
         "caller": caller, "line": "长沙12345"},
        {"event_id": f"pa{n}", "call_id": f"pop-{n}", "kind": "answered", "at": at, "seat": seat},
    ]  # fmt: skip


def test_r_source_a_waiting_screen_pop_is_woken_by_the_answered_event(
    cti: tuple[Api, Path],
) -> None:
    api, _ = cti
    seat = "8101"
    with remote(api) as backend:
        cursor = backend.call_pops(seat, None).cursor
        got: dict[str, Any] = {}

        def wait() -> None:
            started = time.monotonic()
            got["pops"] = backend.call_pops(seat, cursor, wait=10)
            got["returned"] = time.monotonic()
            got["waited"] = got["returned"] - started

        waiter = threading.Thread(target=wait)
        waiter.start()
        time.sleep(1.1)  # the question is held by the server (just past its 1-s recheck)
        assert "pops" not in got
        for doc in answered(1, seat):
            assert post(api, doc).status_code == 200
        sent = time.monotonic()
        waiter.join(10)
        assert [c.call_id for c in got["pops"].calls] == ["pop-1"]
        assert got["pops"].calls[0].line == "长沙12345"
        # woken by the event, not by the end of the wait nor by the recheck (0.9 s away)
        assert got["returned"] - sent < 0.5, got
        again = backend.call_pops(seat, got["pops"].cursor, wait=0.2)
        assert again.calls == ()


def test_r_source_a_held_screen_pop_ends_with_its_wait(cti: tuple[Api, Path]) -> None:
    api, _ = cti
    with remote(api) as backend:
        cursor = backend.call_pops("8102", None).cursor
        started = time.monotonic()
        assert backend.call_pops("8102", cursor, wait=0.5).calls == ()
        assert 0.5 <= time.monotonic() - started < 5
        r = httpx.get(f"{api.url}/api/v1/cti/pops", params={"seat": "8102", "wait": 99},
                      headers=api.auth("operator"), timeout=10)  # fmt: skip
        assert r.status_code == 422 and "wait" in r.text
        r = httpx.get(f"{api.url}/api/v1/cti/pops", params={"seat": "8102"},
                      headers=api.auth("rst"), timeout=10)  # fmt: skip
        assert r.status_code == 403 and "R-SCOPE" in r.text
        r = httpx.get(f"{api.url}/api/v1/cti/pops", params={"seat": "8102"}, timeout=10)
        assert r.status_code == 401


def test_r_archive_a_remote_ticket_names_its_call_and_its_history_shows(
    cti: tuple[Api, Path],
) -> None:
    from tests.contract.harness import intake

    api, _ = cti
    for doc in answered(3, "8103", caller="13911112222"):
        assert post(api, doc).status_code == 200
    with remote(api) as backend, remote(api, "rst") as clerk:
        [pop] = backend.call_pops("8103", None).calls
        earlier = backend.accept(intake(caller_phone="13911112222", confidential=True), "hn-rst")
        number = backend.accept(
            intake(caller_phone=pop.caller_phone, source_line=pop.line,
                   call_source=pop.source, call_id=pop.call_id), "hn-rst")  # fmt: skip
        assert backend.ticket(number).call == f"changsha-12345/{pop.call_id}"
        history = backend.caller_history("13911112222")
        assert [t.number for t in history.tickets] == [number, earlier]
        assert history.confidential_before is True
        assert clerk.caller_history("13911112222").confidential_before is False
        assert clerk.ticket(number).call == ""
