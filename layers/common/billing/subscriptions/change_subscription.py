"""Change a subscription's items (quantities, prices, an interval switch), or preview the change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from billing.accounts.access import Permission, Principal, require_access
from billing.accounts.models import Account
from billing.accounts.standing import Blocked, require_allowed
from billing.batch import LedgerAppend, WriteBatch
from billing.conflicts import retried_on_conflict
from billing.errors import ErrorCode, InvalidInputError
from billing.ids import new_id
from billing.invoices.assemble_invoice import assemble_invoice
from billing.invoices.invoice_context import invoice_context
from billing.invoices.models import DRAFT_GRACE, BillingReason, DraftInvoice, Invoice
from billing.ledger.account_ledger import EntryKind, LedgerEntry
from billing.subscriptions.draft_invoice import draft_invoice
from billing.subscriptions.engine.preview_invoice import preview_next_invoice
from billing.subscriptions.engine.switch_interval import switch_interval
from billing.subscriptions.engine.update_subscription import ItemUpdate, update_subscription
from billing.subscriptions.get_subscription import get_subscription
from billing.subscriptions.models import Granularity, ProrationBehavior, Subscription
from billing.subscriptions.services import ItemRequest, Services, account_of, prices_of


@dataclass(frozen=True, slots=True)
class ChangeRequest:
    """A change to a subscription's items, as asked: how to prorate it and from when."""

    items: Sequence[ItemRequest]
    proration_behavior: ProrationBehavior = ProrationBehavior.CREATE_PRORATIONS
    proration_date: datetime | None = None
    at_period_end: bool = False
    granularity: Granularity | None = None  # this change only; by default the subscription's own


@dataclass(frozen=True, slots=True)
class Changed:
    """A subscription after a change, and the invoice the change drafted at once, if any."""

    subscription: Subscription
    invoice: Invoice | None  # drafted at once (always_invoice, or an interval switch)
    proration_date: datetime


def _updates(subscription: Subscription, items: Sequence[ItemRequest], prices: dict[str, object]) -> list[ItemUpdate]:
    updates = []
    for item in items:
        if item.id is not None and subscription.item(item.id) is None:
            raise InvalidInputError(ErrorCode.ITEM_NOT_FOUND, f"No item {item.id} on this subscription.", "items.id")
        price = prices.get(item.price_id) if item.price_id else None
        updates.append(ItemUpdate(item.id or new_id("si"), price, item.quantity, item.deleted))  # type: ignore[arg-type]
    return updates


@retried_on_conflict
def change_subscription(
    services: Services, principal: Principal, subscription_id: str, request: ChangeRequest, preview: bool = False
) -> tuple[Changed, DraftInvoice | None]:
    """Apply (or, with ``preview``, only compute) a change; returns the change and the preview invoice.

    Owners may change their own plan; members need ``billing.manage``. A change of licensed interval
    switches the plan at once (Cloudcraft), with the unused time credited to the balance.
    """
    stored = get_subscription(services, principal, subscription_id)
    require_access(principal, stored.account_id, Permission.BILLING_MANAGE)
    # A granularity for this change prorates it, and only it: the subscription keeps its own.
    subscription = stored.evolve(granularity=request.granularity or stored.granularity)
    account = account_of(services, subscription.account_id)
    if not preview:
        require_allowed(account, Blocked.CHANGES, services.overdue)
    prices = prices_of(services, request.items)
    now = services.clock.now()
    at = request.proration_date or now
    updates = _updates(subscription, request.items, prices)
    new_months = {p.recurring.months for p in prices.values() if p.recurring and not p.is_metered}  # type: ignore[attr-defined]
    batch = WriteBatch()
    if new_months and new_months != {subscription.cycle.months}:
        return _switch(services, account, subscription, updates, at, preview, batch, stored.granularity)

    updated = update_subscription(subscription, updates, at, request.proration_behavior, request.at_period_end)
    result, invoice, preview_draft = updated.subscription.evolve(granularity=stored.granularity), None, None
    if updated.invoice_now:
        result, invoice = draft_invoice(
            services.store, account, result, updated.invoice_now, BillingReason.SUBSCRIPTION_UPDATE, at, batch
        )
        preview_draft = invoice.draft
    elif preview:
        ledger, _ = services.store.ledger(account.id, subscription.currency)
        events = services.usage.events(subscription.id, result.usage_period.start, result.usage_period.end)
        preview_draft = preview_next_invoice(result, invoice_context(account, ledger, now, result.discount), events)
    if not preview:
        batch.subscriptions.append(result)
        result = services.store.commit(batch).subscriptions[-1]
    return Changed(result, None if preview else invoice, at), preview_draft


def _switch(
    services: Services,
    account: Account,
    subscription: Subscription,
    updates: list[ItemUpdate],
    at: datetime,
    preview: bool,
    batch: WriteBatch,
    granularity: Granularity,
) -> tuple[Changed, DraftInvoice | None]:
    ledger, head = services.store.ledger(account.id, subscription.currency)
    context = invoice_context(account, ledger, at)
    events = services.usage.events(subscription.id, subscription.usage_period.start, at)
    switched = switch_interval(subscription, updates, at, context.vat.rate, events)
    entry = LedgerEntry(
        id=f"switch:{subscription.id}:{at.isoformat()}",
        kind=EntryKind.PRORATION_CREDIT,
        amount=-switched.balance_credit,
        currency=subscription.currency,
        at=at,
        reference=subscription.id,
        reason="Unused time of the previous plan",
    )
    if switched.balance_credit:
        ledger.post(entry)
        batch.ledger.append(LedgerAppend(account.id, (entry,), head))
    result = switched.subscription.evolve(granularity=granularity)
    draft_context = invoice_context(account, ledger, at, result.discount)
    draft = assemble_invoice(
        draft_context,
        switched.invoice_lines,
        BillingReason.SUBSCRIPTION_UPDATE,
        at,
        result.id,
        result.current_period,
        result.currency,
    )
    if preview:
        return Changed(result, None, at), draft
    invoice = Invoice(
        new_id("in"),
        draft,
        collection_method=result.collection_method.value,
        days_until_due=result.days_until_due,
        finalize_at=at + DRAFT_GRACE,
    )
    batch.invoices.append(invoice)
    batch.subscriptions.append(result.evolve(latest_invoice=invoice.id))
    return Changed(services.store.commit(batch).subscriptions[-1], invoice, at), draft
