"""Live updates pushed as Server-Sent Events (``GET /api/v1/live/stream``, R-SPECIAL, R-KB):
the wire format, resuming from ``Last-Event-ID`` with nothing lost, a bad resume point named,
and an article verified on one console read again on another's screen at once."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from console.api.signal import RECHECK_S
from console.app import HotlineApp
from console.config import Settings
from console.services.access import seats
from console.services.remote import RemoteBackend, sse_events
from console.services.values import Role
from tests.contract.harness import Server, intake, prepare_store
from tests.screens.conftest import screen_text, wait_for

NEW_ANSWER = "登录湘易办App在线提交欠薪线索，劳动保障监察机构五个工作日内核查。"


def token(store: Any, name: str, role: Role, unit: str | None = None) -> str:
    return seats.add_seat(store, name, role, unit, now=dt.datetime.now(dt.UTC))[1]


@pytest.fixture
def served(tmp_path: Path) -> Any:
    url = f"sqlite:///{tmp_path / 'hotline.db'}"
    store = prepare_store(url)
    server = Server(url, tmp_path).start()
    try:
        yield store, server
    finally:
        server.stop()
        store.dispose()


class Reader:
    """A raw event-stream reader in a thread: every (id, event, data) as it arrives."""

    def __init__(self, url: str, seat_token: str, last_id: str | None = None) -> None:
        self.frames: list[tuple[str, str, dict[str, Any]]] = []
        self.headers = {"Authorization": f"Bearer {seat_token}", "Accept": "text/event-stream"}
        if last_id is not None:
            self.headers["Last-Event-ID"] = last_id
        self.url, self.status, self.content_type = f"{url}/api/v1/live/stream", 0, ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)

    def __enter__(self) -> Reader:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()

    def _read(self) -> None:
        try:
            self._follow()
        except httpx.TransportError:  # the server stopped under a reader left open
            pass

    def _follow(self) -> None:
        with httpx.stream("GET", self.url, headers=self.headers, timeout=30) as response:
            self.status = response.status_code
            self.content_type = response.headers.get("content-type", "")
            fields: dict[str, str] = {}
            for line in response.iter_lines():
                if self._stop.is_set():
                    return
                if not line:
                    self.frames.append((fields.get("id", ""), fields.get("event", ""),
                                        json.loads(fields.get("data", "null"))))  # fmt: skip
                    fields = {}
                elif not line.startswith(":"):
                    name, _, value = line.partition(": ")
                    fields[name] = value

    def wait(self, found: Any, timeout: float = 5.0) -> tuple[str, str, dict[str, Any]]:
        ends = time.monotonic() + timeout
        while time.monotonic() < ends:
            for frame in list(self.frames):
                if found(frame):
                    return frame
            time.sleep(0.02)
        raise AssertionError(f"no such frame in {self.frames}")


def numbers(frame: tuple[str, str, dict[str, Any]]) -> set[str]:
    return {c["number"] for c in frame[2]["changes"]}


def test_r_special_the_stream_pushes_each_change_and_resumes_from_its_id(served: Any) -> None:
    store, server = served
    operator = RemoteBackend(server.url, token(store, "话务员甲", Role.OPERATOR)).connect()
    lead = token(store, "班长丁", Role.SHIFT_LEAD)
    with Reader(server.url, lead) as reader:
        _, event, first = reader.wait(lambda f: True)
        assert reader.status == 200 and reader.content_type.startswith("text/event-stream")
        assert event == "cursor" and first["changes"] == [] and first["articles"] == []
        number = operator.accept(intake(), unit_id="hn-rst")
        sent = time.monotonic()  # timed from the commit: the write's own time is not push
        pushed = reader.wait(lambda f: f[1] == "changes" and number in numbers(f))
        # pushed at once, not at the held question's recheck (a bound with room for a busy
        # machine: a recheck comes RECHECK_S after the question)
        assert time.monotonic() - sent < RECHECK_S / 2
        assert pushed[0] == f"{pushed[2]['cursor']}.{pushed[2]['kb_cursor']}"
        assert "拖欠" not in json.dumps(pushed[2], ensure_ascii=False)  # never a caller's words
    # the console was away while two more tickets came: it resumes from the id it had
    missed = {operator.accept(intake(), unit_id="hn-zjt") for _ in range(2)}
    with Reader(server.url, lead, last_id=pushed[0]) as again:
        frame = again.wait(lambda f: f[1] == "changes")
        assert numbers(frame) == missed  # the two, and nothing seen before
    operator.close()


def test_r_security_a_unit_clerk_s_stream_carries_its_units_tickets_only(served: Any) -> None:
    store, server = served
    operator = RemoteBackend(server.url, token(store, "话务员甲", Role.OPERATOR)).connect()
    clerk = RemoteBackend(server.url, token(store, "人社厅丙", Role.UNIT_CLERK, "hn-rst")).connect()
    feed = clerk.live_feed(None)
    start = next(feed)
    other = operator.accept(intake(), unit_id="hn-zjt")
    mine = operator.accept(intake(), unit_id="hn-rst")
    got = next(f for f in feed if f.changes)
    assert {c.number for c in got.changes} == {mine} and other != mine
    assert got.cursor > start.cursor
    operator.close()
    clerk.close()


def test_r_security_a_bad_resume_point_is_refused_naming_it(served: Any) -> None:
    store, server = served
    headers = {"Authorization": f"Bearer {token(store, '督办己', Role.SUPERVISOR)}",
               "Last-Event-ID": "yesterday"}  # fmt: skip
    answer = httpx.get(f"{server.url}/api/v1/live/stream", headers=headers, timeout=10)
    assert answer.status_code == 422 and "Last-Event-ID" in answer.text
    anonymous = httpx.get(f"{server.url}/api/v1/live/stream", timeout=10)
    assert anonymous.status_code == 401
    too_far = {"Authorization": headers["Authorization"], "Last-Event-ID": f"{2**63}.0"}
    answer = httpx.get(f"{server.url}/api/v1/live/stream", headers=too_far, timeout=10)
    assert answer.status_code == 422 and "Last-Event-ID" in answer.text
    answer = httpx.get(f"{server.url}/api/v1/live/stream", params={"after": 2**63},
                       headers={"Authorization": headers["Authorization"]}, timeout=10)  # fmt: skip
    assert answer.status_code == 422 and answer.json()["field"] == "after"


def test_a_stream_ends_when_asked_and_says_where_it_stopped(served: Any) -> None:
    """A proxy with a short idle limit asks for a short stream: it ends then, its last frame
    carrying the cursors to resume from."""
    store, server = served
    headers = {"Authorization": f"Bearer {token(store, '班长丁', Role.SHIFT_LEAD)}"}
    started = time.monotonic()
    answer = httpx.get(f"{server.url}/api/v1/live/stream", params={"seconds": 0.5, "after": 0},
                       headers=headers, timeout=10)  # fmt: skip
    assert answer.status_code == 200 and time.monotonic() - started < 5
    ids = [line[4:] for line in answer.text.splitlines() if line.startswith("id: ")]
    assert ids and all(i.count(".") == 1 for i in ids)
    assert httpx.get(f"{server.url}/api/v1/live/stream", params={"seconds": 301},
                     headers=headers, timeout=10).status_code == 422  # fmt: skip


def test_sse_events_reads_the_event_stream_format() -> None:
    lines = [": 保持连接", "id: 7.3", "event: changes", "data: {\"a\":", "data: 1}", "",
             "data: x", "", "", "event: cursor", "data:y", ""]  # fmt: skip
    assert list(sse_events(lines)) == [("changes", '{"a":\n1}'), ("message", "x"), ("cursor", "y")]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_r_kb_an_article_verified_on_one_console_is_read_again_on_another(
    served: Any, tmp_path: Path
) -> None:
    """An expert seat reads kb-rst-001 over HTTP; the owner unit edits it and another clerk of
    the unit verifies it from their consoles; the expert's screen shows the new text within a
    second, pushed (nothing on the knowledge screen reloads by itself)."""
    store, server = served
    editor = RemoteBackend(
        server.url, token(store, "人社厅丙", Role.UNIT_CLERK, "hn-rst")
    ).connect()
    checker = RemoteBackend(
        server.url, token(store, "人社厅辛", Role.UNIT_CLERK, "hn-rst")
    ).connect()
    expert = RemoteBackend(server.url, token(store, "专家庚", Role.EXPERT)).connect()
    settings = Settings(db_url="", api_url=server.url, data_dir=tmp_path / "expert")
    app = HotlineApp(expert, settings, cursor_blink=False, retry_interval=0.2)
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_for(pilot, lambda: app.live_watch is not None
                       and app.live_watch.cursor is not None, what="the feed")  # fmt: skip
        app.show_mode("knowledge")
        await pilot.pause()
        await pilot.press("ctrl+f")
        for key in "工资":
            await pilot.press(key)
        await wait_for(
            pilot, lambda: "劳动保障监察机构投诉" in screen_text(app), what="the article"
        )
        view = editor.article_for_edit("kb-rst-001")
        editor.edit_article(view.article_id, view.version, view.question, NEW_ANSWER, view.basis,
                            view.tags, dt.date(2027, 11, 1))  # fmt: skip
        await pilot.pause(0.5)
        assert NEW_ANSWER[:12] not in screen_text(app)  # a draft is never shown to a seat
        checker.verify_article("kb-rst-001", version=view.version + 1)
        sent = time.monotonic()  # timed from the commit
        await wait_for(pilot, lambda: NEW_ANSWER[:12] in screen_text(app), timeout=5,
                       what="the published text")  # fmt: skip
        assert time.monotonic() - sent < RECHECK_S / 2  # pushed, not found at a recheck
    for backend in (editor, checker, expert):
        backend.close()
