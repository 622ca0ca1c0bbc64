"""Seats and tokens (R-SECURITY): made once, stored only as a hash, refused when unknown,
revoked or expired — on SQLite and PostgreSQL; and the `hotline seat` verbs."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from console.cli import main
from console.errors import InputError, NotFound, PermissionDenied
from console.services.access import seats
from console.services.knowledge.seeding import apply_seed
from console.services.values import Role
from console.store.engine import Store
from console.store.models import SeatRow
from tests.contract.harness import SEED

NOW = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def seeded(store: Store) -> Store:
    apply_seed(store, SEED, NOW)
    return store


def test_a_token_is_shown_once_and_stored_as_a_hash(seeded: Store) -> None:
    info, token = seats.add_seat(seeded, "话务员甲", Role.OPERATOR, now=NOW)
    assert len(token) >= 43 and info.role is Role.OPERATOR and info.unit_id is None
    with seeded.read() as s:
        row = s.execute(select(SeatRow)).scalar_one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(info) and token not in row.token_hash
    actor = seats.authenticate(seeded, token, NOW)
    assert (actor.seat, actor.name, actor.role, actor.unit_id) == (
        info.id,
        "话务员甲",
        Role.OPERATOR,
        None,
    )
    _, other = seats.add_seat(seeded, "话务员甲", "话务员", now=NOW)  # a label works too
    assert other != token


def test_a_token_never_begins_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typed after ``--token``, a token beginning with "-" reads as an option and the command
    refuses it: such a draw is drawn again (the random source made to give one first)."""
    draws = iter(["-WbAADYky4e2pKreFpUY9yVyKKShPinzgv2eidZQ6Cw", "WbAADYky4e2pKreFpUY9yVy"])
    monkeypatch.setattr(seats.secrets, "token_urlsafe", lambda n: next(draws))
    assert seats.new_token() == "WbAADYky4e2pKreFpUY9yVy"


def test_a_unit_clerk_is_bound_to_an_existing_unit(seeded: Store) -> None:
    info, token = seats.add_seat(seeded, "人社厅丙", "unit_clerk", "hn-rst", now=NOW)
    assert seats.authenticate(seeded, token, NOW).unit_id == "hn-rst" and info.unit_id == "hn-rst"
    with pytest.raises(InputError) as missing:
        seats.add_seat(seeded, "无单位", Role.UNIT_CLERK, now=NOW)
    assert missing.value.field == "unit"
    with pytest.raises(InputError) as unknown:
        seats.add_seat(seeded, "错单位", Role.UNIT_CLERK, "hn-none", now=NOW)
    assert unknown.value.field == "unit"
    with pytest.raises(InputError):
        seats.add_seat(seeded, "话务员", Role.OPERATOR, "hn-rst", now=NOW)  # only clerks have units
    with pytest.raises(InputError) as role:
        seats.add_seat(seeded, "系统", "system", now=NOW)
    assert role.value.field == "role"
    with pytest.raises(InputError) as blank:
        seats.add_seat(seeded, "  ", Role.OPERATOR, now=NOW)
    assert blank.value.field == "name"
    with seeded.read() as s:
        assert len(s.execute(select(SeatRow)).all()) == 1  # nothing half-stored


def test_unknown_revoked_and_expired_tokens_are_refused_with_the_reason(seeded: Store) -> None:
    with pytest.raises(PermissionDenied, match="令牌无效"):
        seats.authenticate(seeded, "guess", NOW)
    with pytest.raises(PermissionDenied, match="令牌无效"):
        seats.authenticate(seeded, "", NOW)
    info, token = seats.add_seat(seeded, "督办己", Role.SUPERVISOR, now=NOW)
    revoked = seats.revoke_seat(seeded, info.id, NOW + dt.timedelta(hours=1))
    assert revoked.status(NOW + dt.timedelta(hours=2)) == "revoked"
    assert (
        seats.revoke_seat(seeded, info.id, NOW + dt.timedelta(days=9)).revoked_at
        == revoked.revoked_at
    )
    with pytest.raises(PermissionDenied, match="吊销"):
        seats.authenticate(seeded, token, NOW + dt.timedelta(hours=2))
    until = NOW + dt.timedelta(days=1)
    info, token = seats.add_seat(seeded, "临时", Role.EXPERT, expires_at=until, now=NOW)
    assert seats.authenticate(seeded, token, until - dt.timedelta(seconds=1)).role is Role.EXPERT
    with pytest.raises(PermissionDenied, match="过期"):
        seats.authenticate(seeded, token, until)
    assert info.status(until) == "expired"
    with pytest.raises(InputError) as past:
        seats.add_seat(seeded, "过去", Role.EXPERT, expires_at=NOW, now=NOW)
    assert past.value.field == "expires"
    with pytest.raises(NotFound):
        seats.revoke_seat(seeded, "s-none", NOW)
    listed = seats.list_seats(seeded)
    assert {i.name for i in listed} == {"督办己", "临时"}
    assert [i.id for i in listed] == sorted(i.id for i in listed)


# ---------------------------------------------------------------- the verbs
@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOTLINE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HOTLINE_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("HOTLINE_DB", f"sqlite:///{tmp_path / 'hotline.db'}")
    monkeypatch.delenv("HOTLINE_NOW", raising=False)
    return tmp_path


def test_seat_verbs_add_list_revoke(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seat", "add", "话务员张三", "--role", "operator"]) == 0
    out = capsys.readouterr().out
    assert "令牌（只显示这一次" in out
    token = out.strip().rsplit("：", 1)[-1]
    assert (
        main(
            [
                "seat",
                "add",
                "人社经办",
                "--role",
                "unit_clerk",
                "--unit",
                "hn-rst",
                "--expires",
                "2099-12-31",
                "--json",
            ]
        )
        == 0
    )
    added = json.loads(capsys.readouterr().out)
    assert added["unit_id"] == "hn-rst" and added["status"] == "active" and added["token"]
    assert added["expires_at"].startswith("2100-01-01T00:00:00+08:00")
    assert main(["seat", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {s["name"] for s in listed} == {"话务员张三", "人社经办"}
    assert all("token" not in s for s in listed)
    assert token not in json.dumps(listed)
    assert main(["seat", "revoke", added["id"]]) == 0
    assert "已吊销" in capsys.readouterr().out
    assert main(["seat", "list"]) == 0
    text = capsys.readouterr().out
    assert "已吊销" in text and "有效" in text


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["seat", "add", "无单位", "--role", "unit_clerk"], "unit"),
        (["seat", "add", "甲", "--role", "wizard"], "role"),
        (["seat", "add", "甲", "--role", "operator", "--expires", "someday"], "expires"),
        (["seat", "add", "甲"], "--role"),
    ],
)
def test_seat_verbs_refuse_bad_input_in_one_line(
    cli_env: Path, capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


def test_serve_refuses_a_bad_port(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "http"]) == 2
    assert "port" in capsys.readouterr().err


def test_serve_refuses_an_unmigrated_postgresql(
    cli_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from tests.conftest import PG_ENV, pg_url
    from tests.contract.harness import free_port

    base = pg_url()
    if base is None:
        pytest.skip(f"PostgreSQL tests are off: set {PG_ENV}")
    name = f"hotline_empty_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(base).set(database=name).render_as_string(hide_password=False)
        monkeypatch.setenv("HOTLINE_DB", url)
        assert main(["serve", "--port", str(free_port())]) == 2
        assert "hotline db upgrade" in capsys.readouterr().err
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
