"""The workflow as a hypothesis state machine whose invariants are the rules.

Random seats press random actions on a few tickets while the clock moves; whatever they
do, the rules hold: no return after 疑难复杂, due dates never before their start, every event
has an actor, two returns make a ticket complex, two rejected completions mark it late …
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import select

from console.bootstrap import open_store
from console.errors import HotlineError
from console.services.access import audit
from console.services.clock import DrillClock
from console.services.knowledge.seed import Seed
from console.services.knowledge.seeding import apply_seed
from console.services.local import LocalBackend
from console.services.values import Kind, Role, Satisfaction, Special, State
from console.services.views import Actor
from console.store.migrate import upgrade
from console.store.models import ClockRow, EventRow, TicketRow
from tests.conftest import at
from tests.store.conftest import GROUNDS, PREFILING, UNITS, intake

UNIT_IDS = ["hn-rst", "hn-zjt", "hn-scjgj"]


class Workflow(RuleBasedStateMachine):
    tickets = Bundle("tickets")

    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        self.store = open_store(f"sqlite:///{Path(self.tmp.name) / 'm.db'}")
        upgrade(self.store)
        self.clock = DrillClock(at("2026-11-25 09:00"))
        apply_seed(
            self.store, Seed(units=UNITS, grounds=GROUNDS, prefiling=PREFILING), self.clock.now()
        )
        op = LocalBackend(self.store, self.clock, Actor("op", "话务员", Role.OPERATOR))
        self.seats = {
            "operator": op,
            "manager": op.as_actor(Actor("m", "优化办", Role.MANAGER)),
            **{u: op.as_actor(Actor(u, f"{u}经办人", Role.UNIT_CLERK, u)) for u in UNIT_IDS},
        }

    def teardown(self) -> None:
        # whatever the commands did, the audit trail accounts for it: every event recorded and
        # unchanged, every ticket in the state its last event left it in (R-SECURITY)
        try:
            result = audit.verify(self.store, write_checkpoint=False)
            assert result.ok, result.lines()
        finally:
            self.store.dispose()
        self.tmp.cleanup()

    def _try(self, fn, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        try:
            fn(*args, **kwargs)
        except HotlineError:
            pass  # a refusal is a legal outcome; anything else fails the test

    def _clerk(self, number: str) -> LocalBackend:
        unit = self.seats["operator"].ticket(number).unit_id or "hn-rst"
        return self.seats[unit]

    @initialize(target=tickets)
    def first_ticket(self) -> str:
        return self.seats["operator"].accept(intake(Kind.COMPLAINT), unit_id="hn-rst")

    @rule(
        target=tickets,
        kind=st.sampled_from(list(Kind)),
        unit=st.sampled_from(UNIT_IDS),
        special=st.sampled_from(list(Special)),
    )
    def take_call(self, kind: Kind, unit: str, special: Special) -> str:
        return self.seats["operator"].accept(intake(kind), unit_id=unit, special=special)

    @rule(hours=st.integers(min_value=1, max_value=80))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(dt.timedelta(hours=hours))

    @rule(t=tickets)
    def sign(self, t: str) -> None:
        self._try(self._clerk(t).sign, t)

    @rule(t=tickets)
    def return_it(self, t: str) -> None:
        self._try(self._clerk(t).return_ticket, t, "不属于本单位职责", "三定方案")

    @rule(t=tickets, approve=st.booleans(), unit=st.sampled_from(UNIT_IDS))
    def review_return(self, t: str, approve: bool, unit: str) -> None:
        self._try(self.seats["manager"].review_return, t, approve, "审核意见", unit)

    @rule(t=tickets, unit=st.sampled_from(UNIT_IDS))
    def bounce(self, t: str, unit: str) -> None:
        """A unit returns it and the manager agrees: the path that makes tickets complex."""
        self._try(self._clerk(t).return_ticket, t, "不属于本单位职责", "三定方案")
        self._try(self.seats["manager"].review_return, t, True, "同意退回", unit)

    @rule(t=tickets)
    def complete(self, t: str) -> None:
        self._try(self._clerk(t).request_completion, t, "电话", dt.date(2026, 11, 25), "已办理")

    @rule(t=tickets, approve=st.booleans())
    def review_completion(self, t: str, approve: bool) -> None:
        self._try(self.seats["manager"].review_completion, t, approve, "审核意见")

    @rule(t=tickets, days=st.integers(min_value=1, max_value=12))
    def extend(self, t: str, days: int) -> None:
        self._try(self._clerk(t).request_extension, t, days, "情况复杂")

    @rule(t=tickets, approve=st.booleans())
    def review_extension(self, t: str, approve: bool) -> None:
        self._try(self.seats["manager"].review_extension, t, approve, "审核意见")

    @rule(t=tickets, result=st.sampled_from([*Satisfaction, None]))
    def call_back(self, t: str, result: Satisfaction | None) -> None:
        self._try(self.seats["operator"].record_callback, t, result, "manual")

    @rule(t=tickets, decision=st.sampled_from(["redo", "close"]))
    def dissatisfied(self, t: str, decision: str) -> None:
        self._try(self.seats["manager"].decide_dissatisfied, t, decision, "认定意见")

    @rule(t=tickets)
    def first_response(self, t: str) -> None:
        self._try(self._clerk(t).first_response, t, "已响应")

    # ------------------------------------------------------------ invariants (the rules)
    @invariant()
    def rules_hold(self) -> None:
        with self.store.read() as s:
            for t in s.execute(select(TicketRow)).scalars():
                events = (
                    s.execute(
                        select(EventRow).where(EventRow.ticket_id == t.id).order_by(EventRow.id)
                    )
                    .scalars()
                    .all()
                )
                actions = [e.action for e in events]
                # every event has an actor (R-ARCHIVE: true and complete records)
                assert all(e.actor and e.role for e in events)
                # R-COMPLEX: two returns make it complex; no return after it became complex
                assert (t.return_count >= 2) == t.complex
                if "became_complex" in actions:
                    assert "return" not in actions[actions.index("became_complex") :]
                # R-LATE-REPLY
                assert (t.completion_rejections >= 2) == t.late_reply
                # R-EXTEND caps
                assert t.extension_wd <= (3 if t.kind == Kind.CONSULTATION.value else 10)
                assert State(t.state) in State
            for c in s.execute(select(ClockRow)).scalars():
                assert c.due_at >= c.started_at  # due dates never before their start
                if c.met_at is not None:
                    assert not c.running


Workflow.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_workflow_rules_hold = Workflow.TestCase
