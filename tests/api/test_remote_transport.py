"""RemoteBackend's transport: the same exceptions back, a clear Chinese message per failure
kind (refused, timed out, server error), retries of reads only — against real sockets and
servers on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from console.api.errors import Unauthenticated, error_body
from console.bootstrap import make_backend
from console.config import Settings
from console.errors import (
    Conflict,
    HotlineError,
    InputError,
    NotFound,
    PermissionDenied,
    RuleError,
    Unavailable,
)
from console.services.local import LocalBackend
from console.services.remote import RETRY_DELAYS, RemoteBackend, decode, encode, error_from
from console.services.values import Kind, Role, Satisfaction
from console.services.views import Actor, Intake, TicketView
from tests.api.conftest import Api
from tests.contract.harness import NOW, free_port, intake

TRIES = len(RETRY_DELAYS) + 1


@pytest.mark.parametrize(
    "exc",
    [
        RuleError("R-EXTEND", "延期不得超过10个工作日", allowed="签收、退回"),
        RuleError("R-COMPLEX", "疑难复杂事项不得退回"),
        InputError("caller_phone", "电话号码应为 5–15 位数字"),
        PermissionDenied("工单 HN1 不属于本单位"),
        PermissionDenied("「签收」只能由承办单位经办人操作", rule="R-SIGN"),
        Unauthenticated("令牌无效"),
        NotFound("工单", "HN261125000001"),
        Conflict("工单 HN1", "人社厅丙", "2026-11-25 09:00:00"),
        Unavailable("数据库暂时无法连接，请稍后重试"),
    ],
)
def test_every_error_comes_back_as_the_same_exception(exc: HotlineError) -> None:
    status, payload = error_body(exc)
    back = error_from(status, payload)
    expected = PermissionDenied if isinstance(exc, PermissionDenied) else type(exc)
    assert type(back) is expected and str(back) == str(exc)
    for attr in ("rule", "field", "problem", "allowed", "what", "key", "changed_by", "changed_at"):
        assert getattr(back, attr, None) == getattr(exc, attr, None), attr


def test_values_round_trip_through_json() -> None:
    sent = Intake(
        Kind.REPORT, intake().domain, "举报", caller_phone="13800000000", confidential=True
    )
    assert decode(Intake, encode(sent)) == sent
    assert encode({"result": Satisfaction.BASIC, "day": dt.date(2026, 11, 25)}) == {
        "result": "basic",
        "day": "2026-11-25",
    }
    moment = decode(dt.datetime, "2026-11-25T01:00:00Z")
    assert moment.tzinfo is dt.UTC and moment == dt.datetime(
        2026, 11, 25, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))
    )
    assert (
        decode(Actor, {"seat": "s", "name": "甲", "role": "unit_clerk", "unit_id": "hn-rst"}).role
        is Role.UNIT_CLERK
    )


# ---------------------------------------------------------------- failures, one kind at a time
def test_connection_refused_is_unavailable_after_bounded_retries() -> None:
    backend = RemoteBackend(f"http://127.0.0.1:{free_port()}", "token")
    started = time.monotonic()
    with pytest.raises(Unavailable, match="无法连接平台服务") as err:
        backend.units()
    assert time.monotonic() - started < 5
    assert "127.0.0.1" in str(err.value)
    with pytest.raises(Unavailable, match="无法连接"):
        backend.sign("HN1")  # nothing was sent: a command may be tried again, and fails the same
    backend.close()


@pytest.fixture
def silent_server() -> Iterator[tuple[str, list[int]]]:
    """Accepts connections and never answers; counts the connections."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.2)
    accepted: list[int] = []
    held: list[socket.socket] = []
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            accepted.append(1)
            held.append(conn)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", accepted
    stop.set()
    thread.join(timeout=5)
    for conn in held:
        conn.close()
    sock.close()


def test_a_timeout_is_unavailable_and_only_reads_are_asked_again(
    silent_server: tuple[str, list[int]],
) -> None:
    url, accepted = silent_server
    backend = RemoteBackend(url, "token", timeout=0.3)
    with pytest.raises(Unavailable, match="秒未响应"):
        backend.ticket("HN1")
    assert len(accepted) == TRIES
    accepted.clear()
    with pytest.raises(Unavailable, match="请先刷新工单确认是否已生效"):
        backend.sign("HN1")
    time.sleep(0.3)
    assert len(accepted) == 1  # a command that may have been applied is never sent twice
    backend.close()


class _Failing(BaseHTTPRequestHandler):
    hits: list[str] = []
    status = 502
    body = b"<html>Bad Gateway</html>"
    content_type = "text/html"

    def _answer(self) -> None:
        type(self).hits.append(self.command)
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        self.send_response(self.status)
        self.send_header("content-type", self.content_type)
        self.send_header("content-length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def failing_server() -> Iterator[tuple[str, type[_Failing]]]:
    handler = type("Handler", (_Failing,), {"hits": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_a_server_error_is_unavailable_with_its_status(
    failing_server: tuple[str, type[_Failing]],
) -> None:
    url, handler = failing_server
    backend = RemoteBackend(url, "token")
    with pytest.raises(Unavailable, match=r"HTTP 502"):
        backend.units()
    assert handler.hits == ["GET"] * TRIES  # a gateway error on a read: asked again, bounded
    handler.hits.clear()
    with pytest.raises(Unavailable, match=r"HTTP 502"):
        backend.sign("HN1")
    assert handler.hits == ["POST"]
    handler.hits.clear()
    handler.status, handler.content_type = 500, "application/json"
    handler.body = b'{"error": "internal", "rule": null, "field": null, "message": "x"}'
    with pytest.raises(Unavailable, match=r"HTTP 500"):
        backend.units()
    assert handler.hits == ["GET"]  # a 500 is not a passing fault
    backend.close()


def test_a_shared_client_is_used_and_left_open(api: Api) -> None:
    with httpx.Client() as shared:
        one = RemoteBackend(api.url, api.tokens["operator"], client=shared)
        two = RemoteBackend(api.url, api.tokens["manager"], client=shared)
        assert one.actor.role is Role.OPERATOR and two.actor.role is Role.MANAGER
        number = one.accept(intake(), unit_id="hn-rst")
        assert type(two.ticket(number)) is TicketView
        one.close()
        assert not shared.is_closed


def test_make_backend_picks_the_transport(api: Api, tmp_path: Path) -> None:
    remote = make_backend(
        Settings(db_url="sqlite://", api_url=api.url, api_token=api.tokens["rst"])
    )
    assert isinstance(remote, RemoteBackend) and remote.actor.unit_id == "hn-rst"
    assert remote.drill  # the server's clock is pinned
    remote.close()  # type: ignore[attr-defined]
    with pytest.raises(PermissionDenied):
        make_backend(Settings(db_url="sqlite://", api_url=api.url, api_token="wrong"))
    with pytest.raises(PermissionDenied):
        make_backend(Settings(db_url="sqlite://", api_url=api.url))  # no token at all
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'h.db'}", now="2026-11-25 09:00")
    local = make_backend(settings, Actor("s1", "甲", Role.OPERATOR))
    assert isinstance(local, LocalBackend) and local.actor.name == "甲"
    local.store.dispose()
    with pytest.raises(InputError):
        make_backend(settings, None)


def test_the_clock_costs_no_call_after_connect(api: Api) -> None:
    sent: list[str] = []
    with httpx.Client(event_hooks={"request": [lambda r: sent.append(r.url.path)]}) as shared:
        backend = RemoteBackend(api.url, api.tokens["operator"], client=shared).connect()
        assert sent == ["/api/v1/me", "/api/v1/clock"]
        for _ in range(100):
            assert backend.now() == NOW and backend.drill
        backend.units()
        assert backend.now() == NOW  # kept from the answer's X-Hotline-Now header
        assert sent == ["/api/v1/me", "/api/v1/clock", "/api/v1/units"]
    response = httpx.get(f"{api.url}/api/v1/me", headers=api.auth("operator"))
    assert dt.datetime.fromisoformat(response.headers["x-hotline-now"]) == NOW


def test_remote_backend_has_every_method_of_the_protocol_with_its_signature() -> None:
    import inspect

    from console.services.backend import Backend

    for name, member in vars(Backend).items():
        if name.startswith("_"):
            continue
        mine = getattr(RemoteBackend, name, None)
        assert mine is not None, name
        if isinstance(member, property):
            assert isinstance(mine, property), name
            continue
        theirs = inspect.signature(member).parameters
        ours = inspect.signature(mine).parameters
        assert [(p.name, p.default) for p in ours.values()] == [
            (p.name, p.default) for p in theirs.values()
        ], name


def test_the_intake_schema_mirrors_the_intake_view() -> None:
    import dataclasses

    from console.api.schemas import IntakeIn

    fields = {f.name: f.default for f in dataclasses.fields(Intake)}
    assert list(IntakeIn.model_fields) == list(fields)
    for name, default in fields.items():
        if default is not dataclasses.MISSING:
            assert IntakeIn.model_fields[name].default == default, name
