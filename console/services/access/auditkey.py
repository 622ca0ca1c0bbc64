"""The audit trail's key and its checkpoint file, both kept outside the database (R-SECURITY).

- The key (``audit.key``, 0600, 32 random bytes as hex) keys every record's hash
  (HMAC-SHA256) and the digest of the row a record speaks for, so whoever can write to the
  database but cannot read this file can neither re-hash an edited record nor forge one.
  It is created on first use.
- The checkpoints (``audit.checkpoints`` beside the key, 0600, append-only JSON Lines): from
  time to time the head of the chain (id and hash), the row counts of the audited tables and
  where the keyed records begin, each line signed with the key and chained to the line before
  it. Deleting the whole audit table, or its newest records, leaves the chain itself
  consistent; the last checkpoint shows what is missing.

Several databases may share one key and one checkpoint file: each checkpoint names its
database (the SQLite file's absolute path, or the server, port and database; no password).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from console import private
from console.errors import Unavailable

KEY_BYTES = 32
CHECKPOINTS = "audit.checkpoints"

_keys: dict[Path, bytes] = {}
_lock = threading.Lock()


class KeyUnavailable(Unavailable):
    """The audit key file cannot be read, made or is damaged: nothing is written (a write
    that could not be audited is not made)."""


def key_path_checkpoints(key_file: Path) -> Path:
    """The checkpoint file kept beside ``key_file``."""
    return key_file.with_name(CHECKPOINTS)


def read_key(key_file: Path) -> bytes | None:
    """The key in ``key_file``, or None when the file does not exist."""
    path = key_file.absolute()
    with _lock:
        if path in _keys:
            return _keys[path]
        try:
            text = path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise KeyUnavailable(f"审计密钥文件 {path} 无法读取（{type(exc).__name__}）") from None
        try:
            key = bytes.fromhex(text)
        except ValueError:
            key = b""
        if len(key) < KEY_BYTES:
            raise KeyUnavailable(f"审计密钥文件 {path} 已损坏（应为 {KEY_BYTES * 2} 位十六进制）")
        _keys[path] = key
        return key


def key(key_file: Path) -> bytes:
    """The key in ``key_file``, created (0600) when the file does not exist yet."""
    found = read_key(key_file)
    if found is not None:
        return found
    path = key_file.absolute()
    cannot = f"审计密钥文件 {path} 无法创建（{{}}）；请检查目录权限或设置 HOTLINE_AUDIT_KEY_FILE"
    try:
        private.ensure_dir(path.parent)
    except OSError as exc:
        raise KeyUnavailable(cannot.format(type(exc).__name__)) from None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, private.FILE_MODE)
    except FileExistsError:  # another process made it first
        pass
    except OSError as exc:
        raise KeyUnavailable(cannot.format(type(exc).__name__)) from None
    else:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            os.fchmod(fh.fileno(), private.FILE_MODE)
            fh.write(secrets.token_hex(KEY_BYTES) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    found = read_key(key_file)
    assert found is not None
    return found


def forget_keys() -> None:
    """Drop the keys read so far (tests point the key file elsewhere)."""
    with _lock:
        _keys.clear()


def mac(secret: bytes, purpose: str, text: str) -> str:
    """HMAC-SHA256 of ``text`` under ``secret``, for one ``purpose`` (hex)."""
    return hmac.new(secret, f"{purpose}\n{text}".encode(), hashlib.sha256).hexdigest()


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, through one JSON round trip (as the database returns it)."""
    plain = json.loads(json.dumps(value, ensure_ascii=False, default=str))
    return json.dumps(plain, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def database_name(url: str) -> str:
    """Which database a checkpoint belongs to: no driver, no user, no password."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return f"sqlite:{Path(parsed.database or ':memory:').absolute()}"
    return f"{backend}://{parsed.host or ''}:{parsed.port or ''}/{parsed.database or ''}"


# ---------------------------------------------------------------------- checkpoints
@dataclass(frozen=True)
class Checkpoint:
    """The state of one database's trail at a moment, as signed into the checkpoint file."""

    database: str
    at: dt.datetime
    head: int
    head_hash: str
    keyed_from: int | None
    counts: dict[str, int] = field(default_factory=dict)
    line: int = 0

    def body(self) -> dict[str, Any]:
        return {
            "db": self.database,
            "at": self.at.astimezone(dt.UTC).isoformat(),
            "head": self.head,
            "hash": self.head_hash,
            "keyed_from": self.keyed_from,
            "counts": dict(sorted(self.counts.items())),
        }


@dataclass(frozen=True)
class CheckpointFile:
    """What the checkpoint file says about one database."""

    last: Checkpoint | None
    problems: tuple[str, ...] = ()


def read_checkpoints(path: Path, secret: bytes | None, database: str) -> CheckpointFile:
    """The last signed checkpoint of ``database`` in ``path``, and any damage to the file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return CheckpointFile(None)
    except OSError as exc:
        return CheckpointFile(None, (f"检查点文件 {path} 无法读取（{type(exc).__name__}）",))
    problems: list[str] = []
    last: Checkpoint | None = None
    prev = ""
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            body = {k: data[k] for k in ("db", "at", "head", "hash", "keyed_from", "counts")}
            signature, link = str(data["mac"]), str(data["prev"])
        except (ValueError, KeyError, TypeError):
            problems.append(f"检查点文件 {path} 第 {n} 行无法读取（被改动或截断）")
            continue
        if secret is None:
            problems.append(f"检查点文件 {path} 第 {n} 行无法校验：审计密钥文件不存在")
            break
        if not hmac.compare_digest(
            signature, mac(secret, "checkpoint", canonical_json({**body, "prev": link}))
        ):
            problems.append(f"检查点文件 {path} 第 {n} 行签名不符（被改动或伪造）")
            continue
        if link != prev:
            problems.append(f"检查点文件 {path} 第 {n} 行之前的检查点被删除或改动")
        prev = signature
        if body["db"] != database:
            continue
        try:
            last = Checkpoint(
                database=str(body["db"]),
                at=dt.datetime.fromisoformat(str(body["at"])),
                head=int(body["head"]),
                head_hash=str(body["hash"]),
                keyed_from=None if body["keyed_from"] is None else int(body["keyed_from"]),
                counts={str(k): int(v) for k, v in dict(body["counts"]).items()},
                line=n,
            )
        except (ValueError, TypeError):
            problems.append(f"检查点文件 {path} 第 {n} 行内容不合格式")
    return CheckpointFile(last, tuple(problems))


def append_checkpoint(path: Path, secret: bytes, checkpoint: Checkpoint) -> None:
    """Sign ``checkpoint``, chain it to the file's last line and append it (0600, locked)."""
    fd = private.open_append(path)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            prev = _last_signature(path)
            body = {**checkpoint.body(), "prev": prev}
            line = {**body, "mac": mac(secret, "checkpoint", canonical_json(body))}
            fh.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _last_signature(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 65536))
            tail = fh.read().decode("utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return ""
    for raw in reversed(tail):
        if raw.strip():
            try:
                return str(json.loads(raw)["mac"])
            except (ValueError, KeyError, TypeError):
                return ""
    return ""
