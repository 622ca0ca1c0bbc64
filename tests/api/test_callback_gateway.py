"""R-CALLBACK over the API: the survey goes out on approval, the rating comes back from the
SMS/IVR gateway (an authenticated seat; no seat takes the system role, so the gateway holds an operator seat), and a dissatisfied rating lands in the manager's queue."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from console.services.remote import RemoteBackend
from console.services.values import Role, Satisfaction, State
from console.store.models import OutboxRow
from tests.api.conftest import Api
from tests.contract.harness import intake

API = "/api/v1"


def test_r_callback_dissatisfied_rating_from_gateway_reaches_manager_queue(api: Api) -> None:
    operator = RemoteBackend(api.url, api.tokens["operator"])
    manager = RemoteBackend(api.url, api.tokens["manager"])
    rst = RemoteBackend(api.url, api.tokens["rst"])
    gateway = RemoteBackend(api.url, api.add_seat("短信回访网关", Role.OPERATOR))
    try:
        number = operator.accept(intake(caller_phone="13700001111"), unit_id="hn-rst")
        rst.sign(number)
        rst.request_completion(number, "电话", dt.date(2026, 1, 1), "已协调企业支付")
        manager.review_completion(number, True)
        with api.store.read() as s:  # the survey SMS is waiting in the outbox
            [survey] = [
                r
                for r in s.execute(
                    select(OutboxRow).where(OutboxRow.target == "13700001111")
                ).scalars()
                if r.payload.get("kind") == "survey"
            ]
        assert number in survey.payload["message"]
        assert number not in {t.number for t in manager.queue("dissatisfied", 0, 50).rows}
        gateway.record_callback(number, Satisfaction.DISSATISFIED, "auto", "短信回复3")
        assert manager.ticket(number).state == State.DISSATISFIED
        assert number in {t.number for t in manager.queue("dissatisfied", 0, 50).rows}
    finally:
        for b in (operator, manager, rst, gateway):
            b.close()
