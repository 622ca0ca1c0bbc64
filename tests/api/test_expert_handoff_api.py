"""Consultations handed to an expert over HTTP (R-EXPERT, R-CONSULT, R-KB), against a real
``hotline serve`` on loopback: the operator hands off (a unit clerk gets 403 naming R-EXPERT);
the expert's queue holds its own hand-offs only; the answer closes the ticket; the answer becomes
a draft article the owner unit verifies; the RemoteBackend speaks the same routes."""

from __future__ import annotations

from typing import Any

import httpx

from console.services.remote import RemoteBackend
from console.services.values import Role
from tests.api.conftest import Api

API = "/api/v1"


def client(api: Api, seat: str) -> httpx.Client:
    return httpx.Client(base_url=api.url, headers=api.auth(seat), timeout=10)


def handoff(**change: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "intake": {
            "kind": "consultation",
            "domain": "social_management",
            "text": "小区物业费上涨要经过业主大会同意吗？[/b]",
            "caller_phone": "13912345678",
            "source": "city_transfer",
            "source_line": "长沙12345",
        },
        "field": "物业服务",
        "consent": True,
        "channel": "sms",
        "reasons": ["关键词：物业费"],
    }
    doc.update(change)
    return doc


def test_r_expert_hand_off_queue_answer_and_capture_over_http(api: Api) -> None:
    api.tokens["ex-wang"] = api.add_seat("王物业", Role.EXPERT)
    api.tokens["ex-zhao"] = api.add_seat("赵电力", Role.EXPERT)
    with client(api, "manager") as mgr:
        ids = {}
        for name, unit, field in (("王物业", "hn-zjt", "物业服务"), ("赵电力", "hn-sgcc", "供电")):
            r = mgr.post(
                f"{API}/experts",
                json={"name": name, "unit_id": unit, "fields": [field],
                      "shifts": ["每天 00:00-00:00"], "seat": name},
            )  # fmt: skip
            assert r.status_code == 200, r.text
            ids[name] = r.json()["id"]
    with client(api, "zjt") as zjt:  # a unit clerk cannot hand off
        r = zjt.post(f"{API}/intake/hand-to-expert", json=handoff(expert_id=ids["王物业"]))
        assert r.status_code == 403 and r.json()["rule"] == "R-EXPERT"
        r = zjt.get(f"{API}/experts/queue")
        assert r.status_code == 403 and r.json()["rule"] == "R-EXPERT"
    with client(api, "operator") as op:
        r = op.post(f"{API}/intake/hand-to-expert", json=handoff(consent=False))
        assert r.status_code == 409 and r.json()["rule"] == "R-CONSULT"
        r = op.post(f"{API}/intake/hand-to-expert", json=handoff(field="天文"))
        assert r.status_code == 422 and r.json()["field"] == "field"
        r = op.post(f"{API}/intake/hand-to-expert", json=handoff(expert_id=ids["王物业"]))
        assert r.status_code == 201, r.text
        number = r.json()["number"]
        ticket = op.get(f"{API}/tickets/{number}").json()
        assert ticket["state"] == "callback_promised"
        assert [c["rule"] for c in ticket["clocks"] if c["key"] == "consult"] == ["R-CONSULT"]
    with client(api, "ex-zhao") as zhao:  # another field's expert: not in its queue
        assert number not in [h["number"] for h in zhao.get(f"{API}/experts/queue").json()]
        r = zhao.post(f"{API}/tickets/{number}/expert-answer", json={"answer": "不用。"})
        assert r.status_code == 403 and r.json()["rule"] == "R-EXPERT"
    with client(api, "ex-wang") as wang:
        [h] = [h for h in wang.get(f"{API}/experts/queue").json() if h["number"] == number]
        assert (
            h["text"] == "小区物业费上涨要经过业主大会同意吗？[/b]"
        )  # the caller's words, as said
        assert h["field_label"] == "物业服务" and h["reasons"] == ["关键词：物业费"]
        assert h["caller_masked"] == "139****5678" and h["channel"] == "sms"
        r = wang.post(
            f"{API}/tickets/{number}/expert-answer",
            json={
                "answer": "调整物业费须按合同约定并经业主共同决定。",
                "basis": "《物业管理条例》",
            },
        )
        assert r.status_code == 204, r.text
        r = wang.post(
            f"{API}/tickets/{number}/expert-article", json={"question": "物业费上涨是否须业主同意"}
        )
        assert r.status_code == 201, r.text
        article_id = r.json()["id"]
        assert article_id.startswith("hn-zjt-")
    with client(api, "operator") as op:
        assert op.get(f"{API}/tickets/{number}").json()["state"] == "closed"
        article = op.get(f"{API}/kb/articles/{article_id}").json()
        assert article["status"] == "draft" and article["unit_id"] == "hn-zjt"
    with client(api, "rst") as rst:  # not its unit's article (R-KB)
        r = rst.post(f"{API}/kb/articles/{article_id}/verify", json={})
        assert r.status_code == 403 and r.json()["rule"] == "R-KB"
    with client(api, "zjt") as zjt:
        r = zjt.post(f"{API}/kb/articles/{article_id}/verify", json={})
        assert r.status_code in (200, 204), r.text
    with client(api, "operator") as op:
        assert op.get(f"{API}/kb/articles/{article_id}").json()["status"] == "verified"


def test_r_expert_remote_backend_speaks_the_routes(api: Api) -> None:
    token = api.add_seat("钱物业", Role.EXPERT)
    with client(api, "manager") as mgr:
        r = mgr.post(
            f"{API}/experts",
            json={"name": "钱物业", "unit_id": "hn-zjt", "fields": ["物业服务"],
                  "shifts": ["每天 00:00-00:00"], "seat": "钱物业"},
        )  # fmt: skip
        assert r.status_code == 200, r.text
    operator = RemoteBackend(api.url, api.tokens["operator"])
    expert = RemoteBackend(api.url, token)
    try:
        from console.services.values import Domain, Kind
        from console.services.views import Intake

        number = operator.hand_to_expert(
            Intake(Kind.CONSULTATION, Domain.SOCIAL_MANAGEMENT, "物业维修基金怎么用？",
                   caller_phone="13700001111"),
            "物业服务",
            consent=True,
            channel="phone",
        )  # fmt: skip
        [h] = [h for h in expert.expert_queue() if h.number == number]
        assert h.expert_id == "" and h.channel == "phone" and h.due_at > h.handed_at
        assert expert.expert_handoff(number).text == "物业维修基金怎么用？"
        expert.answer_consultation(number, "经业主共同决定后申请使用。", "")
        article_id = expert.capture_article(number, "物业维修基金如何使用")
        assert operator.expert_handoff(number).article_id == article_id
    finally:
        operator.close()
        expert.close()
