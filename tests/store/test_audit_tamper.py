"""The audit trail proves it is whole (R-SECURITY, R-ARCHIVE): every way of tampering with
the database behind the platform's back is found by ``hotline audit verify`` and named — on
SQLite and on PostgreSQL (HOTLINE_TEST_PG).

The attacker here holds the database (any SQL) but not the audit key file, as the README says.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from console.services.access import audit, auditkey, verification
from console.services.access.seats import add_seat
from console.services.delivery.outbox import deliver_due
from console.services.delivery.sinks import FileSink
from console.services.values import Role, Satisfaction
from console.services.views import Actor
from console.store.engine import Store
from console.store.models import AuditRow, EventRow, SynonymRow, TicketRow
from tests.store.conftest import Platform, intake

ADMIN = Actor("adm-1", "管理员", Role.ADMIN)


# ---------------------------------------------------------------------- helpers
def workflow(p: Platform) -> str:
    """Accept → dispatch → sign → completion → approval → call-back, and a reveal."""
    number = p.operator.accept(intake(caller_id_number="430102199001011234"), unit_id="hn-rst")
    p.rst.sign(number)
    p.rst.request_completion(number, "电话", p.clock.now().date(), "已协调企业支付工资")
    p.manager.review_completion(number, True)
    p.operator.record_callback(number, Satisfaction.SATISFIED)
    p.operator.reveal_contact(number, "回访核对")
    return number


def records(store: Store) -> list[AuditRow]:
    with store.read() as s:
        return list(s.execute(select(AuditRow).order_by(AuditRow.id)).scalars())


def sql(store: Store, statement: str, **params: object) -> None:
    with store.write_engine.begin() as conn:
        conn.execute(text(statement), params)


def texts(result: verification.Verification) -> str:
    return "\n".join(f.text for f in result.findings)


def sealed(p: Platform) -> verification.Verification:
    """Verify the untouched trail: whole, and a checkpoint written."""
    result = audit.verify(p.store)
    assert result.ok, texts(result)
    assert any("已写入检查点" in n for n in result.notes)
    return result


def events_of(store: Store, number: str) -> list[EventRow]:
    with store.read() as s:
        return list(
            s.execute(
                select(EventRow)
                .join(TicketRow, TicketRow.id == EventRow.ticket_id)
                .where(TicketRow.number == number)
                .order_by(EventRow.id)
            ).scalars()
        )


# ---------------------------------------------------------------------- the whole table
def test_r_security_audit_detects_deleted_table(platform: Platform) -> None:
    p = platform
    workflow(p)
    sealed(p)
    count = len(records(p.store))
    sql(p.store, "DELETE FROM audit")
    result = audit.verify(p.store)
    assert not result.ok
    assert "审计表为空" in result.problem and "整体删除" in result.problem
    assert f"{count} 条记录" in result.problem
    assert result.message != "0 条记录，链完整"


def test_r_security_audit_detects_deleted_table_without_a_checkpoint(
    platform: Platform, audit_key_file: Path
) -> None:
    """With the checkpoint file gone too, the events left without records still tell."""
    p = platform
    workflow(p)
    sealed(p)
    auditkey.key_path_checkpoints(audit_key_file).unlink()
    sql(p.store, "DELETE FROM audit")
    result = audit.verify(p.store)
    assert not result.ok
    assert "审计表没有任何记录" in result.problem and "工单事件" in result.problem


# ---------------------------------------------------------------------- the tail, by kind
def _tail_event(p: Platform) -> None:
    number = p.operator.accept(intake(), unit_id="hn-rst")
    p.rst.sign(number)


def _tail_reveal(p: Platform) -> None:
    number = p.operator.accept(intake(), unit_id="hn-rst")
    p.operator.reveal_contact(number, "核对来电人")
    p.operator.reveal_contact(number, "再次核对")


def _tail_claim(p: Platform) -> None:
    p.operator.accept(intake(), unit_id="hn-rst")
    assert p.rst.claim_next("awaiting_sign") is not None


def _tail_seat(p: Platform) -> None:
    with audit.audit_context(ADMIN, "cli"):
        add_seat(p.store, "九号席", Role.SHIFT_LEAD, now=p.clock.now(), seat_id="seat-9")


def _tail_data_change(p: Platform) -> None:
    with audit.audit_context(ADMIN, "cli"), p.store.write() as s:
        s.add(SynonymRow(terms=["社保", "社会保险"]))


def _tail_flag(p: Platform) -> None:
    p.operator.flag_article("hn-rst-001", "outdated", "政策已更新")


def _tail_outbox(p: Platform, tmp: Path) -> None:
    report = deliver_due(p.store, FileSink(tmp / "outbox.jsonl"), p.clock)
    assert report.delivered


TAILS: dict[str, tuple[Callable[..., None], str]] = {
    "event": (_tail_event, "sign"),
    "reveal": (_tail_reveal, "reveal_contact"),
    "claim": (_tail_claim, "claim"),
    "seat": (_tail_seat, "seat_add"),
    "data_change": (_tail_data_change, "data_change"),
    "article_flag": (_tail_flag, "flag_article"),
    "outbox": (_tail_outbox, "outbox_delivered"),
}


@pytest.mark.parametrize("kind", list(TAILS))
def test_r_security_audit_detects_deleted_tail(
    platform: Platform, kind: str, tmp_path: Path
) -> None:
    """The newest records of each kind deleted after ``hotline worker``'s checkpoint: found."""
    p = platform
    workflow(p)
    before = len(records(p.store))
    make, action = TAILS[kind]
    make(p, tmp_path) if kind == "outbox" else make(p)
    rows = records(p.store)
    assert rows[-1].action == action, [r.action for r in rows[before:]]
    done = verification.checkpoint(p.store)  # as `hotline worker` writes them
    assert done.written is not None and done.written.head == rows[-1].id, done.problems
    # the attacker removes every record of that kind at the end of the chain
    first = len(rows)
    while first > 0 and rows[first - 1].action == action:
        first -= 1
    sql(p.store, "DELETE FROM audit WHERE id > :id", id=rows[first - 1].id)
    result = audit.verify(p.store)
    assert not result.ok
    assert "末尾的记录被删除" in texts(result)
    assert f"#{rows[-1].id}" in texts(result)
    refused = verification.checkpoint(p.store)
    assert refused.written is None and any("被删除" in t for t in refused.problems)


def test_r_security_audit_detects_deleted_tail_overwritten_by_new_records(
    platform: Platform,
) -> None:
    """The newest records deleted, then the platform writes on and reuses their ids: the
    chain is consistent again, but not the one the checkpoint saw."""
    p = platform
    number = workflow(p)
    sealed(p)
    head = records(p.store)[-1]
    sql(p.store, "DELETE FROM audit WHERE id = :id", id=head.id)  # who revealed the phone
    p.operator.reveal_contact(number, "再次核对")
    assert records(p.store)[-1].id == head.id
    result = audit.verify(p.store)
    assert not result.ok and result.record_id == head.id
    assert f"记录 #{head.id} 与检查点" in result.problem and "重新编号" in result.problem


def test_r_security_audit_detects_deleted_tail_of_records_and_events(platform: Platform) -> None:
    """Events deleted together with their records at the end: the table counts show it."""
    p = platform
    workflow(p)
    number = p.operator.accept(intake(), unit_id="hn-rst")
    sealed(p)
    cut = min(e.id for e in events_of(p.store, number))
    last_kept = max(r.id for r in records(p.store) if r.target != number)
    sql(p.store, "DELETE FROM events WHERE id >= :id", id=cut)
    sql(p.store, "DELETE FROM audit WHERE id > :id", id=last_kept)
    result = audit.verify(p.store)
    assert not result.ok
    assert "末尾的记录被删除" in texts(result)
    assert "工单事件现有" in texts(result) and "有工单事件被删除" in texts(result)


# ---------------------------------------------------------------------- edits and forgeries
def test_r_security_audit_detects_edit_and_rehash(platform: Platform) -> None:
    """One record edited and every record after it re-hashed as the unkeyed chain would be:
    without the key the re-hash is worthless."""
    p = platform
    workflow(p)
    rows = records(p.store)
    victim = rows[3]
    prev = victim.prev_hash
    for row in rows[3:]:
        fields = audit._fields(row) | {"prev_hash": prev}
        if row.id == victim.id:
            fields["target"] = "HN000000000000"
        digest = audit.chain_hash(fields)
        sql(
            p.store,
            "UPDATE audit SET target = :t, prev_hash = :p, hash = :h WHERE id = :id",
            t=fields["target"],
            p=prev,
            h=digest,
            id=row.id,
        )
        prev = digest
    result = audit.verify(p.store)
    assert not result.ok and result.record_id == victim.id
    assert f"记录 #{victim.id}" in result.problem and "密钥哈希不符" in result.problem
    # every re-hashed record is named, not only the first
    assert {f.record_id for f in result.findings} >= {r.id for r in rows[3:]}


def test_r_security_audit_detects_edit_rehashed_as_old_records(platform: Platform) -> None:
    """Downgrading the edited records to the unkeyed scheme of old records does not help, even
    before any checkpoint: an unkeyed record never follows a keyed one."""
    p = platform
    workflow(p)
    rows = records(p.store)
    prev = rows[4].prev_hash
    for row in rows[4:]:
        fields = audit._fields(row) | {"prev_hash": prev, "seat": "intruder"}
        digest = audit.chain_hash(fields)
        sql(
            p.store,
            "UPDATE audit SET seat = 'intruder', scheme = 'sha256', digest = '', prev_hash = :p,"
            " hash = :h WHERE id = :id",
            p=prev,
            h=digest,
            id=row.id,
        )
        prev = digest
    result = audit.verify(p.store)
    assert not result.ok and result.record_id == rows[4].id
    assert "没有密钥哈希，却排在自 #1 起的带密钥记录之后" in result.problem
    assert "降级改写" in result.problem


def test_r_security_audit_detects_all_records_rehashed_as_old(platform: Platform) -> None:
    """The whole chain rewritten in the old, unkeyed form: the checkpoint says where the keyed
    records began."""
    p = platform
    workflow(p)
    sealed(p)
    prev = audit.GENESIS
    for row in records(p.store):
        fields = audit._fields(row) | {"prev_hash": prev}
        digest = audit.chain_hash(fields)
        sql(
            p.store,
            "UPDATE audit SET scheme = 'sha256', digest = '', prev_hash = :p, hash = :h"
            " WHERE id = :id",
            p=prev,
            h=digest,
            id=row.id,
        )
        prev = digest
    result = audit.verify(p.store)
    assert not result.ok and result.record_id == 1
    assert "记录 #1" in result.problem and "降级改写" in result.problem


@pytest.mark.parametrize("scheme", ["hmac", "sha256", "other-key"])
def test_r_security_audit_detects_forged_append(platform: Platform, scheme: str) -> None:
    """A record appended by SQL, correctly chained and hashed as well as one can without the
    key: found and named."""
    p = platform
    number = workflow(p)
    sealed(p)
    head = records(p.store)[-1]
    fields: dict[str, object] = {
        "id": head.id + 1,
        "at": dt.datetime.now(dt.UTC),
        "seat": "seat-1",
        "actor": "话务员甲",
        "role": "operator",
        "unit_id": None,
        "action": "reveal_refused",
        "target": number,
        "detail": {"rule": "R-CONFIDENTIAL"},
        "origin": "cli",
        "prev_hash": head.hash,
        "scheme": "sha256" if scheme == "sha256" else "hmac",
        "digest": "",
        "ticket_digest": "",
    }
    if scheme == "other-key":
        forged = audit.keyed_hash(secrets.token_bytes(32), fields)
    else:
        forged = audit.chain_hash(fields)
    params = fields | {
        "at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
        "detail": json.dumps(fields["detail"]),
        "hash": forged,
    }
    sql(
        p.store,
        "INSERT INTO audit (id, at, seat, actor, role, unit_id, action, target, detail, origin,"
        " prev_hash, hash, scheme, digest, ticket_digest) VALUES (:id, :at, :seat, :actor, :role,"
        " :unit_id, :action, :target, :detail, :origin, :prev_hash, :hash, :scheme, :digest,"
        " :ticket_digest)",
        **params,
    )
    result = audit.verify(p.store)
    assert not result.ok and result.record_id == head.id + 1
    assert f"记录 #{head.id + 1}" in result.problem
    if scheme == "sha256":
        assert "没有密钥哈希" in result.problem and "伪造的追加" in result.problem
    else:
        assert "密钥哈希不符" in result.problem and "伪造" in result.problem


# ---------------------------------------------------------------------- the rows behind the records
def test_r_security_audit_detects_event_edit(platform: Platform) -> None:
    """``UPDATE events SET reason = …``: the event no longer matches its record's digest."""
    p = platform
    number = workflow(p)
    sealed(p)
    victim = events_of(p.store, number)[2]
    sql(p.store, "UPDATE events SET reason = '已妥善处理' WHERE id = :id", id=victim.id)
    result = audit.verify(p.store)
    assert not result.ok
    assert f"事件 #{victim.id}" in result.problem and number in result.problem
    assert "事件被改动" in result.problem


@pytest.mark.parametrize("column", ["at", "actor", "details"])
def test_r_security_audit_detects_event_edit_of_any_column(platform: Platform, column: str) -> None:
    p = platform
    number = workflow(p)
    victim = events_of(p.store, number)[1]
    value: object = {
        "at": (victim.at - dt.timedelta(hours=3)).replace(tzinfo=None),
        "actor": "别人",
        "details": json.dumps({"unit_id": "hn-zjt"}),
    }[column]
    sql(p.store, f"UPDATE events SET {column} = :v WHERE id = :id", v=value, id=victim.id)
    result = audit.verify(p.store)
    assert not result.ok and f"事件 #{victim.id}" in result.problem
    assert "事件被改动" in result.problem


def test_r_security_audit_detects_event_delete(platform: Platform) -> None:
    p = platform
    number = workflow(p)
    sealed(p)
    victim = events_of(p.store, number)[2]
    sql(p.store, "DELETE FROM events WHERE id = :id", id=victim.id)
    result = audit.verify(p.store)
    assert not result.ok
    (line,) = [f.text for f in result.findings if "（事件被删除）" in f.text]
    assert f"事件 #{victim.id}" in line and number in line


def test_r_security_audit_detects_event_written_around_the_platform(platform: Platform) -> None:
    p = platform
    number = workflow(p)
    ticket_id = events_of(p.store, number)[0].ticket_id
    sql(
        p.store,
        "INSERT INTO events (ticket_id, at, actor, role, action, reason, details)"
        " VALUES (:t, :at, '话务员甲', 'operator', 'progress', '补记', '{}')",
        t=ticket_id,
        at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
    )
    result = audit.verify(p.store)
    assert not result.ok and "没有审计记录" in result.problem and number in result.problem


def test_r_security_audit_detects_ticket_state_edit(platform: Platform) -> None:
    """``UPDATE tickets SET state = …``: not the state its last event left it in."""
    p = platform
    number = p.operator.accept(intake(), unit_id="hn-rst")
    p.rst.sign(number)
    sealed(p)
    sql(p.store, "UPDATE tickets SET state = 'closed' WHERE number = :n", n=number)
    result = audit.verify(p.store)
    assert not result.ok
    assert f"工单 {number}" in result.problem and "状态被直接改动" in result.problem
    assert "「已结案」" in result.problem and "「办理中」" in result.problem


@pytest.mark.parametrize(
    "column, value",
    [("caller_phone", "13900000000"), ("text", "诉求已撤回"), ("unit_id", "hn-zjt")],
)
def test_r_security_audit_detects_ticket_content_edit(
    platform: Platform, column: str, value: str
) -> None:
    """The caller's phone, their words or the handling unit changed by SQL (R-ARCHIVE: the
    archive true and complete)."""
    p = platform
    number = p.operator.accept(intake(), unit_id="hn-rst")
    p.rst.sign(number)
    sealed(p)
    sql(p.store, f"UPDATE tickets SET {column} = :v WHERE number = :n", v=value, n=number)
    result = audit.verify(p.store)
    assert not result.ok
    assert f"工单 {number} 的内容" in result.problem and "被直接改动" in result.problem


def test_r_security_audit_detects_seat_edit(platform: Platform) -> None:
    """A seat made administrator (or given another token) by SQL."""
    p = platform
    with audit.audit_context(ADMIN, "cli"):
        add_seat(p.store, "九号席", Role.OPERATOR, now=p.clock.now(), seat_id="seat-9")
    sealed(p)
    sql(p.store, "UPDATE seats SET role = 'admin' WHERE id = 'seat-9'")
    result = audit.verify(p.store)
    assert not result.ok and "席位 seat-9" in result.problem and "直接改动" in result.problem


def test_r_security_audit_detects_seat_added_around_the_platform(platform: Platform) -> None:
    p = platform
    sql(
        p.store,
        "INSERT INTO seats (id, name, role, token_hash, created_at)"
        " VALUES ('seat-x', '后门', 'admin', :h, :at)",
        h="f" * 64,
        at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
    )
    result = audit.verify(p.store)
    assert not result.ok and "席位 seat-x 没有审计记录" in result.problem


# ---------------------------------------------------------------------- the key and the checkpoints
def test_r_security_audit_key_is_kept_outside_the_database(
    platform: Platform, audit_key_file: Path
) -> None:
    p = platform
    workflow(p)
    assert audit_key_file.is_file() and (audit_key_file.stat().st_mode & 0o777) == 0o600
    secret = audit_key_file.read_text().strip()
    with p.store.read() as s:
        assert s.execute(select(func.count()).select_from(AuditRow)).scalar_one() > 0
    dump = "\n".join(audit.keyed_canonical(audit._fields(r)) + r.hash for r in records(p.store))
    assert secret not in dump
    assert {r.scheme for r in records(p.store)} == {"hmac"}


def test_r_security_audit_detects_lost_key(platform: Platform, audit_key_file: Path) -> None:
    p = platform
    workflow(p)
    sealed(p)
    audit_key_file.unlink()
    auditkey.forget_keys()
    result = audit.verify(p.store)
    assert not result.ok and "审计密钥文件" in result.problem and "不存在" in result.problem


def test_r_security_audit_detects_edited_checkpoint_file(
    platform: Platform, audit_key_file: Path
) -> None:
    p = platform
    workflow(p)
    sealed(p)
    path = auditkey.key_path_checkpoints(audit_key_file)
    assert (path.stat().st_mode & 0o777) == 0o600
    line = json.loads(path.read_text().splitlines()[-1])
    line["head"] = 1  # pretend the chain was shorter
    path.write_text(json.dumps(line) + "\n")
    result = audit.verify(p.store)
    assert not result.ok and "签名不符" in result.problem


def test_r_security_audit_checkpoints_chain_and_grow(
    platform: Platform, audit_key_file: Path
) -> None:
    p = platform
    workflow(p)
    first = verification.checkpoint(p.store)
    assert first.written is not None and not first.problems
    assert verification.checkpoint(p.store).written is None  # nothing new
    p.operator.accept(intake(), unit_id="hn-rst")
    second = verification.checkpoint(p.store)
    assert second.written is not None and second.written.head > first.written.head
    lines = auditkey.key_path_checkpoints(audit_key_file).read_text().splitlines()
    assert len(lines) == 2
    assert json.loads(lines[1])["prev"] == json.loads(lines[0])["mac"]
    assert audit.verify(p.store).ok


def test_r_security_audit_verify_names_every_finding(platform: Platform) -> None:
    """Several tamperings at once: one finding each, the verdict last."""
    p = platform
    number = workflow(p)
    sealed(p)
    events = events_of(p.store, number)
    sql(p.store, "UPDATE events SET reason = 'x' WHERE id = :id", id=events[1].id)
    sql(p.store, "DELETE FROM events WHERE id = :id", id=events[3].id)
    sql(p.store, "UPDATE tickets SET state = 'handling' WHERE number = :n", n=number)
    result = audit.verify(p.store)
    lines = result.lines()
    assert lines[-1].startswith("审计记录不完整：发现 4 处问题")
    assert sum("有工单事件被删除" in x for x in lines) == 1
    assert sum("事件被改动" in x for x in lines) == 1
    assert sum("（事件被删除）" in x for x in lines) == 1
    assert sum("状态被直接改动" in x for x in lines) == 1


# ---------------------------------------------------------------------- records from before the key
def _make_old(store: Store) -> int:
    """Rewrite every record as the platform wrote them before migration 0010 (unkeyed)."""
    prev = audit.GENESIS
    rows = records(store)
    for row in rows:
        fields = audit._fields(row) | {"prev_hash": prev}
        digest = audit.chain_hash(fields)
        sql(
            store,
            "UPDATE audit SET scheme = 'sha256', digest = '', prev_hash = :p, hash = :h"
            " WHERE id = :id",
            p=prev,
            h=digest,
            id=row.id,
        )
        prev = digest
    return len(rows)


def test_r_archive_records_from_before_the_key_still_verify(platform: Platform) -> None:
    """A trail written before the key (no checkpoint yet) verifies, and says where the keyed
    records begin once there are some."""
    p = platform
    workflow(p)
    old = _make_old(p.store)
    result = audit.verify(p.store)
    assert result.ok, texts(result)
    assert any(f"全部 {old} 条记录写于启用审计密钥之前" in n for n in result.notes)
    workflow(p)
    result = audit.verify(p.store)
    assert result.ok, texts(result)
    assert any(
        f"记录 #1–#{old} 写于启用审计密钥之前" in n and f"自 #{old + 1} 起带密钥" in n
        for n in result.notes
    )
    sql(p.store, "UPDATE audit SET seat = 'intruder' WHERE id = 2")
    broken = audit.verify(p.store)
    assert not broken.ok and broken.record_id == 2 and "内容与其哈希不符" in broken.problem


def test_r_archive_migration_0010_keeps_old_records_verifiable(tmp_path: Path) -> None:
    """Records written by a database at revision 0009 verify after `hotline db upgrade`."""
    from alembic import command

    from console.bootstrap import open_store
    from console.store.migrate import alembic_config, upgrade

    store = open_store(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        cfg = alembic_config()
        with store.write_engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0009")
        prev = audit.GENESIS
        for i, (action, target) in enumerate(
            [("data_change", "units"), ("claim", "HN261125000001"), ("release", "HN261125000001")],
            start=1,
        ):
            fields = {
                "id": i,
                "at": dt.datetime(2026, 11, 1, 8, i, tzinfo=dt.UTC),
                "seat": "seat-1",
                "actor": "话务员甲",
                "role": "operator",
                "unit_id": None,
                "action": action,
                "target": target,
                "detail": {},
                "origin": "cli",
                "prev_hash": prev,
            }
            digest = audit.chain_hash(fields)
            sql(
                store,
                "INSERT INTO audit (id, at, seat, actor, role, unit_id, action, target, detail,"
                " origin, prev_hash, hash) VALUES (:id, :at, :seat, :actor, :role, :unit_id,"
                " :action, :target, '{}', :origin, :prev_hash, :hash)",
                **(fields | {"at": fields["at"].replace(tzinfo=None), "hash": digest}),  # type: ignore[attr-defined]
            )
            prev = digest
        assert upgrade(store)
        result = audit.verify(store)
        assert result.ok, texts(result)
        assert {r.scheme for r in records(store)} == {"sha256"}
        with audit.audit_context(ADMIN, "cli"), store.write() as s:
            s.add(SynonymRow(terms=["医保", "医疗保险"]))
        result = audit.verify(store)
        assert result.ok, texts(result)
        assert any("记录 #1–#3 写于启用审计密钥之前" in n for n in result.notes)
        assert records(store)[-1].scheme == "hmac"
    finally:
        store.dispose()


def test_r_security_no_write_without_a_usable_key(
    platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key file that cannot be made or is damaged stops the write with a sentence naming
    it (a write that cannot be audited is not made), never a traceback."""
    from console.bootstrap import open_store
    from console.errors import Unavailable

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    store = open_store(platform.store.url, blocker / "audit.key")
    try:
        with pytest.raises(Unavailable, match="审计密钥文件 .* 无法(读取|创建)"):
            with store.write() as s:
                s.add(SynonymRow(terms=["公积金", "住房公积金"]))
        damaged = tmp_path / "damaged.key"
        damaged.write_text("abc\n")
        store.dispose()
        store = open_store(platform.store.url, damaged)
        with pytest.raises(Unavailable, match="已损坏"):
            with store.write() as s:
                s.add(SynonymRow(terms=["公积金", "住房公积金"]))
        with store.read() as s:
            assert s.execute(select(func.count()).select_from(SynonymRow)).scalar_one() == 0
    finally:
        store.dispose()
