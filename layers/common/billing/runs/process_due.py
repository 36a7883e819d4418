"""The worker's job for one due object: renew or close a usage period, finalize a draft, flag overdue.

Idempotent by construction: it acts only on what is still due in the state it reads, and each write is
conditioned on that state's version. A duplicate message, or two runs overlapping, finds the work done
(or loses the race with a conflict) and does nothing more: one invoice per subscription period.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from datetime import timedelta

from billing.accounts.standing import Blocked
from billing.batch import WriteBatch
from billing.conflicts import TRIES, pause
from billing.costs.evaluate_budgets import evaluate_budgets
from billing.errors import ConflictError
from billing.events import DomainEvent, EventType
from billing.invoices.check_platform_status import check_platform_status
from billing.invoices.finalize_invoice import finalize_draft
from billing.invoices.models import InvoiceStatus
from billing.invoices.read_ahead import first_read
from billing.marketplace.meter_usage import meter_usage
from billing.payments.account_state import status_change
from billing.payments.collection import begin_collection, collect_due
from billing.payments.dunning import DEFAULT_POLICY
from billing.subscriptions.draft_invoice import draft_invoice
from billing.subscriptions.engine.renew_subscription import close_usage_period, renew_subscription, stop_renewal
from billing.subscriptions.models import Subscription, SubscriptionStatus
from billing.subscriptions.services import Services

log = logging.getLogger(__name__)
TRIAL_NOTICE = timedelta(days=3)
MAX_STEPS = 60  # periods caught up in one message (a back-dated start); the next run continues


def process_due(services: Services, kind: str, object_id: str) -> None:
    """Do what is due on one object now. Its events leave through the store's commits, like every
    function's (``PendingEvents``)."""
    act = _BY_KIND.get(kind)
    if act is not None:
        act(services, object_id)


def due_invoices(messages: Iterable[Mapping[str, object]]) -> list[str]:
    """The invoices a batch of the worker's messages names (read ahead: ``invoices/read_ahead.py``); a
    malformed message names none (it fails alone, as it is handled)."""
    return [str(message["id"]) for message in messages if message.get("kind") == "invoice" and "id" in message]


def _budget(services: Services, budget_id: str) -> None:
    """A budget with forecast thresholds: where is the month heading (every hour)."""
    budget = services.store.get_budget(budget_id)
    now = services.clock.now()
    due = budget.next_due() if budget else None
    if budget is None or due is None or due > now:
        return
    account = services.accounts.get(budget.account_id)
    if account is not None:
        evaluate_budgets(services.store, services.usage, account, now, forecasts=True)


def _metering(services: Services, registration_id: str) -> None:
    """An AWS Marketplace purchase's closed hours, reported to AWS (BatchMeterUsage)."""
    if services.marketplace is not None:
        meter_usage(services.store, services.usage, services.marketplace, registration_id, services.clock.now())


def _digest(services: Services, digest_id: str) -> None:
    """A month of receipts is over: ask the documents function to email them together, once."""
    digest = services.store.get_digest(digest_id)
    now = services.clock.now()
    if digest is None or digest.due_at > now:
        return
    event = DomainEvent(
        id=f"receipts.digest_due:{digest.id}",
        type=EventType.RECEIPTS_DIGEST_DUE,
        at=now,
        account_id=digest.account_id,
        detail={"account": digest.account_id, "month": digest.month},
    )
    with suppress(ConflictError):  # another worker sent it
        services.store.commit(WriteBatch(digests_sent=[digest], events=[event]))


def _subscription(services: Services, subscription_id: str) -> None:
    lost = 0
    subscription = services.store.get_subscription(subscription_id)
    for _ in range(MAX_STEPS):
        if subscription is None:
            return
        batch = _step(services, subscription)
        if batch is None:
            return
        try:
            committed = services.store.commit(batch)
        except ConflictError:
            lost += 1  # someone else moved it: read again after a pause (an API change, a usage close), it may be done
            pause(min(lost, TRIES))
            subscription = services.store.get_subscription(subscription_id)
            continue
        # The next step (another period ended: a back-dated start, stopped runs) starts from what this one stored,
        # as stored: a writer in between makes its commit fail, and the subscription is read again.
        stored = [s for s in committed.subscriptions if s.id == subscription_id]
        subscription = stored[0] if stored else services.store.get_subscription(subscription_id)


def _step(services: Services, subscription: Subscription) -> WriteBatch | None:
    now = services.clock.now()
    batch = WriteBatch()
    if (
        subscription.status is SubscriptionStatus.TRIALING
        and subscription.trial_end is not None
        and not subscription.trial_ending_notified
        and now >= subscription.trial_end - TRIAL_NOTICE
    ):
        batch.subscriptions.append(subscription.evolve(trial_ending_notified=True))
        batch.events.append(
            DomainEvent(
                id=f"subscription.trial_ending:{subscription.id}",
                type=EventType.SUBSCRIPTION_TRIAL_ENDING,
                at=now,
                account_id=subscription.account_id,
                detail={"subscription": subscription.id, "trial_end": subscription.trial_end.isoformat()},
            )
        )
        return batch
    due = subscription.next_due()
    if due is None or due > now:
        return None
    account = services.accounts.get(subscription.account_id)
    if account is None:
        return None
    usage_end = subscription.usage_period.end
    if subscription.is_billing and usage_end < subscription.current_period.end:
        events = services.usage.events(subscription.id, subscription.usage_period.start, usage_end)
        done = close_usage_period(subscription, usage_end, events)
        event_type = EventType.SUBSCRIPTION_USAGE_CLOSED
    else:
        period = subscription.usage_period
        events = services.usage.events(subscription.id, period.start, period.end)
        if not subscription.cancel_at_period_end and services.overdue.blocks(account.status, Blocked.BILLING):
            # Dunning stopped billing: the ended period is closed, no new one is charged until paid.
            done = stop_renewal(subscription, subscription.current_period.end, events)
            event_type = EventType.SUBSCRIPTION_PAUSED
        else:
            done = renew_subscription(subscription, subscription.current_period.end, events)
            event_type = (
                EventType.SUBSCRIPTION_RENEWED
                if done.subscription.status is not SubscriptionStatus.CANCELED
                else EventType.SUBSCRIPTION_ENDED
            )
    result = done.subscription
    if done.lines:
        result, _ = draft_invoice(
            services.store, account, result, done.lines, done.billing_reason, now, batch, done.period
        )
    batch.subscriptions.append(result)
    batch.events.append(
        DomainEvent(
            id=f"{event_type}:{subscription.id}:{done.period.start.isoformat()}",
            type=event_type,
            at=now,
            account_id=subscription.account_id,
            detail={
                "subscription": subscription.id,
                "period_start": done.period.start.isoformat(),
                "period_end": done.period.end.isoformat(),
                "status": result.status.value,
            },
        )
    )
    return batch


def _invoice(services: Services, invoice_id: str) -> None:
    invoice = first_read(services.ahead, services.store, invoice_id)
    now = services.clock.now()
    if invoice is None:
        return
    try:
        if invoice.status is InvoiceStatus.DRAFT and invoice.finalize_at is not None and invoice.finalize_at <= now:
            finalize_draft(services.store, services.accounts, invoice, now, begin_collection)
            return
        check = invoice.platform.check_at if invoice.platform else None
        if services.platform is not None and check is not None and check <= now:
            check_platform_status(services.store, services.platform, invoice, now)
            invoice = services.store.get_invoice(invoice.id) or invoice
        due = invoice.next_due()
        if invoice.status is InvoiceStatus.OPEN and due is not None and due <= now:
            collected, events, evaluate = collect_due(invoice, now, DEFAULT_POLICY)
            batch = WriteBatch(invoices=[collected], events=events)
            if evaluate:
                change = status_change(
                    services.store, services.accounts, invoice.account_id, [collected], now, DEFAULT_POLICY
                )
                if change is not None:
                    batch.account_statuses.append(change[0])
                    batch.events.append(change[1])
            services.store.commit(batch)
    except ConflictError:
        # A concurrent worker did it, or something it depends on moved: the next run looks again.
        log.info("invoice %s changed meanwhile; left to the next run", invoice_id)


_BY_KIND: dict[str, Callable[[Services, str], None]] = {
    "subscription": _subscription,
    "invoice": _invoice,
    "digest": _digest,
    "budget": _budget,
    "marketplace_registration": _metering,
}
