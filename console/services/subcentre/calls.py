"""A sub-centre's call records (R-SUBCENTRE, Art. 27/30): validated, idempotent, all or nothing.

The sub-centres are the units of the dispatch catalogue marked ``subcentre`` with their own
line (``units.hotline``: 12333, 12348 …); a sub-centre is named by that line's number.

A batch is stored whole or not at all (the issue's "one clear error per bad record, nothing
half-stored"): every record is checked first, and any bad record — a field missing or wrong,
or a record id the sub-centre already sent with different content — refuses the whole batch
with one line per bad record naming its index (from 1), its record id and the field. A record
sent again with the same content (same sub-centre and record id) changes nothing and is
reported as 已存在, so a sub-centre may resend a batch after a lost answer.

Who may send: a seat of role ``subcentre_operator`` bound to that sub-centre (its own seat and
token; ``hotline seat add NAME --role subcentre_operator --unit UNIT``), or the platform's
own administration (``hotline subcentre calls import`` on the server, role admin/system).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.errors import InputError, NotFound, PermissionDenied
from console.services.access import audit
from console.services.inputs import check_text
from console.services.values import Role
from console.services.views import Actor
from console.store.engine import Store
from console.store.models import SeatRow, SubcentreCallRow, TicketRow, UnitRow

OUTCOMES: dict[str, str] = {
    "first_contact": "在线办结",
    "ticket": "转办（生成工单）",
    "none": "未接通或无结果",
}
"""What became of a call: closed at first contact, passed on as a platform ticket, nothing."""

FIELDS: tuple[str, ...] = (
    "record_id",
    "started_at",
    "answered",
    "answered_at",
    "ended_at",
    "seat",
    "caller_phone",
    "outcome",
    "ticket_number",
    "own_ticket_id",
)
"""The fields of a record; ``subcentre`` may also be given and must then be the batch's."""

MAX_BATCH = 5000
MAX_CALL = dt.timedelta(hours=24)
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
SLACK = dt.timedelta(minutes=10)  # the sub-centre's clock may run a little ahead of ours
ADMIN_ROLES = frozenset({Role.ADMIN, Role.SYSTEM})
EXISTS = "已存在"
STORED = "已入库"


@dataclass(frozen=True)
class Subcentre:
    """A sub-centre of the catalogue: its line, its unit, its name."""

    code: str
    unit_id: str
    name: str


@dataclass(frozen=True)
class RecordProblem:
    """What is wrong with one record of a batch."""

    index: int  # from 1, as a person counts the records of a file
    record_id: str
    field: str
    problem: str

    def line(self) -> str:
        rid = f"（record_id {self.record_id}）" if self.record_id else ""
        return f"第 {self.index} 条记录{rid} {self.field}: {self.problem}"


class BatchRejected(InputError):
    """A batch with bad records: nothing of it was stored; one problem per bad record."""

    def __init__(self, problems: Sequence[RecordProblem]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0]
        more = len(self.problems) - 1
        tail = f"（共 {len(self.problems)} 条记录有误，整批未入库）" if more else "（整批未入库）"
        super().__init__(first.field, f"第 {first.index} 条记录 {first.problem}{tail}")
        self.args = (first.line() + tail,)

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class RecordStatus:
    index: int
    record_id: str
    status: str  # STORED or EXISTS


@dataclass(frozen=True)
class IngestResult:
    """What a batch did: how many records are new, how many were already there."""

    subcentre: str
    stored: int
    existing: int
    records: tuple[RecordStatus, ...]


# ---------------------------------------------------------------------- the catalogue
def list_subcentres(store: Store) -> list[Subcentre]:
    """The sub-centres with a line of their own, by line number."""
    with store.read() as s:
        rows = s.execute(
            select(UnitRow.hotline, UnitRow.id, UnitRow.name)
            .where(UnitRow.subcentre.is_(True), UnitRow.active.is_(True), UnitRow.hotline != "")
            .order_by(UnitRow.hotline)
        ).all()
    return [Subcentre(code=r[0], unit_id=r[1], name=r[2]) for r in rows]


def find_subcentre(s: Session, code: str) -> Subcentre:
    """The sub-centre whose line is ``code``; NotFound otherwise."""
    code = check_text("subcentre", code, limit=20).strip()
    row = s.execute(
        select(UnitRow.hotline, UnitRow.id, UnitRow.name).where(
            UnitRow.subcentre.is_(True), UnitRow.active.is_(True), UnitRow.hotline == code
        )
    ).first()
    if row is None or not code:
        raise NotFound("分中心", code or "（空）")
    return Subcentre(code=row[0], unit_id=row[1], name=row[2])


def _may_send(s: Session, actor: Actor, centre: Subcentre) -> None:
    if actor.role in ADMIN_ROLES:
        return
    if actor.role is not Role.SUBCENTRE_OPERATOR:
        raise PermissionDenied(
            f"{actor.role.label}不能报送分中心话务数据（只有该分中心的席位可以）",
            rule="R-SUBCENTRE",
        )
    seat_unit = s.execute(select(SeatRow.unit_id).where(SeatRow.id == actor.seat)).scalar()
    if seat_unit != centre.unit_id:
        raise PermissionDenied(
            f"席位 {actor.seat} 不属于分中心 {centre.code}，不能报送其话务数据", rule="R-SUBCENTRE"
        )


VIEW_ROLES = frozenset({Role.MANAGER, Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})
"""Who sees every sub-centre's figures (the manager evaluates them, Art. 33)."""


def may_view(store: Store, actor: Actor, code: str) -> Subcentre:
    """The sub-centre ``code`` if ``actor`` may see its figures: the manager's side, or the
    sub-centre's own seat; PermissionDenied otherwise (R-SUBCENTRE-KPI)."""
    with store.read() as s:
        centre = find_subcentre(s, code)
        if actor.role in VIEW_ROLES:
            return centre
        seat_unit = s.execute(select(SeatRow.unit_id).where(SeatRow.id == actor.seat)).scalar()
    if actor.role is Role.SUBCENTRE_OPERATOR and seat_unit == centre.unit_id:
        return centre
    raise PermissionDenied(
        f"{actor.role.label}不能查看分中心 {centre.code} 的考评数据", rule="R-SUBCENTRE-KPI"
    )


# ---------------------------------------------------------------------- one record
def _moment(field: str, value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise InputError(field, "应为 ISO 8601 时间，如 2026-11-25T09:00:00+08:00") from None
    else:
        raise InputError(field, "应为 ISO 8601 时间文本")
    if moment.tzinfo is None:
        raise InputError(field, "须带时区（如 +08:00）")
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        raise InputError(field, "超出可表示的时间范围") from None


def _flag(field: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        key = value.strip().lower()
        if key in ("true", "1", "yes", "是"):
            return True
        if key in ("false", "0", "no", "否"):
            return False
    raise InputError(field, "应为 true 或 false")


def _text(field: str, value: object, limit: int) -> str:
    if value is None:
        return ""
    text = check_text(field, value, limit=limit).strip()
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in text):
        raise InputError(field, "含有控制字符")
    return text


def normalize_record(raw: object, *, code: str, now: dt.datetime) -> dict[str, Any]:
    """One record checked and in stored form; InputError naming the first bad field."""
    if not isinstance(raw, Mapping):
        raise InputError("record", "每条记录应为一个对象（JSON object）")
    unknown = sorted(str(k) for k in raw if k not in FIELDS and k != "subcentre")
    if unknown:
        raise InputError(unknown[0], f"不认识的字段（可用：{'、'.join(FIELDS)}）")
    if "subcentre" in raw and raw["subcentre"] not in (None, ""):
        given = _text("subcentre", raw["subcentre"], 20)
        if given != code:
            raise InputError("subcentre", f"记录属于分中心 {given}，本批报送的是 {code}")
    for name in ("record_id", "started_at", "answered", "ended_at", "outcome"):
        if raw.get(name) in (None, ""):
            raise InputError(name, "必填")
    record_id = _text("record_id", raw["record_id"], 64)
    if not record_id:
        raise InputError("record_id", "必填")
    started = _moment("started_at", raw["started_at"])
    if started < EARLIEST or started > now + SLACK:
        raise InputError("started_at", "不在合理范围内（2000 年以后，且不晚于现在）")
    answered = _flag("answered", raw["answered"])
    answered_raw = raw.get("answered_at")
    answered_at = None if answered_raw in (None, "") else _moment("answered_at", answered_raw)
    ended = _moment("ended_at", raw["ended_at"])
    if ended < started:
        raise InputError("ended_at", "结束时间早于开始时间")
    if answered and answered_at is None:
        raise InputError("answered_at", "已接通的来电须填写接通时间")
    if not answered and answered_at is not None:
        raise InputError("answered_at", "未接通的来电不应有接通时间")
    if answered_at is not None and not started <= answered_at <= ended:
        raise InputError("answered_at", "接通时间应在来电开始与结束之间")
    if ended - started > MAX_CALL:
        raise InputError("ended_at", "一次来电不超过 24 小时")
    if ended > now + SLACK:
        raise InputError("ended_at", "晚于现在")
    seat = _text("seat", raw.get("seat"), 40)
    if answered and not seat:
        raise InputError("seat", "已接通的来电须填写分中心坐席工号")
    phone = _text("caller_phone", raw.get("caller_phone"), 30).replace("-", "").replace(" ", "")
    if phone and not (phone.isdigit() and 5 <= len(phone) <= 15):
        raise InputError("caller_phone", "电话号码应为 5–15 位数字")
    outcome = _text("outcome", raw["outcome"], 16)
    if outcome not in OUTCOMES:
        choices = "、".join(f"{k}（{v}）" for k, v in OUTCOMES.items())
        raise InputError("outcome", f"应为 {choices} 之一")
    if not answered and outcome != "none":
        raise InputError("outcome", "未接通的来电办理结果只能是 none")
    ticket_number = _text("ticket_number", raw.get("ticket_number"), 20) or None
    if ticket_number and outcome != "ticket":
        raise InputError("ticket_number", "只有转办（outcome=ticket）的来电才有平台工单编号")
    own = _text("own_ticket_id", raw.get("own_ticket_id"), 64)
    return {
        "record_id": record_id,
        "started_at": started,
        "answered": answered,
        "answered_at": answered_at,
        "ended_at": ended,
        "seat": seat,
        "caller_phone": phone,
        "outcome": outcome,
        "ticket_number": ticket_number,
        "own_ticket_id": own,
    }


def _same(row: SubcentreCallRow, rec: Mapping[str, Any]) -> bool:
    return all(getattr(row, k) == v for k, v in rec.items())


def _differs(row: SubcentreCallRow, rec: Mapping[str, Any]) -> str:
    return next((k for k, v in rec.items() if getattr(row, k) != v), "record_id")


# ---------------------------------------------------------------------- the batch
def ingest_calls(
    store: Store, actor: Actor, code: str, records: object, now: dt.datetime
) -> IngestResult:
    """Store a batch of a sub-centre's call records, all or nothing.

    Args:
        code: the sub-centre's line (12333 …).
        records: a list of records (mappings of :data:`FIELDS`).

    Raises:
        NotFound: no sub-centre has that line.
        PermissionDenied: the seat is not that sub-centre's (R-SUBCENTRE).
        BatchRejected: one or more bad records (nothing stored), one problem each.
        InputError: the batch itself is not a list, is empty or too long.
    """
    if not isinstance(records, list):
        raise InputError("records", "应为记录的数组（JSON array）")
    if not records:
        raise InputError("records", "没有记录")
    if len(records) > MAX_BATCH:
        raise InputError("records", f"一批最多 {MAX_BATCH} 条记录，收到 {len(records)} 条")
    try:
        return _ingest(store, actor, code, records, now)
    except IntegrityError:
        # another request stored some of the same records first: judge them again (now
        # they are there, the same ones are 已存在 and a different one is named)
        return _ingest(store, actor, code, records, now)


def _ingest(
    store: Store, actor: Actor, code: str, records: list[Any], now: dt.datetime
) -> IngestResult:
    with store.write() as s:
        centre = find_subcentre(s, code)
        _may_send(s, actor, centre)
        problems: list[RecordProblem] = []
        good: list[tuple[int, dict[str, Any]]] = []
        for index, raw in enumerate(records, start=1):
            rid = raw.get("record_id") if isinstance(raw, Mapping) else None
            shown = rid.strip()[:64] if isinstance(rid, str) else ""
            try:
                good.append((index, normalize_record(raw, code=centre.code, now=now)))
            except InputError as exc:
                problems.append(RecordProblem(index, shown, exc.field, exc.problem))
        ids = [rec["record_id"] for _, rec in good]
        existing: dict[str, SubcentreCallRow] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for row in s.execute(
                select(SubcentreCallRow).where(
                    SubcentreCallRow.unit_id == centre.unit_id,
                    SubcentreCallRow.record_id.in_(chunk),
                )
            ).scalars():
                existing[row.record_id] = row
        numbers = sorted({n for _, r in good if (n := r["ticket_number"])})
        known: set[str] = set()
        for start in range(0, len(numbers), 500):
            known.update(
                n
                for n in s.execute(
                    select(TicketRow.number).where(
                        TicketRow.number.in_(numbers[start : start + 500])
                    )
                ).scalars()
                if n is not None
            )
        statuses: list[RecordStatus] = []
        new_rows: dict[str, tuple[int, SubcentreCallRow]] = {}
        for index, rec in good:
            rid = rec["record_id"]
            if rec["ticket_number"] and rec["ticket_number"] not in known:
                problems.append(
                    RecordProblem(
                        index, rid, "ticket_number", f"平台没有工单 {rec['ticket_number']}"
                    )
                )
                continue
            earlier = existing.get(rid)
            if earlier is None and rid in new_rows:
                earlier = new_rows[rid][1]
            if earlier is not None:
                if _same(earlier, rec):
                    statuses.append(RecordStatus(index, rid, EXISTS))
                else:
                    field = _differs(earlier, rec)
                    problems.append(
                        RecordProblem(
                            index, rid, field, f"该记录编号已报送过，内容不同（{field}），不能改写"
                        )
                    )
                continue
            row = SubcentreCallRow(
                unit_id=centre.unit_id, received_at=now, received_by=actor.seat, **rec
            )
            new_rows[rid] = (index, row)
            statuses.append(RecordStatus(index, rid, STORED))
        if problems:
            problems.sort(key=lambda p: p.index)
            raise BatchRejected(problems)
        s.add_all(row for _, row in new_rows.values())
        stored = len(new_rows)
        if stored:
            audit.record(
                s,
                "subcentre_calls",
                centre.code,
                {"stored": stored, "existing": len(statuses) - stored},
                actor=actor,
            )
        s.flush()
    return IngestResult(
        subcentre=centre.code,
        stored=stored,
        existing=len(statuses) - stored,
        records=tuple(sorted(statuses, key=lambda r: r.index)),
    )


# ---------------------------------------------------------------------- files
def read_records(name: str, data: str) -> list[Any]:
    """The records of a file: JSON Lines (``.jsonl``/``.json``: one object a line, or one JSON
    array) or CSV with a header row of :data:`FIELDS`. InputError naming the line otherwise."""
    if name.lower().endswith(".csv"):
        reader = csv.DictReader(io.StringIO(data))
        if reader.fieldnames is None:
            raise InputError("file", "CSV 文件为空（第一行应为字段名）")
        rows: list[Any] = []
        for row in reader:
            if None in row:
                raise InputError("file", f"CSV 第 {reader.line_num} 行的列数多于表头")
            rows.append({k: (v if v != "" else None) for k, v in row.items()})
        return rows
    text = data.strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError("file", f"不是合法的 JSON：{exc.msg}（第 {exc.lineno} 行）") from None
        if not isinstance(parsed, list):
            raise InputError("file", "应为记录的数组")
        return parsed
    out: list[Any] = []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError("file", f"第 {number} 行不是合法的 JSON：{exc.msg}") from None
    return out


def batch_subcentre(records: Sequence[Any], default: str | None) -> str:
    """The sub-centre a file's batch is for: ``default`` (``--subcentre``) or the first
    record's ``subcentre`` field (every record is then checked against it)."""
    if default and default.strip():
        return default.strip()
    first = records[0] if records else None
    code = first.get("subcentre") if isinstance(first, Mapping) else None
    if isinstance(code, str) and code.strip():
        return code.strip()
    raise InputError("subcentre", "第 1 条记录没有分中心号码（字段 subcentre），请加 --subcentre")
