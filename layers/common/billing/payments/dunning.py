"""Dunning, declared (Kill Bill's overdue states): charge retries, reminders, account states.

One policy says everything: when a failed automatic charge is retried (never after a hard decline),
which reminders go out before and after the due date, and after how many days past due an account
moves ``warning`` → ``restricted`` (no new purchases) → ``suspended``. The billing run walks each
open invoice through the policy's steps; paying everything returns the account to ``active``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from billing.accounts.models import AccountStatus
from billing.accounts.standing import DEFAULT_OVERDUE_STATES, OverdueStates
from billing.events import DomainEvent, EventType

if TYPE_CHECKING:
    from billing.invoices.models import Invoice
    from billing.payments.models import Failure


class StepAction(StrEnum):
    REMINDER = "reminder"  # an email to the billing contact
    OVERDUE = "overdue"  # the due date passed: ``invoice.overdue``, once
    STATUS = "status"  # re-evaluate the account's state


@dataclass(frozen=True, slots=True)
class DunningStep:
    """One step of the dunning schedule, so many days from the due date: a reminder, the overdue notice, or the
    account's state looked at again."""

    days_from_due: int  # negative: before the due date
    action: StepAction


@dataclass(frozen=True, slots=True)
class DunningPolicy:
    """When an unpaid invoice is retried and reminded, and when its account is warned, restricted or suspended."""

    retry_days: tuple[int, ...] = (1, 3, 5, 7)  # after the first failed charge (Stripe's smart-retry spread)
    reminders_before_due: tuple[int, ...] = (3,)  # sent invoices only: an automatic charge needs none
    reminders_after_due: tuple[int, ...] = (1, 7, 14)
    warning_after_days: int = 1
    restricted_after_days: int = 15
    suspended_after_days: int = 30
    minimum_overdue: int = 0  # owing this much or less (minor units) never changes the account's state
    states: OverdueStates = DEFAULT_OVERDUE_STATES  # what each state blocks (accounts/standing.py)

    def steps(self, collection_method: str) -> tuple[DunningStep, ...]:
        steps = [DunningStep(0, StepAction.OVERDUE)] if collection_method == "send_invoice" else []
        if collection_method == "send_invoice":
            steps += [DunningStep(-days, StepAction.REMINDER) for days in self.reminders_before_due]
        steps += [DunningStep(days, StepAction.REMINDER) for days in self.reminders_after_due]
        thresholds = (self.warning_after_days, self.restricted_after_days, self.suspended_after_days)
        steps += [DunningStep(days, StepAction.STATUS) for days in thresholds]
        return tuple(sorted(steps, key=lambda step: (step.days_from_due, list(StepAction).index(step.action))))

    def step_at(self, due_at: datetime, step: DunningStep) -> datetime:
        return due_at + timedelta(days=step.days_from_due)

    def retry_at(self, first_failure: datetime, attempts_made: int, failure: Failure | None) -> datetime | None:
        """When to charge again after ``attempts_made`` attempts (None: stop retrying)."""
        if failure is not None and failure.hard:
            return None
        retry = attempts_made - 1  # the first attempt is not a retry
        if retry >= len(self.retry_days):
            return None
        return first_failure + timedelta(days=self.retry_days[retry])

    def status_for(self, days_past_due: int) -> AccountStatus:
        if days_past_due >= self.suspended_after_days:
            return AccountStatus.SUSPENDED
        if days_past_due >= self.restricted_after_days:
            return AccountStatus.RESTRICTED
        if days_past_due >= self.warning_after_days:
            return AccountStatus.WARNING
        return AccountStatus.ACTIVE

    def account_status(self, open_invoices: Iterable[Invoice], now: datetime) -> AccountStatus:
        """The state an account's unpaid invoices put it in now (its oldest overdue one decides)."""
        overdue = [
            invoice
            for invoice in open_invoices
            if invoice.amount_remaining > 0 and invoice.due_at is not None and invoice.due_at <= now
        ]
        if not overdue or sum(invoice.amount_remaining for invoice in overdue) <= self.minimum_overdue:
            return AccountStatus.ACTIVE
        oldest = min(invoice.due_at for invoice in overdue if invoice.due_at is not None)
        return self.status_for((now - oldest).days)


DEFAULT_POLICY = DunningPolicy()

# Declines a retry cannot fix (Stripe's decline codes): ask the customer for another method instead.
HARD_DECLINES = frozenset(
    {
        "expired_card",
        "incorrect_number",
        "invalid_account",
        "lost_card",
        "stolen_card",
        "pickup_card",
        "fraudulent",
        "restricted_card",
        "revocation_of_authorization",
        "security_violation",
        "account_closed",
        "no_account",
    }
)


def status_changed_event(account_id: str, old: AccountStatus, new: AccountStatus, now: datetime) -> DomainEvent:
    return DomainEvent(
        id=f"account.status_changed:{account_id}:{now.isoformat()}:{new.value}",
        type=EventType.ACCOUNT_STATUS_CHANGED,
        at=now,
        account_id=account_id,
        detail={"account": account_id, "previous_status": old.value, "status": new.value},
    )
