"""`hotline policy …` as a user runs it (R-ENTERPRISE): subscriptions entered with consent,
listed, a refusal in one line naming the field or the rule, a policy article verified pushes
to the matching subscriber, the month's count, and an unsubscription withdrawing what waits."""

from __future__ import annotations

import json
from pathlib import Path

from console.bootstrap import open_store
from console.services.clock import DrillClock
from console.services.local import LocalBackend
from console.services.values import Role
from console.services.views import Actor
from tests.cli.helpers import refused, run
from tests.conftest import at

FIRM = (
    "subscribe", "--by", "话务员甲", "--name", "湘江外贸有限公司", "--phone", "13900000031",
    "--consent", "--industries", "外贸", "--regions", "长沙、株洲",
)  # fmt: skip


def test_r_enterprise_policy_cli_subscribe_list_report_unsubscribe(tmp_path: Path) -> None:
    folder = tmp_path / "home"
    folder.mkdir(mode=0o700)
    made = run("policy", folder, *FIRM)
    assert made.returncode == 0, made.stderr
    sub_id = made.stdout.split()[-1]
    [line, total] = run("policy", folder, "list").stdout.splitlines()
    assert line.startswith(f"{sub_id}  企业  湘江外贸有限公司  13900000031")
    assert "行业：外贸" in line and "地区：长沙、株洲" in line and total == "共 1 个订阅"
    line = refused(run("policy", folder, *FIRM[:-4], "--sizes", "巨型"), 2)
    assert "sizes" in line and "巨型" in line
    line = refused(
        run("policy", folder, "subscribe", "--by", "甲", "--kind", "citizen", "--name", "王女士",
            "--phone", "13900000032"),
        1,
    )  # fmt: skip
    assert "R-CONFIDENTIAL" in line
    # the owner verifies a 政企通 article of the seed naming foreign trade: pushed to the firm
    store = open_store(f"sqlite:///{folder / 'hotline.db'}")
    try:
        clock = DrillClock(at("2026-11-25 09:00"))
        scj = LocalBackend(store, clock, Actor("u-swt", "商务厅庚", Role.MANAGER))
        scj.verify_article("cs-yhb-002")  # 长沙自贸片区 … 通关: 长沙, 外贸
    finally:
        store.dispose()
    report = json.loads(run("policy", folder, "report", "--period", "2026-11", "--json").stdout)
    assert [(x["article_id"], x["pushed"]) for x in report["lines"]] == [("cs-yhb-002", 1)]
    printed = run("policy", folder, "report", "--period", "2026-11").stdout.splitlines()
    assert printed[-1] == "2026-11：推送 1 条，送达 0 条；期末在册订阅 1 个，本期退订 0 个"
    gone = run(
        "policy", folder, "unsubscribe", sub_id, "--by", "话务员甲", "--reason", "回复TD退订"
    )
    assert gone.stdout.strip() == f"订阅 {sub_id} 已退订，撤回未发出的推送 1 条"
    assert run("policy", folder, "list").stdout.strip() == "没有订阅"
    line = refused(run("policy", folder, "unsubscribe", sub_id, "--by", "甲", "--reason", "再"), 1)
    assert "R-ENTERPRISE" in line
