"""Collecting one invoice: its automatic charge attempts and its walk through the dunning policy.

Pure: given an invoice and the time, what changes and which events say so. The billing run applies it
to invoices the DUE index names; finalization starts it (``begin_collection``, given by its callers).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from billing.events import DomainEvent, EventType
from billing.invoices.models import Invoice, InvoiceStatus
from billing.payments.dunning import DEFAULT_POLICY, DunningPolicy, StepAction

CHARGE_AUTOMATICALLY = "charge_automatically"


def charge_due_event(invoice: Invoice, attempt: int, at: datetime) -> DomainEvent:
    """Asks the payments function to charge this attempt (one event id per attempt: charged once)."""
    return DomainEvent(
        id=f"invoice.charge_due:{invoice.id}:{attempt}",
        type=EventType.INVOICE_CHARGE_DUE,
        at=at,
        account_id=invoice.account_id,
        detail={
            "invoice": invoice.id,
            "attempt": attempt,
            "amount_due": invoice.amount_remaining,
            "currency": invoice.draft.currency,
        },
    )


def start_collection(invoice: Invoice, now: datetime, policy: DunningPolicy = DEFAULT_POLICY) -> Invoice:
    """A just-finalized invoice: schedule its first dunning step; an automatic one is on attempt 1
    (``charge_due_event`` asks for it)."""
    if invoice.status is not InvoiceStatus.OPEN or invoice.due_at is None:
        return invoice
    steps = policy.steps(invoice.collection_method)
    invoice = replace(invoice, dunning_step=0, dunning_at=policy.step_at(invoice.due_at, steps[0]) if steps else None)
    if invoice.collection_method != CHARGE_AUTOMATICALLY:
        return invoice
    return replace(invoice, charge_attempts=1)


def begin_collection(invoice: Invoice, now: datetime) -> tuple[Invoice, list[DomainEvent]]:
    """``start_collection``, and the event asking for an automatic invoice's first charge."""
    collected = start_collection(invoice, now)
    return collected, [charge_due_event(collected, 1, now)] if collected.charge_attempts == 1 else []


def collect_due(
    invoice: Invoice, now: datetime, policy: DunningPolicy = DEFAULT_POLICY
) -> tuple[Invoice, list[DomainEvent], bool]:
    """What fell due on an open invoice: a charge retry, dunning steps. Returns the invoice, its
    events, and whether the account's state must be evaluated again."""
    events: list[DomainEvent] = []
    if invoice.next_charge_at is not None and invoice.next_charge_at <= now:
        attempt = invoice.charge_attempts + 1
        invoice = replace(invoice, charge_attempts=attempt, next_charge_at=None)
        events.append(charge_due_event(invoice, attempt, now))
    steps = policy.steps(invoice.collection_method)
    step, evaluate, reminder = invoice.dunning_step, False, None
    due = invoice.due_at
    while due is not None and step < len(steps) and policy.step_at(due, steps[step]) <= now:
        action = steps[step].action
        if action is StepAction.REMINDER:
            reminder = steps[step].days_from_due  # after a pause, only the latest reminder goes out
        elif action is StepAction.OVERDUE:
            events.append(_overdue_event(invoice, now))
        else:
            evaluate = True
        step += 1
    if reminder is not None:
        events.append(_reminder_event(invoice, reminder, now))
    next_step = policy.step_at(due, steps[step]) if due is not None and step < len(steps) else None
    return replace(invoice, dunning_step=step, dunning_at=next_step), events, evaluate


def _overdue_event(invoice: Invoice, now: datetime) -> DomainEvent:
    return DomainEvent(
        id=f"invoice.overdue:{invoice.id}",
        type=EventType.INVOICE_OVERDUE,
        at=now,
        account_id=invoice.account_id,
        detail={
            "invoice": invoice.id,
            "number": invoice.number,
            "amount_remaining": invoice.amount_remaining,
            "currency": invoice.draft.currency,
            "due_at": invoice.due_at.isoformat() if invoice.due_at else None,
        },
    )


def _reminder_event(invoice: Invoice, days_from_due: int, now: datetime) -> DomainEvent:
    return DomainEvent(
        id=f"invoice.payment_reminder:{invoice.id}:{days_from_due}",
        type=EventType.INVOICE_PAYMENT_REMINDER,
        at=now,
        account_id=invoice.account_id,
        detail={
            "invoice": invoice.id,
            "number": invoice.number,
            "days_from_due": days_from_due,
            "amount_remaining": invoice.amount_remaining,
            "currency": invoice.draft.currency,
            "due_at": invoice.due_at.isoformat() if invoice.due_at else None,
        },
    )
