"""Subscription use cases behind the API: subscribe, read, change (with preview), cancel.

Each reads what it needs, runs the pure engine, and writes the result in one batch: the subscription
(checked against the version it read), its new invoice draft, coupon counters, ledger entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from billing.accounts.access import Permission, Principal, require_access, require_operator
from billing.accounts.models import Account, AccountStatus
from billing.batch import LedgerAppend, WriteBatch
from billing.clock import Clock
from billing.discounts.apply_discount import remaining_discount
from billing.discounts.models import AppliedDiscount
from billing.discounts.redeem import redeem_coupon, redeem_promotion_code
from billing.errors import BusinessRuleError, ErrorCode, InvalidInputError, NotFoundError
from billing.events import DomainEvent, EventType
from billing.ids import new_id
from billing.invoices.assemble_invoice import assemble_invoice
from billing.invoices.invoice_context import invoice_context
from billing.invoices.invoice_items import one_off_line
from billing.invoices.models import DRAFT_GRACE, BillingReason, DraftInvoice, Invoice, InvoiceLine
from billing.ledger.account_ledger import EntryKind, LedgerEntry
from billing.periods import Period
from billing.ports import AccountRepository, BillingStore, Page, PageRequest, UsageStore
from billing.subscriptions.cancel_subscription import cancel_subscription
from billing.subscriptions.create_subscription import NewItem, create_subscription
from billing.subscriptions.models import CollectionMethod, ProrationBehavior, Subscription
from billing.subscriptions.preview_invoice import preview_next_invoice
from billing.subscriptions.switch_interval import switch_interval
from billing.subscriptions.update_subscription import ItemUpdate, update_subscription


@dataclass(frozen=True, slots=True)
class ItemRequest:
    price_id: str | None = None
    quantity: int | None = None
    id: str | None = None  # an existing item (PATCH); absent: a new item
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class SubscribeRequest:
    account_id: str
    items: Sequence[ItemRequest]
    trial_period_days: int | None = None
    collection_method: CollectionMethod = CollectionMethod.CHARGE_AUTOMATICALLY
    days_until_due: int | None = None
    coupon: str | None = None
    promotion_code: str | None = None
    billing_cycle_anchor: datetime | None = None
    start_date: datetime | None = None
    managed_by: str | None = None


@dataclass(frozen=True, slots=True)
class Subscribed:
    subscription: Subscription
    invoice: Invoice | None


@dataclass(frozen=True, slots=True)
class Services:
    store: BillingStore
    accounts: AccountRepository
    usage: UsageStore
    clock: Clock


def _account(services: Services, account_id: str) -> Account:
    account = services.accounts.get(account_id)
    if account is None:
        raise NotFoundError(ErrorCode.ACCOUNT_NOT_FOUND, f"No account {account_id}.", "account")
    return account


def get_subscription(services: Services, principal: Principal, subscription_id: str) -> Subscription:
    subscription = services.store.get_subscription(subscription_id)
    if subscription is None:
        raise NotFoundError(ErrorCode.SUBSCRIPTION_NOT_FOUND, f"No subscription {subscription_id}.", "subscription_id")
    try:
        require_access(principal, subscription.account_id, Permission.BILLING_READ)
    except NotFoundError as error:
        raise NotFoundError(
            ErrorCode.SUBSCRIPTION_NOT_FOUND, f"No subscription {subscription_id}.", "subscription_id"
        ) from error
    return subscription


def list_subscriptions(
    services: Services, principal: Principal, account_id: str, page: PageRequest
) -> Page[Subscription]:
    require_access(principal, account_id, Permission.BILLING_READ)
    return services.store.list_subscriptions(account_id, page)


def _prices(services: Services, items: Sequence[ItemRequest]) -> dict[str, object]:
    wanted = {item.price_id for item in items if item.price_id}
    found = services.store.get_prices(wanted)
    missing = sorted(wanted - set(found))
    if missing:
        raise InvalidInputError(ErrorCode.PRICE_NOT_FOUND, f"No price {missing[0]}.", "items.price")
    return dict(found)


def _discount(
    services: Services, request: SubscribeRequest, now: datetime, batch: WriteBatch
) -> AppliedDiscount | None:
    if request.coupon and request.promotion_code:
        raise InvalidInputError(
            ErrorCode.ONE_DISCOUNT, "Give a coupon or a promotion code, not both.", "promotion_code"
        )
    if request.promotion_code:
        found_code = services.store.find_promotion_code(request.promotion_code)
        if found_code is None:
            raise InvalidInputError(ErrorCode.PROMOTION_CODE_NOT_FOUND, "Unknown promotion code.", "promotion_code")
        code, code_version = found_code
        found_coupon = services.store.get_coupon(code.coupon_id)
        if found_coupon is None:
            raise InvalidInputError(ErrorCode.COUPON_NOT_FOUND, "The code's coupon no longer exists.", "promotion_code")
        coupon, coupon_version = found_coupon
        has_invoices = bool(services.store.list_invoices(request.account_id, None, PageRequest(limit=1)).items)
        code, coupon, applied = redeem_promotion_code(code, coupon, now, request.account_id, has_invoices)
        batch.promotion_codes.append((code, code_version))
        batch.coupons.append((coupon, coupon_version))
        return applied
    if request.coupon:
        found = services.store.get_coupon(request.coupon)
        if found is None:
            raise InvalidInputError(ErrorCode.COUPON_NOT_FOUND, f"No coupon {request.coupon}.", "coupon")
        coupon, version = found
        coupon, applied = redeem_coupon(coupon, now)
        batch.coupons.append((coupon, version))
        return applied
    return None


def draft_invoice(
    services: Services,
    account: Account,
    subscription: Subscription,
    lines: list[InvoiceLine],
    reason: BillingReason,
    now: datetime,
    batch: WriteBatch,
    period: Period | None = None,
) -> tuple[Subscription, Invoice]:
    """Draft an invoice of these lines (plus the account's pending one-off items) into the batch.

    The draft waits for its grace period (late usage and adjustments can still land), then the billing
    run finalizes it. ``invoice.created`` goes to the outbox in the same batch.
    """
    pending = services.store.pending_items(account.id)
    ledger, _ = services.store.ledger(account.id, subscription.currency)
    context = invoice_context(account, ledger, now, subscription.discount)
    draft = assemble_invoice(
        context,
        [*lines, *(one_off_line(item) for item in pending)],
        reason,
        now,
        subscription.id,
        period or subscription.current_period,
        subscription.currency,
    )
    invoice = Invoice(
        new_id("in"),
        draft,
        collection_method=subscription.collection_method.value,
        days_until_due=subscription.days_until_due,
        finalize_at=now + DRAFT_GRACE,
    )
    subscription = subscription.evolve(discount=remaining_discount(subscription.discount, bool(draft.discounts)))
    batch.invoices.append(invoice)
    batch.consumed_items.extend(pending)
    batch.events.append(
        DomainEvent(
            f"invoice.created:{invoice.id}",
            EventType.INVOICE_CREATED,
            now,
            account.id,
            {
                "invoice": invoice.id,
                "subscription": subscription.id,
                "billing_reason": reason.value,
                "total": draft.total,
                "currency": draft.currency,
            },
        )
    )
    return subscription, invoice


def _may_purchase(account: Account) -> None:
    """Dunning's ``restricted`` and ``suspended`` states allow no new purchase until what is overdue is paid."""
    if account.status in (AccountStatus.RESTRICTED, AccountStatus.SUSPENDED):
        raise BusinessRuleError(
            ErrorCode.ACCOUNT_RESTRICTED,
            f"This account is {account.status.value}: pay what is overdue before subscribing again.",
            "account",
        )


def subscribe(services: Services, principal: Principal, request: SubscribeRequest) -> Subscribed:
    require_access(principal, request.account_id, Permission.BILLING_MANAGE)
    if request.managed_by is not None:
        require_operator(principal)  # marketplace subscriptions are imported by the seller, not created
    account = _account(services, request.account_id)
    _may_purchase(account)
    if any(item.price_id is None for item in request.items):
        raise InvalidInputError(ErrorCode.PRICE_REQUIRED, "Each item names a price.", "items.price")
    prices = _prices(services, request.items)
    now = services.clock.now()
    batch = WriteBatch()
    discount = _discount(services, request, now, batch)
    started = create_subscription(
        new_id("sub"),
        account.id,
        [
            NewItem(new_id("si"), prices[item.price_id], 1 if item.quantity is None else item.quantity)  # type: ignore[arg-type,index]
            for item in request.items
        ],
        now=now,
        start=request.start_date,
        trial_period_days=request.trial_period_days,
        billing_cycle_anchor=request.billing_cycle_anchor,
        collection_method=request.collection_method,
        days_until_due=request.days_until_due,
        discount=discount,
        managed_by=request.managed_by,
    )
    subscription, invoice = started.subscription, None
    if started.lines:
        subscription, invoice = draft_invoice(
            services, account, subscription, started.lines, BillingReason.SUBSCRIPTION_CREATE, now, batch
        )
    batch.subscriptions.append(subscription)
    services.store.commit(batch)
    return Subscribed(replace(subscription, version=1), invoice)


@dataclass(frozen=True, slots=True)
class ChangeRequest:
    items: Sequence[ItemRequest]
    proration_behavior: ProrationBehavior = ProrationBehavior.CREATE_PRORATIONS
    proration_date: datetime | None = None
    at_period_end: bool = False


@dataclass(frozen=True, slots=True)
class Changed:
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


def change_subscription(
    services: Services, principal: Principal, subscription_id: str, request: ChangeRequest, preview: bool = False
) -> tuple[Changed, DraftInvoice | None]:
    """Apply (or, with ``preview``, only compute) a change; returns the change and the preview invoice.

    Owners may change their own plan; members need ``billing.manage``. A change of licensed interval
    switches the plan at once (Cloudcraft), with the unused time credited to the balance.
    """
    subscription = get_subscription(services, principal, subscription_id)
    require_access(principal, subscription.account_id, Permission.BILLING_MANAGE)
    account = _account(services, subscription.account_id)
    prices = _prices(services, request.items)
    now = services.clock.now()
    at = request.proration_date or now
    updates = _updates(subscription, request.items, prices)
    new_months = {p.recurring.months for p in prices.values() if p.recurring and not p.is_metered}  # type: ignore[attr-defined]
    batch = WriteBatch()
    if new_months and new_months != {subscription.cycle.months}:
        return _switch(services, account, subscription, updates, at, preview, batch)

    updated = update_subscription(subscription, updates, at, request.proration_behavior, request.at_period_end)
    result, invoice, preview_draft = updated.subscription, None, None
    if updated.invoice_now:
        result, invoice = draft_invoice(
            services, account, result, updated.invoice_now, BillingReason.SUBSCRIPTION_UPDATE, at, batch
        )
        preview_draft = invoice.draft
    elif preview:
        ledger, _ = services.store.ledger(account.id, subscription.currency)
        events = services.usage.events(subscription.id, result.usage_period.start, result.usage_period.end)
        preview_draft = preview_next_invoice(result, invoice_context(account, ledger, now, result.discount), events)
    if not preview:
        batch.subscriptions.append(result)
        services.store.commit(batch)
        result = replace(result, version=result.version + 1)
    return Changed(result, None if preview else invoice, at), preview_draft


def _switch(
    services: Services,
    account: Account,
    subscription: Subscription,
    updates: list[ItemUpdate],
    at: datetime,
    preview: bool,
    batch: WriteBatch,
) -> tuple[Changed, DraftInvoice | None]:
    ledger, head = services.store.ledger(account.id, subscription.currency)
    context = invoice_context(account, ledger, at)
    events = services.usage.events(subscription.id, subscription.usage_period.start, at)
    switched = switch_interval(subscription, updates, at, context.vat.rate, events)
    entry = LedgerEntry(
        f"switch:{subscription.id}:{at.isoformat()}",
        EntryKind.PRORATION_CREDIT,
        -switched.balance_credit,
        subscription.currency,
        at,
        subscription.id,
        "Unused time of the previous plan",
    )
    if switched.balance_credit:
        ledger.post(entry)
        batch.ledger.append(LedgerAppend(account.id, (entry,), head))
    result = switched.subscription
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
    batch.subscriptions.append(result)
    services.store.commit(batch)
    return Changed(replace(result, version=result.version + 1), invoice, at), draft


def cancel(
    services: Services, principal: Principal, subscription_id: str, at_period_end: bool
) -> tuple[Subscription, Invoice | None]:
    subscription = get_subscription(services, principal, subscription_id)
    require_access(principal, subscription.account_id, Permission.BILLING_MANAGE)
    now = services.clock.now()
    events = services.usage.events(subscription.id, subscription.usage_period.start, now)
    canceled = cancel_subscription(subscription, now, at_period_end=at_period_end, events=events)
    batch = WriteBatch()
    result, invoice = canceled.subscription, None
    if canceled.final_lines:
        account = _account(services, subscription.account_id)
        result, invoice = draft_invoice(
            services, account, result, canceled.final_lines, BillingReason.SUBSCRIPTION_UPDATE, now, batch
        )
    batch.subscriptions.append(result)
    services.store.commit(batch)
    return replace(result, version=result.version + 1), invoice


def preview_upcoming(services: Services, principal: Principal, subscription_id: str) -> DraftInvoice:
    subscription = get_subscription(services, principal, subscription_id)
    account = _account(services, subscription.account_id)
    ledger, _ = services.store.ledger(account.id, subscription.currency)
    now = services.clock.now()
    events = services.usage.events(subscription.id, subscription.usage_period.start, subscription.usage_period.end)
    draft = preview_next_invoice(subscription, invoice_context(account, ledger, now, subscription.discount), events)
    pending = services.store.pending_items(account.id)
    if pending:
        lines = [*draft.lines, *(one_off_line(item) for item in pending)]
        draft = assemble_invoice(
            invoice_context(account, ledger, now, subscription.discount),
            lines,
            draft.billing_reason,
            draft.created,
            subscription.id,
            draft.period,
            draft.currency,
        )
    return draft
