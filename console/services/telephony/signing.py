"""The signature on a telephony event (CTI): who sent it, unchanged, and not replayed.

A source (a city line's switch, the provincial ACD, an adapter in front of FreeSWITCH or
Asterisk) holds a secret shared with the platform. Each request carries three headers::

    X-Hotline-Source:     changsha-12345
    X-Hotline-Timestamp:  1764900000            (Unix seconds when it was signed)
    X-Hotline-Signature:  sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>

The platform refuses an unknown source, a wrong signature and a timestamp more than
``WINDOW`` seconds from its own clock (a captured request cannot be replayed later); within the
window a resent event is recognised by its event id and changes nothing (``calls``).

The secrets are a TOML file kept 0600 beside the database (``HOTLINE_CTI_KEYS``)::

    [sources.changsha-12345]
    secret = "…at least 32 characters…"
"""

from __future__ import annotations

import hashlib
import hmac
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

from console.errors import InputError, PermissionDenied

WINDOW = 300
"""Seconds a signed event stays acceptable (clock skew and a retry or two)."""
MIN_SECRET = 32
SOURCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
RULE = "R-SECURITY"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for ``body`` signed at ``timestamp``."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def signed_headers(source: str, secret: str, body: bytes, now: float) -> dict[str, str]:
    """The headers a source sends its event ``body`` with, signed at ``now`` (Unix seconds)."""
    stamp = int(now)
    return {
        "Content-Type": "application/json",
        "X-Hotline-Source": source,
        "X-Hotline-Timestamp": str(stamp),
        "X-Hotline-Signature": sign(secret, stamp, body),
    }


def verify(
    secrets: Mapping[str, str],
    source: str,
    timestamp: str,
    signature: str,
    body: bytes,
    now: float,
    window: int = WINDOW,
) -> None:
    """Accept the request or raise PermissionDenied saying why (never which secret)."""
    secret = secrets.get(source)
    if not source or secret is None:
        raise PermissionDenied(f"未登记的话务来源「{source[:40]}」", rule=RULE)
    try:
        moment = int(timestamp)
    except ValueError:
        raise PermissionDenied(
            "话务事件缺少有效的签名时间（X-Hotline-Timestamp）", rule=RULE
        ) from None
    if not hmac.compare_digest(sign(secret, moment, body), signature.strip()):
        raise PermissionDenied("话务事件签名不符（X-Hotline-Signature）", rule=RULE)
    if abs(now - moment) > window:
        raise PermissionDenied(
            f"话务事件签名时间与平台时钟相差超过 {window} 秒，按重放拒收", rule=RULE
        )


def load_secrets(path: Path | None) -> dict[str, str]:
    """Source → secret from the keys file; none when there is no file (CTI is then off)."""
    if path is None or not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise InputError("HOTLINE_CTI_KEYS", f"话务来源密钥文件 {path} 无法读取：{err}") from None
    out: dict[str, str] = {}
    for source, entry in (data.get("sources") or {}).items():
        secret = entry.get("secret", "") if isinstance(entry, dict) else ""
        if not SOURCE.match(str(source)):
            raise InputError(
                "HOTLINE_CTI_KEYS", f"话务来源名「{source}」只能由字母、数字、._- 组成"
            )
        if not isinstance(secret, str) or len(secret) < MIN_SECRET:
            raise InputError(
                "HOTLINE_CTI_KEYS", f"话务来源「{source}」的密钥至少 {MIN_SECRET} 个字符"
            )
        out[str(source)] = secret
    return out
