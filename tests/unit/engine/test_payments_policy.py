"""Pure payment rules: which methods an account may save, the dunning policy, an invoice's collection
walk, the pacing under Stripe's rate limit."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from billing.accounts.models import AccountStatus
from billing.invoices.models import BillingReason, DraftInvoice, Invoice, InvoiceStatus
from billing.payments.collection import collect_due, start_collection
from billing.payments.dunning import DEFAULT_POLICY, DunningPolicy, StepAction
from billing.payments.methods import method_types_for
from billing.payments.models import Failure
from billing.payments.pacing import Pacer

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)


def invoice(collection: str = "charge_automatically", days: int = 0, total: int = 3600) -> Invoice:
    draft = DraftInvoice(
        account_id="acct_1",
        currency="EUR",
        billing_reason=BillingReason.MANUAL,
        created=T0,
        lines=(),
        subtotal=total,
        discounts=(),
        taxes=(),
        total=total,
        credit_applied=0,
        amount_due=total,
        excess_credit=0,
        previous_unpaid=0,
        vat_mention=None,
    )
    return Invoice(
        "in_1",
        draft,
        status=InvoiceStatus.OPEN,
        number="F-2026-000001",
        finalized_at=T0,
        due_at=T0 + timedelta(days=days),
        collection_method=collection,
        days_until_due=days or None,
    )


@pytest.mark.parametrize(
    ("country", "currency", "expected"),
    [
        ("FR", "EUR", ("card", "sepa_debit", "paypal")),
        ("US", "USD", ("card", "us_bank_account")),
        ("GB", "GBP", ("card", "paypal")),
        ("JP", "JPY", ("card",)),
        ("FR", "USD", ("card",)),
    ],
)
def test_payment_methods_follow_country_and_currency(country, currency, expected):
    assert method_types_for(country, currency) == expected


def test_retries_follow_the_days_after_the_first_failure_and_stop_on_hard_declines():
    policy = DunningPolicy(retry_days=(1, 3, 5, 7))
    soft = Failure("card_declined", "Declined", hard=False)
    assert [policy.retry_at(T0, attempts, soft) for attempts in range(1, 6)] == [
        T0 + timedelta(days=1),
        T0 + timedelta(days=3),
        T0 + timedelta(days=5),
        T0 + timedelta(days=7),
        None,
    ]
    assert policy.retry_at(T0, 1, Failure("stolen_card", "Stolen", hard=True)) is None


def test_account_state_follows_the_oldest_overdue_invoice():
    policy = DEFAULT_POLICY
    overdue = invoice()
    assert policy.account_status([overdue], T0) is AccountStatus.ACTIVE
    assert policy.account_status([overdue], T0 + timedelta(days=1)) is AccountStatus.WARNING
    assert policy.account_status([overdue], T0 + timedelta(days=15)) is AccountStatus.RESTRICTED
    assert policy.account_status([overdue], T0 + timedelta(days=30)) is AccountStatus.SUSPENDED
    paid = replace(overdue, amount_paid=3600, status=InvoiceStatus.PAID)
    assert policy.account_status([paid], T0 + timedelta(days=30)) is AccountStatus.ACTIVE
    small = DunningPolicy(minimum_overdue=5000)
    assert small.account_status([overdue], T0 + timedelta(days=30)) is AccountStatus.ACTIVE


def test_sent_invoice_walk_reminds_before_flags_overdue_once_and_escalates():
    sent = start_collection(invoice("send_invoice", days=30), T0)
    assert sent.charge_attempts == 0
    assert sent.dunning_at == T0 + timedelta(days=27)  # the reminder three days before
    walked, events, evaluate = collect_due(sent, T0 + timedelta(days=27, hours=1))
    assert [e.type for e in events] == ["invoice.payment_reminder"]
    assert not evaluate
    walked, events, evaluate = collect_due(walked, T0 + timedelta(days=31, hours=1))
    assert [e.type for e in events] == ["invoice.overdue", "invoice.payment_reminder"]
    assert evaluate  # day 1 past due: the account's state is looked at again
    assert walked.dunning_at == T0 + timedelta(days=37)


def test_a_long_pause_sends_only_the_latest_reminder():
    sent = start_collection(invoice("send_invoice", days=30), T0)
    _, events, _ = collect_due(sent, T0 + timedelta(days=60))
    reminders = [e for e in events if e.type == "invoice.payment_reminder"]
    assert [e.detail["days_from_due"] for e in reminders] == [14]
    assert [e.type for e in events].count("invoice.overdue") == 1


def test_automatic_invoice_asks_for_a_charge_at_finalization_and_on_each_retry():
    charged = start_collection(invoice(), T0)
    assert charged.charge_attempts == 1
    retry = replace(charged, next_charge_at=T0 + timedelta(days=1))
    walked, events, _ = collect_due(retry, T0 + timedelta(days=1, minutes=5))
    assert walked.charge_attempts == 2
    assert walked.next_charge_at is None
    assert [e.id for e in events if e.type == "invoice.charge_due"] == ["invoice.charge_due:in_1:2"]
    assert all(step.action is not StepAction.OVERDUE for step in DEFAULT_POLICY.steps("charge_automatically"))


def test_pacer_spaces_calls_at_the_share_of_the_rate_limit():
    now, slept = [0.0], []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(lambda: now[0], sleep, per_second=10)
    for _ in range(5):
        pacer.wait()
    assert now[0] == pytest.approx(0.4)  # five calls in 0.4 s: ten per second at most
    assert len(slept) == 4
