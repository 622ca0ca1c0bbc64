"""Proving the audit trail whole (``hotline audit verify``; R-SECURITY, R-ARCHIVE).

:func:`verify` reads the whole trail and reports every finding, one line each, naming the
record, event, ticket or seat and what is wrong with it:

- the chain: ids dense from #1, each record pointing at the hash of the one before, each
  record's own hash right — keyed (HMAC-SHA256) from the moment the key was introduced, plain
  sha256 for the records written before it (the era change is told, never hidden); an unkeyed
  record after a keyed one is a forgery or a downgrade;
- the rows the records speak for: every timeline event has its record and matches the digest
  in it (an event edited or deleted behind the platform's back), every record of an event
  still has its event, each ticket's stored state is the state its last event left it in, and
  each seat matches its last record (a role, unit or token changed directly);
- the last checkpoint of this database (``auditkey``): the head it saw is still there with
  the same hash and the audited tables have not shrunk — deleting the whole table or its
  newest records shows here.

When nothing is found a new checkpoint is appended. :func:`checkpoint` (``hotline worker``)
appends one after checking only what was added since the last, and refuses when that does not
extend the last one.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.services.access import audit, auditkey
from console.services.clock import local
from console.services.values import State
from console.store.models import AuditRow, EventRow, SeatRow, TicketRow

MAX_FINDINGS = 200
"""Findings listed one by one; beyond that they are counted."""

COUNTED = {"audit": AuditRow, "events": EventRow, "tickets": TicketRow}
TABLE_LABELS = {"audit": "审计记录", "events": "工单事件", "tickets": "工单"}


@dataclass(frozen=True)
class Finding:
    """One thing wrong with the trail, and the audit record where it shows (if one)."""

    text: str
    record_id: int | None = None


@dataclass(frozen=True)
class Verification:
    """What ``hotline audit verify`` found."""

    count: int
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()
    omitted: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def problem(self) -> str:
        """The first finding ("" when the trail is whole)."""
        return self.findings[0].text if self.findings else ""

    @property
    def record_id(self) -> int | None:
        return self.findings[0].record_id if self.findings else None

    @property
    def message(self) -> str:
        if self.ok:
            return f"{self.count} 条记录，链完整"
        total = len(self.findings) + self.omitted
        return f"审计记录不完整：发现 {total} 处问题（共 {self.count} 条记录）"

    def lines(self) -> list[str]:
        """What the command prints: notes, one line per finding, the verdict last."""
        out = [*self.notes, *(f.text for f in self.findings)]
        if self.omitted:
            out.append(f"……另有 {self.omitted} 处问题未列出")
        out.append(self.message)
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "count": self.count,
            "problem": self.problem,
            "record_id": self.record_id,
            "findings": [{"text": f.text, "record_id": f.record_id} for f in self.findings],
            "omitted": self.omitted,
            "notes": list(self.notes),
        }


class _Found:
    def __init__(self) -> None:
        self.items: list[Finding] = []
        self.omitted = 0

    def add(self, text: str, record_id: int | None = None) -> None:
        if len(self.items) < MAX_FINDINGS:
            self.items.append(Finding(text, record_id))
        else:
            self.omitted += 1

    def __bool__(self) -> bool:
        return bool(self.items)


def _when(at: dt.datetime) -> str:
    return f"{local(at):%Y-%m-%d %H:%M:%S}"


def _state_label(value: str) -> str:
    try:
        return State(value).label
    except ValueError:
        return value


@dataclass
class _Chain:
    """The walk along the chain: where it stands and what the records said."""

    secret: bytes | None
    key_file: Path
    cp: auditkey.Checkpoint | None
    found: _Found
    count: int = 0
    prev_id: int = 0
    prev_hash: str = audit.GENESIS
    first_keyed: int | None = None
    key_missing_told: bool = False
    hashes_at: dict[int, str] = field(default_factory=dict)

    def check(self, row: AuditRow) -> None:
        """Check one record against the one before it and against its own hash."""
        found = self.found
        expected = self.prev_id + 1
        if row.id != expected:
            span = f"#{expected}" if row.id == expected + 1 else f"#{expected}–#{row.id - 1}"
            found.add(
                f"记录 {span} 缺失（编号从 #{self.prev_id} 跳到 #{row.id}，记录被删除）", expected
            )
        elif row.prev_hash != self.prev_hash:
            found.add(
                f"记录 #{row.id} 的前一哈希与记录 #{self.prev_id} 不符"
                f"（记录 #{self.prev_id} 被改动或替换）",
                row.id,
            )
        fields = audit._fields(row)
        what = f"{row.action} {row.target}".strip()
        if row.scheme == audit.SCHEME_KEYED:
            if self.first_keyed is None:
                self.first_keyed = row.id
            if self.secret is None:
                if not self.key_missing_told:
                    self.key_missing_told = True
                    found.add(
                        f"审计密钥文件 {self.key_file} 不存在：自记录 #{row.id} 起的带密钥记录"
                        "无法校验（密钥丢失或被移走）",
                        row.id,
                    )
            elif not hmac.compare_digest(audit.keyed_hash(self.secret, fields), row.hash):
                found.add(
                    f"记录 #{row.id}（{what}）的密钥哈希不符（记录被改动或伪造，"
                    "或密钥文件不是写入时的那一个）",
                    row.id,
                )
        elif row.scheme == audit.SCHEME_PLAIN:
            cp = self.cp
            if self.first_keyed is not None:
                found.add(
                    f"记录 #{row.id}（{what}）没有密钥哈希，却排在自 #{self.first_keyed} 起的"
                    "带密钥记录之后（伪造的追加或降级改写）",
                    row.id,
                )
            elif cp is not None and cp.keyed_from is not None and row.id >= cp.keyed_from:
                found.add(
                    f"记录 #{row.id}（{what}）没有密钥哈希，但检查点（{_when(cp.at)}）记载自"
                    f" #{cp.keyed_from} 起的记录都带密钥（记录被降级改写）",
                    row.id,
                )
            elif audit.chain_hash(fields) != row.hash:
                found.add(f"记录 #{row.id}（{what}）的内容与其哈希不符（记录被改动）", row.id)
        else:
            found.add(f"记录 #{row.id} 的哈希方式「{row.scheme}」不明（记录被改动）", row.id)
        self.count += 1
        self.prev_id, self.prev_hash = row.id, row.hash
        if self.cp is not None and row.id == self.cp.head:
            self.hashes_at[row.id] = row.hash


def _counts(s: Session) -> dict[str, int]:
    return {
        name: int(s.execute(select(func.count()).select_from(model)).scalar_one())
        for name, model in COUNTED.items()
    }


def _against_checkpoint(
    chain: _Chain, counts: dict[str, int], cp: auditkey.Checkpoint, cp_path: Path
) -> None:
    found = chain.found
    where = f"检查点（{_when(cp.at)}，{cp_path.name} 第 {cp.line} 行）"
    head_told = False
    if chain.prev_id < cp.head:
        head_told = True
        if chain.count == 0:
            found.add(
                f"审计表为空，但{where}时已有 {cp.counts.get('audit', cp.head)} 条记录"
                f"（到 #{cp.head}）：审计记录被整体删除",
                1,
            )
        else:
            span = (
                f"#{cp.head}"
                if chain.prev_id + 1 == cp.head
                else f"#{chain.prev_id + 1}–#{cp.head}"
            )
            found.add(
                f"记录 {span} 被删除：{where}时链头为 #{cp.head}，现在只到 #{chain.prev_id}"
                "（末尾的记录被删除）",
                chain.prev_id + 1,
            )
    elif cp.head in chain.hashes_at and chain.hashes_at[cp.head] != cp.head_hash:
        head_told = True
        found.add(
            f"记录 #{cp.head} 与{where}不符（此前的记录被删除后重新编号，或链被改写）", cp.head
        )
    chain_told = head_told or bool(found)  # a deleted record is named once, by its id
    for name, was in sorted(cp.counts.items()):
        now = counts.get(name)
        if now is None or now >= was or (name == "audit" and chain_told):
            continue
        label = TABLE_LABELS.get(name, name)
        found.add(f"{label}现有 {now} 条，少于{where}时的 {was} 条（有{label}被删除）")


def verify(store: Any, write_checkpoint: bool = True, batch: int = 2000) -> Verification:
    """Check the whole trail and the rows it speaks for; see the module's docstring.

    ``write_checkpoint``: append a checkpoint when nothing was found.
    """
    key_file = audit.key_file_of(store)
    cp_path = auditkey.key_path_checkpoints(key_file)
    database = auditkey.database_name(store.url)
    found = _Found()
    notes: list[str] = []
    secret: bytes | None
    try:
        secret = auditkey.read_key(key_file)
    except auditkey.KeyUnavailable as exc:
        found.add(str(exc))
        secret = None
    cp_file = auditkey.read_checkpoints(cp_path, secret, database)
    for text in cp_file.problems:
        found.add(text)
    cp = cp_file.last
    chain = _Chain(secret, key_file, cp, found)
    # what the records say: event id → (digest, record id, ticket number, action)
    events: dict[int, tuple[str, int, str, str]] = {}
    # ticket number → (last event id, state after it, action, record id, keyed, ticket digest)
    last_state: dict[str, tuple[int, str, str, int, bool, str]] = {}
    # seat id → (action, digest, record id)
    seats: dict[str, tuple[str, str, int]] = {}
    with store.read() as s:
        rows = s.execute(select(AuditRow).order_by(AuditRow.id).execution_options(yield_per=batch))
        for row in rows.scalars():
            chain.check(row)
            detail = row.detail or {}
            event_id = detail.get("event_id")
            if isinstance(event_id, int) and not isinstance(event_id, bool):
                events[event_id] = (row.digest or "", row.id, row.target, row.action)
                known = last_state.get(row.target)
                if known is None or event_id > known[0]:
                    keyed = row.scheme == audit.SCHEME_KEYED
                    state = str(detail.get("state", ""))
                    last_state[row.target] = (
                        event_id,
                        state,
                        row.action,
                        row.id,
                        keyed,
                        row.ticket_digest or "",
                    )
            if row.action in audit.SEAT_ACTIONS:
                seats[row.target] = (row.action, row.digest or "", row.id)
        counts = _counts(s)
        if cp is not None:
            _against_checkpoint(chain, counts, cp, cp_path)
        if chain.count == 0 and counts["events"] and (cp is None or cp.head == 0):
            found.add(
                f"审计表没有任何记录，但数据库中有 {counts['events']} 个工单事件"
                "（审计记录被整体删除）",
                1,
            )
        if cp is None:
            notes.append(
                f"还没有本数据库的检查点（{cp_path}）：整表或末尾的删除要从第一个检查点起才能发现"
            )
        _check_events(s, secret, events, found, batch)
        _check_tickets(s, secret, last_state, found, batch)
        _check_seats(s, secret, seats, found)
    if chain.first_keyed is not None and chain.first_keyed > 1:
        notes.append(
            f"记录 #1–#{chain.first_keyed - 1} 写于启用审计密钥之前（不带密钥的 sha256 链，"
            f"只能发现未重算哈希的改动）；自 #{chain.first_keyed} 起带密钥（HMAC-SHA256）"
        )
    elif chain.first_keyed is None and chain.count:
        notes.append(
            f"全部 {chain.count} 条记录写于启用审计密钥之前（不带密钥的 sha256 链，"
            "只能发现未重算哈希的改动）；此后的记录带密钥"
        )
    if not found and write_checkpoint and chain.count:
        written = auditkey.Checkpoint(
            database=database,
            at=dt.datetime.now(dt.UTC),
            head=chain.prev_id,
            head_hash=chain.prev_hash,
            keyed_from=chain.first_keyed,
            counts=counts,
        )
        try:
            auditkey.append_checkpoint(cp_path, auditkey.key(key_file), written)
        except (OSError, auditkey.KeyUnavailable) as exc:
            notes.append(f"检查点未写入（{cp_path}）：{exc}")
        else:
            notes.append(f"已写入检查点：链头 #{written.head}（{cp_path}）")
    return Verification(chain.count, tuple(found.items), tuple(notes), found.omitted)


def _check_events(
    s: Session,
    secret: bytes | None,
    events: dict[int, tuple[str, int, str, str]],
    found: _Found,
    batch: int,
) -> None:
    """Every event since auditing began has its record and matches it; every record's event
    is still there."""
    if not events:
        return
    first = min(events)
    rows = s.execute(
        select(*audit.EVENT_COLUMNS, TicketRow.number)
        .outerjoin(TicketRow, TicketRow.id == EventRow.ticket_id)
        .where(EventRow.id >= first)
        .order_by(EventRow.id)
        .execution_options(yield_per=batch)
    )
    for row in rows:
        said = events.pop(row.id, None)
        if said is None:
            found.add(
                f"事件 #{row.id}（工单 {row.number}，{row.action}）没有审计记录"
                "（记录被删除，或事件绕过平台写入）"
            )
            continue
        digest, record_id, _number, _action = said
        if digest and secret is not None:
            if not hmac.compare_digest(audit.event_digest(secret, row), digest):
                found.add(
                    f"事件 #{row.id}（工单 {row.number}，{row.action}）与审计记录 #{record_id}"
                    "不符（事件被改动）",
                    record_id,
                )
    for event_id, (_digest, record_id, number, action) in sorted(events.items()):
        found.add(
            f"审计记录 #{record_id} 记载的事件 #{event_id}（工单 {number}，{action}）已不存在"
            "（事件被删除）",
            record_id,
        )


def _check_tickets(
    s: Session,
    secret: bytes | None,
    last_state: dict[str, tuple[int, str, str, int, bool, str]],
    found: _Found,
    batch: int,
) -> None:
    """Each ticket is stored as its last (keyed) event record left it: its state first, then
    everything else (caller, words, unit, counters)."""
    if not last_state:
        return
    rows = s.execute(
        select(*audit.TICKET_COLUMNS).order_by(TicketRow.id).execution_options(yield_per=batch)
    )
    for row in rows:
        said = last_state.get(row.number or "")
        if said is None:
            continue
        event_id, expected, action, record_id, keyed, digest = said
        if not keyed:
            continue
        after = f"其最后一个事件 #{event_id}（{action}，审计记录 #{record_id}）"
        if expected and row.state != expected:
            found.add(
                f"工单 {row.number} 的状态为「{_state_label(row.state)}」，但{after}之后应为"
                f"「{_state_label(expected)}」（状态被直接改动）",
                record_id,
            )
        elif digest and secret is not None:
            if not hmac.compare_digest(audit.ticket_digest(secret, row), digest):
                found.add(
                    f"工单 {row.number} 的内容与{after}时不符（来电人、诉求、承办单位等"
                    "被直接改动）",
                    record_id,
                )


def _check_seats(
    s: Session, secret: bytes | None, seats: dict[str, tuple[str, str, int]], found: _Found
) -> None:
    """Each seat has its records and matches the last one; a deleted seat was recorded so."""
    for row in s.execute(select(*audit.SEAT_COLUMNS).order_by(SeatRow.id)):
        said = seats.pop(row.id, None)
        if said is None:
            found.add(f"席位 {row.id} 没有审计记录（席位绕过平台写入）")
            continue
        action, digest, record_id = said
        if action == "seat_delete":
            found.add(f"席位 {row.id} 在审计记录 #{record_id} 中已删除，却仍在数据库中", record_id)
        elif digest and secret is not None:
            if not hmac.compare_digest(audit.seat_digest(secret, row), digest):
                found.add(
                    f"席位 {row.id} 与审计记录 #{record_id} 不符"
                    "（席位的角色、单位、令牌或有效期被直接改动）",
                    record_id,
                )
    for seat, (action, _digest, record_id) in sorted(seats.items()):
        if action != "seat_delete":
            found.add(
                f"席位 {seat} 已不存在，但审计中没有删除记录（最后一条为 #{record_id}，"
                "席位被直接删除）",
                record_id,
            )


# ---------------------------------------------------------------------- the worker's checkpoints
@dataclass(frozen=True)
class Checkpointed:
    """What :func:`checkpoint` did: the checkpoint written (None: nothing new, or refused)."""

    written: auditkey.Checkpoint | None
    problems: tuple[str, ...] = ()


def checkpoint(store: Any, batch: int = 2000) -> Checkpointed:
    """Append a checkpoint when the chain grew, after checking that it extends the last one:
    the head it saw is unchanged, the records since link and carry the right keyed hashes, and
    no audited table shrank. Refused (with the problems) otherwise."""
    key_file = audit.key_file_of(store)
    cp_path = auditkey.key_path_checkpoints(key_file)
    database = auditkey.database_name(store.url)
    secret = auditkey.key(key_file)
    cp_file = auditkey.read_checkpoints(cp_path, secret, database)
    found = _Found()
    for text in cp_file.problems:
        found.add(text)
    cp = cp_file.last
    chain = _Chain(secret, key_file, cp, found)
    with store.read() as s:
        start = 1
        if cp is not None and cp.head > 0:
            start = cp.head
            chain.prev_id, chain.count = cp.head - 1, cp.head - 1
            chain.first_keyed = cp.keyed_from
        stmt = select(AuditRow).where(AuditRow.id >= start).order_by(AuditRow.id)
        for row in s.execute(stmt.execution_options(yield_per=batch)).scalars():
            if cp is not None and row.id == cp.head:
                chain.prev_id, chain.prev_hash, chain.count = row.id, row.hash, row.id
                chain.hashes_at[row.id] = row.hash
                continue
            chain.check(row)
        counts = _counts(s)
    if cp is not None:
        _against_checkpoint(chain, counts, cp, cp_path)
    if found:
        return Checkpointed(None, tuple(f.text for f in found.items))
    if chain.prev_id == 0 or (cp is not None and chain.prev_id == cp.head):
        return Checkpointed(None)
    written = auditkey.Checkpoint(
        database=database,
        at=dt.datetime.now(dt.UTC),
        head=chain.prev_id,
        head_hash=chain.prev_hash,
        keyed_from=chain.first_keyed,
        counts=counts,
    )
    auditkey.append_checkpoint(cp_path, secret, written)
    return Checkpointed(written)
