"""An account back in good standing: its subscriptions that dunning stopped (``unpaid``) bill again.

It hears ``account.status_changed``, which may come twice or late: it acts only on ``unpaid``
subscriptions of an account whose state no longer blocks billing, each commit conditioned on the version
it read, so a replay finds nothing left to resume.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from billing.accounts.ports import AccountRepository
from billing.accounts.standing import Blocked, OverdueStates
from billing.batch import WriteBatch
from billing.clock import Clock
from billing.errors import ConflictError
from billing.events import DomainEvent, EventType
from billing.ports import PageRequest
from billing.subscriptions.draft_invoice import draft_invoice
from billing.subscriptions.engine.renew_subscription import resume_billing
from billing.subscriptions.models import SubscriptionStatus

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore

MAX_SUBSCRIPTIONS = 100


def resume_subscriptions(
    store: BillingStore, accounts: AccountRepository, clock: Clock, overdue: OverdueStates, account_id: str
) -> None:
    account = accounts.get(account_id)
    if account is None or overdue.blocks(account.status, Blocked.BILLING):
        return
    stopped = [
        s
        for s in store.list_subscriptions(account_id, PageRequest(limit=MAX_SUBSCRIPTIONS)).items
        if s.status is SubscriptionStatus.UNPAID
    ]
    for subscription in stopped:
        now = clock.now()
        done = resume_billing(subscription, now)
        batch = WriteBatch()
        result = done.subscription
        if done.lines:
            result, _ = draft_invoice(store, account, result, done.lines, done.billing_reason, now, batch, done.period)
        batch.subscriptions.append(result)
        batch.events.append(
            DomainEvent(
                id=f"subscription.resumed:{subscription.id}:{done.period.start.isoformat()}",
                type=EventType.SUBSCRIPTION_RESUMED,
                at=now,
                account_id=account_id,
                detail={
                    "subscription": subscription.id,
                    "period_start": done.period.start.isoformat(),
                    "period_end": done.period.end.isoformat(),
                },
            )
        )
        try:
            store.commit(batch)
        except ConflictError:
            continue  # resumed meanwhile by another delivery of the same event
