"""`hotline cti replay|calls`: call events from the telephony (CTI, R-SOURCE) from a shell.

``replay FILE --source S`` replays a day of call events (JSON Lines, one event per line, in
the order they happened) for drills and load tests: into this installation's database, or with
``--url`` to a running `hotline serve`, each request signed with the source's secret
(HOTLINE_CTI_KEYS) as a telephony source signs it. ``--speed N`` keeps the gaps between the
events' times, N times faster (0: as fast as possible). A file with a bad line is refused
whole, one line per bad line naming its number and field. ``calls`` lists the calls kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from dataclasses import asdict
from pathlib import Path

from console.cli import path_arg, terminal_safe
from console.cli.context import opened_platform
from console.config import load_settings
from console.errors import HotlineError, InputError, Unavailable
from console.services.clock import SHANGHAI
from console.services.telephony.calls import (
    KIND_LABELS,
    CallEvent,
    ingest_event,
    list_calls,
    parse_event,
)
from console.services.telephony.signing import load_secrets, signed_headers

MAX_GAP = 60.0
"""Longest wait between two replayed events, in seconds (a quiet night is not waited out)."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("cti", help="话务事件（CTI）：回放一天的话务事件、查看通话记录")
    verbs = p.add_subparsers(dest="cti_verb", metavar="ACTION", required=True)

    r = verbs.add_parser(
        "replay", help="回放话务事件文件（每行一个 JSON 事件），用于演练和压力测试"
    )
    r.add_argument("file", type=path_arg, metavar="FILE", help="JSON Lines 文件")
    r.add_argument(
        "--source", required=True, help="话务来源名（与密钥文件中一致），如 changsha-12345"
    )
    r.add_argument(
        "--speed", type=float, default=0.0, help="按事件时间间隔回放，加速 N 倍（默认 0：不等待）"
    )
    r.add_argument(
        "--url",
        default="",
        help="发往运行中的服务，如 http://127.0.0.1:8345（不写则直接写入本机数据库）",
    )
    r.set_defaults(handler=_replay)

    c = verbs.add_parser("calls", help="列出通话记录（最新在前）")
    c.add_argument("--phone", default="", help="只看该来电号码")
    c.add_argument("--limit", type=int, default=50, help="最多列出几条（默认 50）")
    c.add_argument("--json", action="store_true", help="输出 JSON")
    c.set_defaults(handler=_calls)  # fmt: skip


def read_events(path: Path) -> list[CallEvent]:
    """Every event of the file, or one InputError listing each bad line (nothing sent)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(
            "FILE", f"无法读取 {path}：{getattr(err, 'strerror', None) or err}"
        ) from None
    events: list[CallEvent] = []
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            events.append(parse_event(json.loads(line)))
        except ValueError:
            problems.append(f"第 {number} 行：不是有效的 JSON")
        except InputError as err:
            problems.append(f"第 {number} 行 {err.field}: {err.problem}")
    if problems:
        more = f"（共 {len(problems)} 行有误，未回放）" if len(problems) > 1 else "（未回放）"
        raise InputError("FILE", "；".join(problems[:5]) + more)
    if not events:
        raise InputError("FILE", f"{path} 中没有话务事件")
    return events


def _wait(previous: dt.datetime | None, current: dt.datetime, speed: float) -> None:
    if previous is None or speed <= 0:
        return
    gap = (current - previous).total_seconds() / speed
    if gap > 0:
        time.sleep(min(gap, MAX_GAP))


def _replay(args: argparse.Namespace) -> int:
    if args.speed < 0 or args.speed != args.speed:
        raise InputError("speed", "应为 0 或正数")
    events = read_events(args.file)
    counts = {"stored": 0, "exists": 0}
    previous: dt.datetime | None = None
    if args.url:
        counts = _replay_http(args, events)
    else:
        with opened_platform() as p:
            for event in events:
                _wait(previous, event.at, args.speed)
                previous = event.at
                counts[ingest_event(p.store, args.source, event, p.clock.now()).status] += 1
    print(f"回放 {len(events)} 个话务事件：新入库 {counts['stored']}，已存在 {counts['exists']}")
    return 0


def _replay_http(args: argparse.Namespace, events: list[CallEvent]) -> dict[str, int]:
    import httpx

    secret = load_secrets(load_settings().cti_keys_file).get(args.source)
    if secret is None:
        raise InputError("source", f"密钥文件（HOTLINE_CTI_KEYS）中没有话务来源「{args.source}」")
    counts = {"stored": 0, "exists": 0}
    previous: dt.datetime | None = None
    url = args.url.rstrip("/") + "/api/v1/cti/events"
    with httpx.Client(timeout=10) as client:
        for event in events:
            _wait(previous, event.at, args.speed)
            previous = event.at
            body = json.dumps(event.payload(), ensure_ascii=False).encode("utf-8")
            headers = signed_headers(args.source, secret, body, time.time())
            try:
                r = client.post(url, content=body, headers=headers)
            except httpx.HTTPError as err:
                raise Unavailable(f"无法连接 {args.url}：{type(err).__name__}") from None
            if r.status_code >= 300:
                try:
                    message = r.json().get("message", r.text)
                except ValueError:
                    message = r.text
                raise HotlineError(
                    f"事件 {event.event_id} 被拒收（HTTP {r.status_code}）：{message}"
                )
            counts[r.json()["status"]] += 1
    return counts


def _when(moment: dt.datetime | None) -> str:
    return f"{moment.astimezone(SHANGHAI):%m-%d %H:%M:%S}" if moment else "—"


def _calls(args: argparse.Namespace) -> int:
    if not 1 <= args.limit <= 10_000:
        raise InputError("limit", "应为 1–10000")
    with opened_platform() as p:
        found = list_calls(p.store, args.phone.strip(), args.limit)
    if args.json:
        print(json.dumps([asdict(c) for c in found], ensure_ascii=False, default=str))
        return 0
    if not found:
        print("没有通话记录")
        return 0
    for c in found:
        line = (
            f"{c.source}/{c.call_id}  {KIND_LABELS.get(c.state, c.state)}  "
            f"{c.caller_phone or '—'}  转自 {c.line or '—'}  坐席 {c.seat or '—'}  "
            f"振铃 {_when(c.rang_at)}  接听 {_when(c.answered_at)}  "
            f"挂断 {_when(c.ended_at)}  录音 {c.recording_id or '—'}"
        )
        print(terminal_safe(line))
    return 0
