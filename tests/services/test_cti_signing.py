"""The signature on a telephony event (CTI, R-SECURITY): the source's HMAC over the timestamp
and the body; an unknown source, a changed body, another secret and a stale or future
timestamp are refused; the keys file is checked when read."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.errors import InputError, PermissionDenied
from console.services.telephony.signing import WINDOW, load_secrets, sign, verify

SECRET = "s" * 40
SECRETS = {"changsha-12345": SECRET}
BODY = b'{"event_id":"e1"}'
NOW = 1_764_900_000


def test_r_security_a_signed_event_is_accepted_once_within_the_window() -> None:
    signature = sign(SECRET, NOW, BODY)
    assert signature.startswith("sha256=") and len(signature) == 7 + 64
    verify(SECRETS, "changsha-12345", str(NOW), signature, BODY, NOW + WINDOW)
    verify(SECRETS, "changsha-12345", str(NOW), signature, BODY, NOW - WINDOW)


@pytest.mark.parametrize(
    ("source", "stamp", "signature", "body", "now", "words"),
    [
        ("zhuzhou-12345", NOW, sign(SECRET, NOW, BODY), BODY, NOW, "未登记"),
        ("changsha-12345", NOW, sign(SECRET, NOW, BODY), BODY + b" ", NOW, "签名不符"),
        ("changsha-12345", NOW, sign("t" * 40, NOW, BODY), BODY, NOW, "签名不符"),
        ("changsha-12345", NOW, sign(SECRET, NOW + 1, BODY), BODY, NOW, "签名不符"),
        ("changsha-12345", NOW, sign(SECRET, NOW, BODY), BODY, NOW + WINDOW + 1, "重放"),
        ("changsha-12345", NOW, sign(SECRET, NOW, BODY), BODY, NOW - WINDOW - 1, "重放"),
        ("changsha-12345", "soon", "sha256=00", BODY, NOW, "签名时间"),
        ("", NOW, sign(SECRET, NOW, BODY), BODY, NOW, "未登记"),
    ],
)
def test_r_security_a_bad_signature_is_refused(
    source: str, stamp: object, signature: str, body: bytes, now: int, words: str
) -> None:
    with pytest.raises(PermissionDenied) as refused:
        verify(SECRETS, source, str(stamp), signature, body, now)
    assert refused.value.rule == "R-SECURITY" and words in str(refused.value)
    assert SECRET not in str(refused.value)


def test_r_security_the_keys_file_is_checked(tmp_path: Path) -> None:
    keys = tmp_path / "cti.toml"
    assert load_secrets(None) == {} and load_secrets(keys) == {}  # no file: CTI off
    keys.write_text(f'[sources.changsha-12345]\nsecret = "{SECRET}"\n', encoding="utf-8")
    assert load_secrets(keys) == SECRETS
    for text, words in (
        ('[sources.changsha]\nsecret = "short"\n', "至少"),
        (f'[sources."长沙"]\nsecret = "{SECRET}"\n', "字母"),
        ("[sources\n", "无法读取"),
    ):
        keys.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as bad:
            load_secrets(keys)
        assert bad.value.field == "HOTLINE_CTI_KEYS" and words in str(bad.value)
