"""Private by default (R-SECURITY, R-CONFIDENTIAL): the files that hold callers' data.

The data folder is made 0700 and every file the platform writes in it — the embedded
database (and its -wal/-shm companions), the crash log, intake drafts, the audit key and its
checkpoints — 0600, whatever the umask: modes are set explicitly after creation, never left
to the process's umask. Files and folders that already exist with wider modes are not
changed behind the user's back; :func:`warning` names them in one line at start.

Nothing here imports more than the standard library and the settings (the store, the
services and the entry points all use it; the console checks before SQLAlchemy is loaded).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.config import Settings

DIR_MODE = 0o700
FILE_MODE = 0o600

DB_SUFFIXES = ("", "-wal", "-shm", "-journal")
"""The embedded database and the files SQLite keeps beside it."""


def ensure_dir(folder: Path) -> Path:
    """Create ``folder`` (and its parents) if missing; a folder created here is 0700."""
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, DIR_MODE)
    return folder


def touch(path: Path) -> Path:
    """Create ``path`` empty and 0600 if it does not exist (an existing file is left alone)."""
    ensure_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return path
    try:
        os.fchmod(fd, FILE_MODE)  # the umask may have narrowed O_CREAT's mode, never widened it
    finally:
        os.close(fd)
    return path


def open_append(path: Path) -> int:
    """A descriptor appending to ``path``; created 0600 when missing."""
    ensure_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
    try:
        st = os.fstat(fd)
        if st.st_size == 0 and stat.S_ISREG(st.st_mode):  # never a device it may point to
            os.fchmod(fd, FILE_MODE)
    except OSError:
        os.close(fd)
        raise
    return fd


def append_text(path: Path, text: str) -> None:
    """Append ``text`` (UTF-8) to ``path``, created 0600 when missing."""
    fd = open_append(path)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(text)


def too_open(path: Path) -> bool:
    """True when ``path`` exists and group or others may read, write or enter it."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(stat.S_IMODE(mode) & 0o077)


def wider(paths: Iterable[Path]) -> list[Path]:
    """The paths among ``paths`` that exist and are open to other users, in order."""
    return [p for p in paths if too_open(p)]


def data_files(data_dir: Path, db_file: Path | None = None) -> list[Path]:
    """The data folder and every private file the platform keeps there."""
    out = [data_dir]
    db = db_file if db_file is not None else data_dir / "hotline.db"
    out += [db.with_name(db.name + s) for s in DB_SUFFIXES]
    out += [data_dir / "crash.log", data_dir / "audit.key", data_dir / "audit.checkpoints"]
    drafts = data_dir / "drafts"
    out.append(drafts)
    if drafts.is_dir():
        out += sorted(drafts.glob("*.json"))
    return out


def warning(paths: Iterable[Path]) -> str | None:
    """One line (Chinese) naming the private files open to other users, or None."""
    bad = wider(paths)
    if not bad:
        return None
    names = "、".join(f"{p}（{stat.S_IMODE(p.stat().st_mode):04o}）" for p in bad[:6])
    more = f" 等 {len(bad)} 个" if len(bad) > 6 else ""
    return (
        f"警告：{names}{more} 其他用户可以访问（含来电人信息），"
        "应为目录 0700、文件 0600（chmod go-rwx）"
    )


def sqlite_file(db_url: str) -> Path | None:
    """The file of an embedded SQLite URL (``sqlite:///path``), or None."""
    if not db_url.startswith("sqlite") or ":///" not in db_url:
        return None
    path = db_url.split(":///", 1)[1].split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


def settings_warning(settings: Settings) -> str | None:
    """:func:`warning` for the data folder, the embedded database, and the audit key and
    checkpoints the settings name."""
    from console.config import audit_key_path

    paths = data_files(settings.data_dir, sqlite_file(settings.db_url))
    key = audit_key_path(settings, settings.db_url)
    paths += [key, key.with_name("audit.checkpoints")]
    return warning(dict.fromkeys(paths))
