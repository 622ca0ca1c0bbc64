"""Policy subscriptions and precise push (精准推送, R-ENTERPRISE, Art. 29).

The seats that take requests (operators, shift leads) and the manager enter and end
subscriptions, with the subscriber's consent (a citizen's without it: 409 R-CONFIDENTIAL);
they read the subscribers, numbers masked for all but the manager. The push counts are read by
the manager's office, supervisors and auditors, and by a unit clerk for its own unit's
articles; other seats are refused (403 naming R-ENTERPRISE). A bad field is 422 naming it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Path, Query

from console.api.deps import Seat
from console.api.schemas import (
    NO_NUL,
    PolicySubscriptionIn,
    PolicySubscriptionOut,
    UnsubscribedOut,
    UnsubscribeIn,
)
from console.services.views import (
    PolicyPushReport,
    PolicySubscriptionDraft,
    PolicySubscriptionView,
)

router = APIRouter(tags=["policy"])
SubscriptionId = Annotated[str, Path(max_length=40, pattern=NO_NUL, description="订阅编号")]


@router.get(
    "/policy/subscriptions",
    operation_id="policy_subscriptions",
    response_model=list[PolicySubscriptionView],
)
def policy_subscriptions(
    backend: Seat,
    include_ended: Annotated[bool, Query(description="含已退订的")] = False,
) -> Sequence[PolicySubscriptionView]:
    """The subscriptions, newest first (numbers masked but for the manager)."""
    return backend.policy_subscriptions(include_ended)


@router.post(
    "/policy/subscriptions", operation_id="subscribe_policy", response_model=PolicySubscriptionOut
)
def subscribe_policy(backend: Seat, body: PolicySubscriptionIn) -> PolicySubscriptionOut:
    """Enter a subscription with the subscriber's consent."""
    draft = PolicySubscriptionDraft(
        kind=body.kind,
        name=body.name,
        phone=body.phone,
        consent=body.consent,
        industries=tuple(body.industries),
        sizes=tuple(body.sizes),
        regions=tuple(body.regions),
        topics=tuple(body.topics),
    )
    return PolicySubscriptionOut(id=backend.subscribe_policy(draft))


@router.post(
    "/policy/subscriptions/{subscription_id}/unsubscribe",
    operation_id="unsubscribe_policy",
    response_model=UnsubscribedOut,
)
def unsubscribe_policy(
    backend: Seat, subscription_id: SubscriptionId, body: UnsubscribeIn
) -> UnsubscribedOut:
    """End a subscription (退订) with the reason; its unsent messages are withdrawn."""
    return UnsubscribedOut(withdrawn=backend.unsubscribe_policy(subscription_id, body.reason))


@router.get("/policy/pushes", operation_id="policy_push_report", response_model=PolicyPushReport)
def policy_push_report(
    backend: Seat,
    period: Annotated[
        str, Query(max_length=20, pattern=NO_NUL, description="2026、2026Q4 或 2026-12")
    ],
) -> PolicyPushReport:
    """Per policy article version pushed in the period: subscribers reached, waiting, not sent."""
    return backend.policy_push_report(period)
