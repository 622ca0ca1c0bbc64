"""Settings: environment HOTLINE_* > config file (XDG) > defaults. Read once, at start-up."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "hotline"
REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    db_url: str
    api_url: str = ""
    api_token: str = ""
    now: str = ""
    clock_running: bool = False
    seed_dir: Path = REPO_ROOT / "knowledge_seed"
    data_dir: Path = Path(".")
    seat: str = ""
    keymap: Mapping[str, str] = field(default_factory=dict)
    outbox_url: str = ""  # `hotline worker` posts each outbox message here (the gateway)
    outbox_file: Path | None = None  # …or appends it to this JSON Lines file (no gateway, drills)
    config_path: Path | None = None  # the config file read (or looked for)
    audit_key_file: Path | None = None  # HOTLINE_AUDIT_KEY_FILE: where the audit key is kept
    # PostgreSQL: how long a statement waits for a lock, and runs at most (seconds; 0: no limit)
    lock_timeout: float = 5.0
    statement_timeout: float = 30.0
    # the grade policy of the evaluations (R-GRADES): weights and thresholds, a documented default
    grades_file: Path = REPO_ROOT / "knowledge_seed" / "evaluation" / "grades.toml"
    # the telephony sources' secrets (CTI call events, HMAC-signed); none: CTI is off
    cti_keys_file: Path | None = None
    # this console's seat at the telephony (the agent id or extension the ACD reports): calls
    # answered there open intake with the caller's number and history (screen-pop); none: off
    phone_seat: str = ""


def default_db_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'hotline.db'}"


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from the environment and the optional config file."""
    env = os.environ if env is None else env
    data_dir = Path(env.get("HOTLINE_DATA_DIR") or user_data_dir(APP_NAME))
    config_path = Path(env.get("HOTLINE_CONFIG") or Path(user_config_dir(APP_NAME)) / "config.toml")
    file_cfg: dict[str, object] = {}
    if config_path.is_file():
        with config_path.open("rb") as fh:
            file_cfg = tomllib.load(fh)

    def pick(key: str, default: str = "") -> str:
        value = env.get(f"HOTLINE_{key.upper()}")
        if value is not None:
            return value
        return str(file_cfg.get(key, default))

    keymap = file_cfg.get("keymap", {})
    return Settings(
        db_url=pick("db") or default_db_url(data_dir),
        api_url=pick("api"),
        api_token=pick("token"),
        now=pick("now"),
        clock_running=pick("clock") == "run",
        seed_dir=Path(pick("seed_dir") or REPO_ROOT / "knowledge_seed"),
        data_dir=data_dir,
        seat=pick("seat"),
        keymap=dict(keymap) if isinstance(keymap, dict) else {},
        outbox_url=pick("outbox_url").strip(),
        outbox_file=Path(pick("outbox_file")) if pick("outbox_file").strip() else None,
        config_path=config_path,
        audit_key_file=Path(pick("audit_key_file")) if pick("audit_key_file").strip() else None,
        lock_timeout=_seconds("lock_timeout", pick("lock_timeout", "5")),
        statement_timeout=_seconds("statement_timeout", pick("statement_timeout", "30")),
        grades_file=Path(
            pick("grades_file").strip()
            or Path(pick("seed_dir") or REPO_ROOT / "knowledge_seed") / "evaluation" / "grades.toml"
        ),
        cti_keys_file=Path(pick("cti_keys")) if pick("cti_keys").strip() else None,
        phone_seat=pick("phone_seat").strip()[:80],
    )


MAX_TIMEOUT = 24 * 3600.0


def _seconds(key: str, text: str) -> float:
    """A timeout setting in seconds (0: no limit); a bad one is refused naming the setting."""
    from console.errors import InputError

    try:
        value = float(text.strip())
    except ValueError:
        value = -1.0
    if not 0 <= value <= MAX_TIMEOUT:  # NaN fails this too
        raise InputError(
            f"HOTLINE_{key.upper()}",
            f"应为 0–{MAX_TIMEOUT:.0f} 之间的秒数（0 表示不限），收到 {text.strip()!r}",
        )
    return value


def audit_key_path(settings: Settings, db_url: str) -> Path:
    """The file holding the audit trail's key (kept outside the database, R-SECURITY).

    HOTLINE_AUDIT_KEY_FILE when set; for the embedded SQLite store ``<data dir>/audit.key``;
    for a shared database ``audit.key`` beside the config file. The checkpoints of the trail
    are kept beside the key (``audit.checkpoints``).
    """
    if settings.audit_key_file is not None:
        return settings.audit_key_file
    if db_url.startswith("sqlite"):
        return settings.data_dir / "audit.key"
    config = settings.config_path or Path(user_config_dir(APP_NAME)) / "config.toml"
    return config.parent / "audit.key"
