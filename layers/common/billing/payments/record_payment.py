"""Booking money in: a provider outcome or an operator's record becomes ledger entries, settled
invoices and a receipt, in one transaction.

A provider payment reaches us twice or more (our own call's answer, then webhooks, each possibly
repeated and out of order). All of them land here: a payment only moves up processing → failed →
succeeded, and the ledger entry ``pay:<payment id>`` is posted once, so the same money is never
allocated twice and one receipt is written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from billing.accounts.ports import AccountRepository
from billing.batch import LedgerAppend, WriteBatch
from billing.clock import Clock
from billing.conflicts import attempts
from billing.errors import ConflictError, ErrorCode
from billing.events import DomainEvent, EventType
from billing.ids import new_id
from billing.invoices.models import InvoiceStatus
from billing.invoices.numbering import next_number
from billing.invoices.settle_invoices import paid_events, settled_invoices
from billing.ledger.account_ledger import EntryKind, LedgerEntry
from billing.payments.account_state import status_change
from billing.payments.dunning import DEFAULT_POLICY, DunningPolicy
from billing.payments.models import (
    STATUS_RANK,
    IntentSnapshot,
    Payment,
    PaymentProfile,
    PaymentPurpose,
    PaymentStatus,
    Receipt,
    ReceiptLine,
)
from billing.payments.ports import PaymentGateway

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore

RECEIPT_SERIES = "R"


@dataclass(frozen=True)
class ReadBefore:
    """What the caller of the provider read just before calling it: our payment (none yet) and the account's
    payment profile (it only names the method charged). The first booking starts from them; the provider's
    webhook booked meanwhile makes its commit fail (the payment must not exist yet), and the next attempt
    reads everything again. Not the invoice: the documents function records its PDF on it while the
    provider answers, and a booking from the invoice read before would lose that race every time."""

    payment: Payment | None
    profile: PaymentProfile | None


@dataclass(frozen=True)
class PaymentServices:
    """What the payment use cases need: stores, the clock, the provider and the dunning policy."""

    store: BillingStore
    accounts: AccountRepository
    clock: Clock
    gateway: PaymentGateway
    policy: DunningPolicy = DEFAULT_POLICY


def payment_event(kind: EventType, payment: Payment, at: datetime, **extra: object) -> DomainEvent:
    detail: dict[str, object] = {
        "payment": payment.id,
        "amount": payment.amount,
        "currency": payment.currency,
        "purpose": payment.purpose.value,
        "invoice": payment.invoice_id,
        "status": payment.status.value,
    }
    detail.update(extra)
    return DomainEvent(id=f"{kind}:{payment.id}", type=kind, at=at, account_id=payment.account_id, detail=detail)


def book_success(services: PaymentServices, payment: Payment, now: datetime) -> WriteBatch:
    """Post a succeeded payment: oldest open invoices first (its own invoice first), the rest as
    credit; the invoices it settles; a numbered receipt; the account's state if it changes."""
    store = services.store
    ledger, head = store.ledger(payment.account_id, payment.currency)
    kind = EntryKind.TOP_UP if payment.purpose is PaymentPurpose.TOP_UP else EntryKind.PAYMENT
    entry = LedgerEntry(
        id=f"pay:{payment.id}",
        kind=kind,
        amount=-payment.amount,
        currency=payment.currency,
        at=now,
        reference=payment.id,
        reason=payment.reference,
    )
    allocations = ledger.post(entry, settle_first=payment.invoice_id)
    invoices = settled_invoices(store, allocations)
    # A paid invoice is no longer collected: no retry, no reminder.
    invoices = [
        replace(invoice, next_charge_at=None, dunning_at=None) if invoice.status is InvoiceStatus.PAID else invoice
        for invoice in invoices
    ]
    by_id = {invoice.id: invoice for invoice in invoices}
    settled = tuple((a.receivable_id, a.amount) for a in allocations)
    credit_added = payment.amount - sum(amount for _, amount in settled)
    number, advance = next_number(store, RECEIPT_SERIES, now)
    account = services.accounts.get(payment.account_id)
    receipt = Receipt(
        id=new_id("rcpt"),
        number=number,
        account_id=payment.account_id,
        payment_id=payment.id,
        created=now,
        amount=payment.amount,
        currency=payment.currency,
        purpose=payment.purpose,
        method_label=payment.method_label or payment.method_type,
        lines=tuple(
            ReceiptLine(invoice_id, by_id[invoice_id].number, amount)
            for invoice_id, amount in settled
            if invoice_id in by_id
        ),
        credit_added=credit_added,
        balance_after=ledger.balance(),
        reference=payment.reference,
        extra_text=account.profile.receipt_settings.extra_text if account else None,
    )
    payment = replace(payment, allocations=settled, credit_added=credit_added, receipt_id=receipt.id)
    events = [
        payment_event(EventType.PAYMENT_SUCCEEDED, payment, now, receipt=receipt.id),
        DomainEvent(
            id=f"receipt.created:{receipt.id}",
            type=EventType.RECEIPT_CREATED,
            at=now,
            account_id=payment.account_id,
            detail={"receipt": receipt.id, "number": number, "payment": payment.id, "amount": payment.amount},
        ),
    ]
    events += paid_events(invoices, now, payment=payment.id)
    batch = WriteBatch(
        payments=[payment],
        receipts=[receipt],
        invoices=invoices,
        ledger=[LedgerAppend(payment.account_id, (entry,), head)],
        series=[advance],
        events=events,
    )
    change = status_change(store, services.accounts, payment.account_id, invoices, now, services.policy, account)
    if change is not None:
        batch.account_statuses.append(change[0])
        batch.events.append(change[1])
    return batch


def book_failure(services: PaymentServices, payment: Payment, now: datetime) -> WriteBatch:
    """A failed payment; on an automatic charge, schedule the policy's next attempt (none after a
    hard decline or the last retry)."""
    batch = WriteBatch(payments=[payment])
    next_attempt = None
    invoice = services.store.get_invoice(payment.invoice_id) if payment.invoice_id else None
    if (
        invoice is not None
        and invoice.status is InvoiceStatus.OPEN
        and payment.attempt is not None
        and invoice.charge_attempts == payment.attempt  # a late failure of an older attempt changes nothing
    ):
        first_failure = invoice.first_failure_at or now
        next_attempt = services.policy.retry_at(first_failure, payment.attempt, payment.failure)
        batch.invoices.append(replace(invoice, first_failure_at=first_failure, next_charge_at=next_attempt))
    failure = payment.failure
    batch.events.append(
        payment_event(
            EventType.PAYMENT_FAILED,
            payment,
            now,
            attempt=payment.attempt,
            failure_code=failure.code if failure else None,
            failure_message=failure.message if failure else None,
            hard_decline=failure.hard if failure else False,
            next_attempt_at=next_attempt.isoformat() if next_attempt else None,
        )
    )
    return batch


def apply_intent(
    services: PaymentServices, snapshot: IntentSnapshot, before: ReadBefore | None = None
) -> Payment | None:
    """Bring our payment up to what the provider says; safe to call with any snapshot, any number of
    times, in any order. Returns the payment as stored (None: not one of ours, or no outcome yet)."""
    if snapshot.payment_id is None or snapshot.account_id is None or snapshot.purpose is None:
        return None  # not created by us (a payment made in Stripe's dashboard): nothing to book
    for _ in attempts():
        existing = before.payment if before else services.store.get_payment(snapshot.payment_id)
        if snapshot.status is None or (
            existing is not None and STATUS_RANK[existing.status] >= STATUS_RANK[snapshot.status]
        ):
            return existing  # a replay, or news older than what we know
        now = services.clock.now()
        profile = before.profile if before else services.store.get_payment_profile(snapshot.account_id)
        payment = _from_snapshot(snapshot, existing, profile, now)
        if payment.status is PaymentStatus.SUCCEEDED:
            batch = book_success(services, payment, now)
        elif payment.status is PaymentStatus.FAILED:
            batch = book_failure(services, payment, now)
        else:  # processing, or waiting for the customer to authenticate
            kind = EventType(f"payment.{payment.status.value}")
            batch = WriteBatch(payments=[payment], events=[payment_event(kind, payment, now)])
        try:
            committed = services.store.commit(batch)
        except ConflictError:
            before = None  # a concurrent delivery or payment moved something: read again
            continue
        return committed.payments[0]
    raise ConflictError(ErrorCode.PAYMENT_CONFLICT, f"Payment {snapshot.payment_id} kept changing; retry.")


def _from_snapshot(
    snapshot: IntentSnapshot, existing: Payment | None, profile: PaymentProfile | None, now: datetime
) -> Payment:
    assert snapshot.status is not None
    assert snapshot.payment_id
    assert snapshot.account_id
    assert snapshot.purpose
    method_id = snapshot.method_id or (existing.method_id if existing else None)
    method = profile.method(method_id) if profile and method_id else None
    base = existing or Payment(
        id=snapshot.payment_id,
        account_id=snapshot.account_id,
        amount=snapshot.amount,
        currency=snapshot.currency.upper(),
        purpose=snapshot.purpose,
        status=snapshot.status,
        created=now,
        method_type=snapshot.method_type or (method.type if method else "card"),
        invoice_id=snapshot.invoice_id,
        attempt=snapshot.attempt,
    )
    return replace(
        base,
        status=snapshot.status,
        provider_id=snapshot.provider_id or base.provider_id,
        method_id=method_id,
        method_label=method.label if method else snapshot.metadata.get("method_label") or base.method_label,
        failure=snapshot.failure if snapshot.status is PaymentStatus.FAILED else None,
        succeeded_at=now if snapshot.status is PaymentStatus.SUCCEEDED else None,
    )
