"""Policy subscriptions and push over HTTP (R-ENTERPRISE, R-CONFIDENTIAL) against a real
``hotline serve`` on loopback: the seats that take requests enter subscriptions (a citizen's
only with consent), numbers masked for all but the manager; a unit clerk reads no subscriber
and only its own unit's push counts; a policy article verified by its owner unit over HTTP
queues one message per matching subscriber; a remote console reads the same."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from console.services.remote import RemoteBackend
from console.services.views import PolicySubscriptionDraft
from console.store.models import ArticleRow, OutboxRow
from tests.api.conftest import Api
from tests.conftest import at

API = "/api/v1"
SUBS = f"{API}/policy/subscriptions"


def client(api: Api, seat: str) -> httpx.Client:
    return httpx.Client(base_url=api.url, headers=api.auth(seat), timeout=10)


def body(**change: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "kind": "enterprise",
        "name": "湘江外贸有限公司",
        "phone": "13900000021",
        "consent": True,
        "industries": ["外贸"],
        "regions": ["长沙"],
    }
    doc.update(change)
    return doc


def test_r_enterprise_subscriptions_and_push_over_http(api: Api) -> None:
    with api.store.write() as s:
        s.add(
            ArticleRow(
                id="api-pol-1", unit_id="hn-scjgj", question="进出口企业通关有哪些便利措施？",
                alt_questions=[], answer="可通过国际贸易单一窗口办理申报。", basis="",
                domain="business_environment", tags=["外贸", "单一窗口"], enterprise=True,
                effective=dt.date(2026, 1, 1), review_by=dt.date(2027, 6, 30), status="draft",
                updated_at=at("2026-11-20 09:00"),
            )
        )  # fmt: skip
    with client(api, "scj") as clerk:
        r = clerk.post(SUBS, json=body())
        assert r.status_code == 403 and r.json()["rule"] == "R-ENTERPRISE"
        r = clerk.get(SUBS)
        assert r.status_code == 403 and r.json()["rule"] == "R-ENTERPRISE"
    with client(api, "operator") as op:
        r = op.post(SUBS, json=body(kind="citizen", industries=[], consent=False, name="王女士"))
        assert r.status_code == 409 and r.json()["rule"] == "R-CONFIDENTIAL"
        r = op.post(SUBS, json=body(sizes=["巨型"]))
        assert r.status_code == 422 and r.json()["field"] == "sizes"
        r = op.post(SUBS, json=body(kind="shop"))
        assert r.status_code == 422 and "kind" in r.text
        r = op.post(SUBS, json=body())
        assert r.status_code == 200, r.text
        sub_id = r.json()["id"]
        [mine] = [v for v in op.get(SUBS).json() if v["id"] == sub_id]
        assert mine["phone"] == "139****0021" and mine["industries"] == ["外贸"]
    with client(api, "manager") as mgr:
        [full] = [v for v in mgr.get(SUBS).json() if v["id"] == sub_id]
        assert full["phone"] == "13900000021"
    with client(api, "scj") as clerk:  # the owner unit verifies its article: pushed
        r = clerk.post(f"{API}/kb/articles/api-pol-1/verify", json={})
        assert r.status_code == 200, r.text
        r = clerk.get(f"{API}/policy/pushes", params={"period": "2026Q4"})
        assert r.status_code == 200
        [line] = [x for x in r.json()["lines"] if x["article_id"] == "api-pol-1"]
        assert (line["pushed"], line["waiting"]) == (1, 1)
    with client(api, "rst") as other:  # another unit: not its article
        lines = other.get(f"{API}/policy/pushes", params={"period": "2026Q4"}).json()["lines"]
        assert [x for x in lines if x["article_id"] == "api-pol-1"] == []
        r = other.get(f"{API}/policy/pushes", params={"period": "2026Q9"})
        assert r.status_code == 422
    with api.store.read() as s:
        [msg] = [
            m for m in s.query(OutboxRow).filter(OutboxRow.ticket_id.is_(None))
            if m.payload.get("article_id") == "api-pol-1"
        ]  # fmt: skip
        assert msg.target == "13900000021" and "通关" in msg.payload["message"]
    # a remote console: the same use cases through RemoteBackend
    remote = RemoteBackend(api.url, api.tokens["operator"])
    try:
        assert any(v.id == sub_id for v in remote.policy_subscriptions())
        other_id = remote.subscribe_policy(
            PolicySubscriptionDraft("citizen", "李先生", "13900000022", True, topics=("通关",))
        )
        assert remote.unsubscribe_policy(other_id, "来电人回复退订") == 0
        assert other_id in {v.id for v in remote.policy_subscriptions(include_ended=True)}
    finally:
        remote.close()
    with client(api, "operator") as op:
        r = op.post(f"{SUBS}/{sub_id}/unsubscribe", json={"reason": "回复TD退订"})
        assert r.status_code == 200 and r.json()["withdrawn"] == 1  # its waiting message
        r = op.post(f"{SUBS}/ps-none/unsubscribe", json={"reason": "x"})
        assert r.status_code == 404
