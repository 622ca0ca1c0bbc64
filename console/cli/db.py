"""`hotline db upgrade|current|backup|restore`: schema migrations, backups that restore."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from console.cli import UsageError
from console.cli.context import platform
from console.errors import HotlineError, InputError
from console.store.migrate import current_revision, head_revision, upgrade

if TYPE_CHECKING:
    from console.services.access.auditkey import Checkpoint
    from console.store.engine import Store


class InUse(HotlineError):
    """The embedded database is held open by a running process."""


class NotEmbedded(HotlineError):
    """A backup or restore of PostgreSQL: pg_dump/pg_restore do it."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("db", help="数据库结构迁移、备份与恢复")
    verbs = p.add_subparsers(dest="db_verb", required=True)
    up = verbs.add_parser("upgrade", help="把数据库结构升级到最新版本")
    up.set_defaults(handler=_upgrade)
    cur = verbs.add_parser("current", help="显示数据库结构版本")
    cur.set_defaults(handler=_current)
    back = verbs.add_parser(
        "backup",
        help="在线备份内嵌数据库到 FILE（SQLite 备份接口，一致的快照，写入不停；文件 0600）；"
        "PostgreSQL 请用 pg_dump（本命令给出用法）",
    )
    back.add_argument("file", metavar="FILE", help="备份文件")
    back.add_argument("--force", action="store_true", help="FILE 已存在时覆盖")
    back.set_defaults(handler=_backup)
    rest = verbs.add_parser(
        "restore",
        help="从备份 FILE 恢复内嵌数据库：先检查文件完整且属于本平台，原子替换，"
        "然后校验审计记录；有问题时以状态 1 退出",
    )
    rest.add_argument("file", metavar="FILE", help="备份文件（hotline db backup 所写）")
    rest.add_argument(
        "--force",
        action="store_true",
        help="数据库正被其他进程（hotline serve、worker、控制台）打开时仍然恢复："
        "在线写入，其他进程随即看到恢复后的数据（建议随后重启它们）",
    )
    rest.set_defaults(handler=_restore)


def _upgrade(args: argparse.Namespace) -> int:
    p = platform(prepare=False)
    try:
        changed = upgrade(p.store)
        print(
            f"数据库已升级到 {head_revision()}"
            if changed
            else f"数据库已是最新版本 {head_revision()}"
        )
    finally:
        p.store.dispose()
    return 0


def _current(args: argparse.Namespace) -> int:
    p = platform(prepare=False)
    try:
        print(f"当前 {current_revision(p.store) or '（空库）'}，最新 {head_revision()}")
    finally:
        p.store.dispose()
    return 0


# ---------------------------------------------------------------------- backup
def _embedded_file(verb: str, file: str) -> Path:
    """The embedded database's file; PostgreSQL: one line saying how pg_dump/pg_restore do it."""
    from console.backup import pg_commands
    from console.bootstrap import sqlite_path
    from console.config import audit_key_path, load_settings

    settings = load_settings()
    path = sqlite_path(settings.db_url)
    if path is not None:
        return path
    if not settings.db_url.startswith("postgresql"):
        raise NotEmbedded(f"db {verb} 只用于内嵌 SQLite 数据库（HOTLINE_DB 指向其他数据库）")
    dump, restore = pg_commands(settings.db_url, file)
    key = audit_key_path(settings, settings.db_url)
    # the how-to in full on standard output (a long path would be cut in a one-line message)
    print(f"备份：{dump}")
    print(f"恢复：{restore}")
    print("恢复后：hotline audit verify")
    print(f"审计密钥 {key} 不在转储中，须另行保存")
    raise NotEmbedded("PostgreSQL 的备份与恢复用 pg_dump / pg_restore，命令见上")


def _backup(args: argparse.Namespace) -> int:
    from console import backup
    from console.config import audit_key_path, load_settings

    database = _embedded_file("backup", args.file)
    target = Path(args.file)
    if not database.exists():
        raise InputError("HOTLINE_DB", f"数据库文件 {database} 不存在，没有可备份的数据")
    if not target.parent.is_dir():
        raise UsageError(f"FILE: 目录 {target.parent} 不存在")
    if target.exists() and target.resolve() == database.resolve():
        raise UsageError(f"FILE: {target} 就是数据库本身，请另选备份文件")
    if target.is_dir():
        raise UsageError(f"FILE: {target} 是目录，请给出文件名")
    if target.exists() and not args.force:
        raise UsageError(f"FILE: {target} 已存在（覆盖请加 --force）")
    done = backup.backup(database, target)
    settings = load_settings()
    key = audit_key_path(settings, settings.db_url)
    print(f"已备份到 {target}：{done.line()}，结构版本 {done.revision}")
    print(f"审计密钥 {key} 不在备份中：请另行妥善保存（恢复后校验审计记录需要它）")
    return 0


# ---------------------------------------------------------------------- restore
def _restore(args: argparse.Namespace) -> int:
    from alembic.script import ScriptDirectory

    from console import backup
    from console.bootstrap import open_store
    from console.config import audit_key_path, load_settings
    from console.services.access import audit, auditkey
    from console.store.migrate import alembic_config
    from console.store.models import Base

    database = _embedded_file("restore", args.file)
    source = Path(args.file)
    if database.exists() and source.exists() and source.resolve() == database.resolve():
        raise UsageError(f"FILE: {source} 就是当前数据库本身")
    settings = load_settings()
    url = settings.db_url
    key_file = audit_key_path(settings, url)
    known = {r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    try:
        copy = backup.prepare_restore(source, database, known)
    except backup.BackupRefused as exc:
        raise _refused(exc) from None
    try:
        copy_url = f"sqlite:///{copy}"
        if _has_keyed_records(copy) and not key_file.exists():
            raise InputError(
                str(source),
                f"备份中的审计记录带密钥，但审计密钥文件 {key_file} 不存在：请先把写入这些记录时的"
                " audit.key 复制到该处（或设置 HOTLINE_AUDIT_KEY_FILE）",
            )
        store = open_store(copy_url, key_file)
        try:
            try:
                upgrade(store)
            except Exception as exc:  # noqa: BLE001 — the file's schema, not the platform's
                raise InputError(
                    str(source),
                    f"无法把备份的数据库结构升级到 {head_revision()}（{type(exc).__name__}），"
                    "不是本平台完好的数据库",
                ) from None
            if not _same_key(store, key_file):
                raise InputError(
                    str(source),
                    f"备份中的审计记录不是用审计密钥 {key_file} 写入的（另一套安装的备份，"
                    "或密钥文件不对）：请换用写入时的 audit.key",
                )
            before = audit.verify(store, write_checkpoint=False)
        finally:
            store.dispose()
        missing = backup.missing_tables(copy, set(Base.metadata.tables))
        if missing:
            raise InputError(str(source), f"不是本平台的数据库（缺少表 {'、'.join(missing)}）")
        held = backup.in_use(database)
        if held and not args.force:
            raise InUse(
                f"数据库 {database} 正被其他进程打开（hotline serve、worker 或控制台）："
                "请先停止它们再恢复，或加 --force 在线恢复"
            )
        done = backup.finish_copy(copy)
        database_name = auditkey.database_name(url)
        cp_path = auditkey.key_path_checkpoints(key_file)
        secret = auditkey.read_key(key_file)
        previous = auditkey.read_checkpoints(cp_path, secret, database_name).last
        backup.replace(copy, database, live=held)
    except BaseException:
        backup.remove(copy)
        raise
    print(f"已从 {source} 恢复到 {database}：{done.line()}")
    if held:
        print("已在线恢复：请重启正在运行的 hotline serve、worker 和控制台")
    store = open_store(url, key_file)
    try:
        if before.ok and secret is not None and done.audit_head:
            _restart_checkpoints(store, previous, done.audit_head, secret, cp_path, database_name)
        result = audit.verify(store)
    finally:
        store.dispose()
    print("恢复后校验审计记录：")
    for line in result.lines():
        print(line)
    return 0 if result.ok else 1


def _refused(exc: Exception) -> InputError:
    text = str(exc)
    name, _, problem = text.partition(": ")
    return InputError(name, problem)


def _same_key(store: Store, key_file: Path) -> bool:
    """True unless the backup's first keyed audit record was keyed with another key."""
    from sqlalchemy import select

    from console.services.access import audit, auditkey
    from console.store.models import AuditRow

    with store.read() as s:
        first = s.execute(
            select(AuditRow)
            .where(AuditRow.scheme == audit.SCHEME_KEYED)
            .order_by(AuditRow.id)
            .limit(1)
        ).scalar_one_or_none()
        if first is None:
            return True
        secret = auditkey.read_key(key_file)
        return secret is not None and audit.keyed_hash(secret, audit._fields(first)) == first.hash


def _has_keyed_records(path: Path) -> bool:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        columns = {r[1] for r in conn.execute("PRAGMA table_info(audit)")}
        if "scheme" not in columns:
            return False
        return (
            conn.execute("SELECT 1 FROM audit WHERE scheme = 'hmac' LIMIT 1").fetchone() is not None
        )
    finally:
        conn.close()


def _restart_checkpoints(
    store: Store,
    previous: Checkpoint | None,
    head: int,
    secret: bytes,
    cp_path: Path,
    database_name: str,
) -> None:
    """After a restore whose trail is whole on its own: a checkpoint of the restored trail, so
    that the checkpoints taken before the restore no longer count the records it took back.
    What the last of them saw beyond the backup is told first."""
    from sqlalchemy import select

    from console.services.access import audit, auditkey, verification
    from console.store.models import AuditRow

    if previous is not None:
        when = f"{previous.at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
        if previous.head > head:
            span = (
                f"#{previous.head}"
                if previous.head == head + 1
                else f"#{head + 1}–#{previous.head}"
            )
            print(
                f"恢复前的检查点（{when}）链头为 #{previous.head}；备份只到 #{head}："
                f"{span} 不在备份中（备份之后的操作随恢复撤回）"
            )
    with store.read() as s:
        last = s.execute(
            select(AuditRow.id, AuditRow.hash).order_by(AuditRow.id.desc()).limit(1)
        ).one()
        keyed_from = s.execute(
            select(AuditRow.id)
            .where(AuditRow.scheme == audit.SCHEME_KEYED)
            .order_by(AuditRow.id)
            .limit(1)
        ).scalar()
        counts = verification._counts(s)
    auditkey.append_checkpoint(
        cp_path,
        secret,
        auditkey.Checkpoint(
            database=database_name,
            at=dt.datetime.now(dt.UTC),
            head=int(last.id),
            head_hash=str(last.hash),
            keyed_from=keyed_from,
            counts=counts,
        ),
    )
