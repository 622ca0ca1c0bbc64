"""`hotline outbox list|retry|cancel`, run as a supervisor runs it, over SQLite and PostgreSQL:
a special matter's notice that cannot be delivered stays in sight until a person decides."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from console.services.access import audit
from console.store.models import OutboxRow
from tests.cli.test_worker_cli import env_for, hotline, special
from tests.store.conftest import Platform
from tests.store.conftest import platform as platform  # noqa: F401 — the fixture

DEAD_GATEWAY = "http://127.0.0.1:9/messages"  # the discard port: nothing answers


def test_r_special_report_undelivered_notice_is_listed_cancelled_and_retried(
    platform: Platform,
    tmp_path: Path,  # noqa: F811
) -> None:
    p = platform
    keys = special(p)
    env = env_for(p, tmp_path, HOTLINE_OUTBOX_URL=DEAD_GATEWAY)
    for _ in range(3):  # three failed rounds: an alarm on stderr, nothing given up
        run = hotline(env, "worker", "--once", "--json")
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout)["given_up"] == []
        with p.store.write() as s:  # the next round is due now (the worker waits minutes)
            for row in s.execute(select(OutboxRow)).scalars():
                row.next_attempt_at = None
    assert "告警" in run.stderr and keys[0] in run.stderr

    listed = hotline(env, "outbox", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    shown = json.loads(listed.stdout)
    assert [e["key"] for e in shown] == keys
    assert all(e["urgent"] and e["status"] == "失败重试中" and e["attempts"] == 3 for e in shown)
    text = hotline(env, "outbox", "list").stdout
    assert "【特殊事项】失败重试中" in text

    notice = keys[0]  # the unit's SMS notice of the special matter
    refused = hotline(env, "outbox", "cancel", notice, "--by", "值班长王芳", "--reason", " ")
    assert refused.returncode == 2 and "reason" in refused.stderr  # nothing cancelled
    done = hotline(
        env, "outbox", "cancel", notice, "--by", "值班长王芳", "--reason", "已电话通知总值班室"
    )
    assert done.returncode == 0, done.stderr
    assert notice not in [
        e["key"] for e in json.loads(hotline(env, "outbox", "list", "--json").stdout)
    ]
    [cancelled] = audit.entries(p.store, action="outbox_cancelled")
    assert cancelled.seat == "cli:值班长王芳" and "已电话通知总值班室" in json.dumps(
        cancelled.detail, ensure_ascii=False
    )

    again = hotline(env, "outbox", "retry", notice, "--by", "值班长王芳")
    assert again.returncode == 0, again.stderr
    with p.store.read() as s:
        row = s.execute(select(OutboxRow).where(OutboxRow.idempotency_key == notice)).scalar_one()
        assert row.gave_up_at is None and row.next_attempt_at is None
    assert audit.entries(p.store, action="outbox_retry_now")
    missing = hotline(env, "outbox", "retry", "no-such-key", "--by", "王芳")
    assert missing.returncode == 2 and "没有这条待发消息" in missing.stderr
    assert "Traceback" not in missing.stderr
