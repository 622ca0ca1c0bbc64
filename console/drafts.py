"""Intake drafts: what the operator has typed, saved as they type, restored after a crash.

One small JSON file per seat in the data folder, replaced atomically (write a temp file in the
same folder, fsync, ``os.replace``), so a killed terminal leaves either the old draft or the new
one, never half a file. Nothing here imports Textual: the intake screen calls ``save`` from a
worker thread.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

from console import private

DRAFT_VERSION = 1


def _seat_key(seat: str) -> str:
    """A file-name-safe key of the seat, one per seat: a name of safe characters as it is;
    any other (张三, 钱六 …) its safe part and a digest of the whole name, so that two seats
    sharing a machine never restore each other's call."""
    key = re.sub(r"[^A-Za-z0-9_.-]", "_", seat).strip("._")
    if key == seat:
        return key
    digest = hashlib.sha256(seat.encode("utf-8")).hexdigest()[:12]
    return f"{key}-{digest}" if key else f"seat-{digest}"


class DraftStore:
    """The draft of one seat: ``load()``, ``save(fields)``, ``clear()``."""

    def __init__(self, folder: Path, seat: str) -> None:
        self.folder = folder
        self.path = folder / "drafts" / f"intake-{_seat_key(seat)}.json"

    def load(self) -> dict[str, str] | None:
        """The saved fields, or None when there is no (readable) draft."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("version") != DRAFT_VERSION:
            return None
        fields = data.get("fields")
        if not isinstance(fields, dict):
            return None
        return {str(k): str(v) for k, v in fields.items() if isinstance(v, str | int | bool)}

    def save(self, fields: Mapping[str, str]) -> None:
        """Replace the draft with ``fields`` atomically (empty fields clear it)."""
        if not any(str(v).strip() for k, v in fields.items() if k not in _DEFAULTED):
            self.clear()
            return
        private.ensure_dir(self.path.parent)  # 0700: callers' words (R-CONFIDENTIAL)
        payload = json.dumps({"version": DRAFT_VERSION, "fields": dict(fields)}, ensure_ascii=False)
        fd, tmp = tempfile.mkstemp(prefix=".draft-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, private.FILE_MODE)  # caller data: readable by this seat's user only
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def clear(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass


# Select fields always carry a value; a draft holding only those is an empty form.
_DEFAULTED = frozenset({"kind", "domain", "caller_type", "source"})
