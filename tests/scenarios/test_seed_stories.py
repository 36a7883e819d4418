"""The seed pages' stories, told through the pure engine (Aircall, Cloudcraft, IBM Cloud)."""

from decimal import Decimal

from billing.invoices.assemble_invoice import assemble_invoice
from billing.invoices.models import BillingReason, Section
from billing.ledger.account_ledger import AccountLedger, EntryKind, LedgerEntry
from billing.subscriptions.engine.create_subscription import NewItem, create_subscription
from billing.subscriptions.engine.preview_invoice import preview_next_invoice
from billing.subscriptions.engine.renew_subscription import close_usage_period, renew_subscription
from billing.subscriptions.engine.switch_interval import switch_interval
from billing.subscriptions.engine.update_subscription import ItemUpdate, update_subscription
from billing.usage.models import UsageEvent, tags_of
from tests.unit.engine.catalog import (
    MINUTES,
    NUMBER,
    NUMBER_YEARLY,
    USER,
    USER_YEARLY,
    at,
    french_context,
    licensed,
)


def minutes(subscription_id, count, day, month=3, year=2026, team="support"):
    return [
        UsageEvent(
            f"call-{year}-{month}-{day}-{n}",
            subscription_id,
            "outbound_minutes",
            Decimal(1),
            at(year, month, day, 10, n % 60),
            tags_of({"team": team}),
        )
        for n in range(count)
    ]


def test_story_aircall_monthly_three_sections():
    # 3 users + 2 numbers, subscribed on March 10: first invoice that day, for the coming month.
    started = create_subscription(
        "sub_air",
        "acct_fr",
        [NewItem("users", USER, 3), NewItem("numbers", NUMBER, 2), NewItem("minutes", MINUTES)],
        now=at(2026, 3, 10, 9),
    )
    first = assemble_invoice(french_context(), started.lines, BillingReason.SUBSCRIPTION_CREATE, at(2026, 3, 10, 9))
    assert [line.amount for line in first.section(Section.RECURRING)] == [9000, 1000]
    assert (first.subtotal, first.taxes[0].amount, first.total) == (10000, 2000, 12000)

    # A user is added on March 25 (16 of 31 days left); 120 outbound minutes during the month.
    added = update_subscription(started.subscription, [ItemUpdate("users", quantity=4)], at(2026, 3, 25, 9))
    events = minutes("sub_air", 60, 12) + minutes("sub_air", 60, 28, team="sales")
    renewed = renew_subscription(added.subscription, at(2026, 4, 10, 9), events)
    invoice = assemble_invoice(
        french_context(), renewed.lines, renewed.billing_reason, at(2026, 4, 10, 9), "sub_air", renewed.period
    )

    recurring = invoice.section(Section.RECURRING)
    prorations = invoice.section(Section.PRORATION)
    (usage,) = invoice.section(Section.USAGE)
    assert [(line.description, line.amount) for line in recurring] == [("4 × User", 12000), ("2 × Number", 1000)]
    assert recurring[0].period.start == at(2026, 4, 10, 9)  # coming month
    assert [(line.amount, line.proration) for line in prorations] == [(-4645, (16, 31)), (6194, (16, 31))]
    assert prorations[0].period.end == at(2026, 4, 10, 9)  # past month
    assert (usage.quantity, usage.amount, usage.period.start) == (Decimal(120), 600, at(2026, 3, 10, 9))
    assert {share.tags: share.amount for share in usage.tag_shares} == {
        (("team", "sales"),): 300,
        (("team", "support"),): 300,
    }
    assert invoice.billing_reason is BillingReason.SUBSCRIPTION_CYCLE
    assert invoice.subtotal == 12000 + 1000 - 4645 + 6194 + 600
    assert invoice.taxes[0].amount == 3030  # 20 % of 151.49, rounded once
    assert invoice.total == 15149 + 3030


def test_story_aircall_annual_yearly_seats_and_monthly_usage():
    started = create_subscription(
        "sub_year",
        "acct_fr",
        [NewItem("users", USER_YEARLY, 3), NewItem("numbers", NUMBER_YEARLY, 2), NewItem("minutes", MINUTES)],
        now=at(2026, 1, 15),
    )
    subscription = started.subscription
    assert sum(line.amount for line in started.lines) == 3 * 30000 + 2 * 5000
    assert subscription.current_period.end == at(2027, 1, 15)
    assert subscription.usage_period.end == at(2026, 2, 15)

    february = close_usage_period(subscription, at(2026, 2, 15), minutes("sub_year", 30, 20, month=1))
    assert february.billing_reason is BillingReason.SUBSCRIPTION_USAGE
    assert [line.section for line in february.lines] == [Section.USAGE]
    assert february.lines[0].amount == 150

    # A user added on March 1, prorated on the yearly seat: billed on the next monthly usage invoice.
    added = update_subscription(february.subscription, [ItemUpdate("users", quantity=4)], at(2026, 3, 1))
    march = close_usage_period(added.subscription, at(2026, 3, 15), minutes("sub_year", 10, 2))
    sections = [line.section for line in march.lines]
    assert sections == [Section.PRORATION, Section.PRORATION, Section.USAGE]
    left, total = march.lines[0].proration
    assert (left, total) == (320, 365)
    assert sum(line.amount for line in march.lines[:2]) == round(30000 * Decimal(320) / 365)

    # The renewal a year later bills the seats again and the last month's usage, once.
    subscription = march.subscription
    for month in range(4, 13):
        subscription = close_usage_period(subscription, at(2026, month, 15)).subscription
    renewal = renew_subscription(subscription, at(2027, 1, 15), minutes("sub_year", 5, 5, month=1, year=2027))
    assert [line.section for line in renewal.lines] == [Section.RECURRING, Section.RECURRING, Section.USAGE]
    assert renewal.lines[0].amount == 4 * 30000
    assert renewal.lines[2].amount == 25


def test_story_cloudcraft_monthly_to_annual_switch_credits_unused_time():
    monthly, annual = licensed("pro_m", 1000), licensed("pro_y", 10000, recurring=USER_YEARLY.recurring)
    started = create_subscription("sub_cc", "acct_fr", [NewItem("plan", monthly)], now=at(2026, 3, 1))
    ledger = AccountLedger("acct_fr", "EUR")
    ledger.post(
        LedgerEntry(
            id="fin:in_1",
            kind=EntryKind.INVOICE_FINALIZED,
            amount=1200,
            currency="EUR",
            at=at(2026, 3, 1),
            reference="in_1",
        )
    )
    ledger.post(LedgerEntry(id="pay:1", kind=EntryKind.PAYMENT, amount=-1200, currency="EUR", at=at(2026, 3, 1)))

    switched = switch_interval(started.subscription, [ItemUpdate("plan", price=annual)], at(2026, 3, 16), Decimal(20))
    assert switched.credit_lines[0].proration == (16, 31)
    assert switched.balance_credit == 516 + 103  # 16/31 of 10.00, with its 20 % VAT
    assert switched.subscription.current_period.start == at(2026, 3, 16)  # the anchor resets
    assert switched.subscription.current_period.end == at(2027, 3, 16)

    ledger.post(
        LedgerEntry(
            id="cc:sub_cc:2026-03-16",
            kind=EntryKind.PRORATION_CREDIT,
            amount=-switched.balance_credit,
            currency="EUR",
            at=at(2026, 3, 16),
        )
    )
    invoice = assemble_invoice(
        french_context(credit=ledger.credit_available()),
        switched.invoice_lines,
        BillingReason.SUBSCRIPTION_UPDATE,
        at(2026, 3, 16),
    )
    assert (invoice.total, invoice.credit_applied, invoice.amount_due) == (12000, 619, 11381)
    allocations = ledger.post(
        LedgerEntry(
            id="fin:in_2",
            kind=EntryKind.INVOICE_FINALIZED,
            amount=invoice.total,
            currency="EUR",
            at=at(2026, 3, 16),
            reference="in_2",
        )
    )
    assert allocations[0].amount == invoice.credit_applied
    assert ledger.remaining("in_2") == invoice.amount_due


def test_story_ibm_partial_payment_over_two_open_invoices():
    ledger = AccountLedger("acct_ibm", "EUR")
    ledger.post(
        LedgerEntry(
            id="fin:in_1",
            kind=EntryKind.INVOICE_FINALIZED,
            amount=5000,
            currency="EUR",
            at=at(2026, 1, 31),
            reference="in_1",
        )
    )
    ledger.post(
        LedgerEntry(
            id="fin:in_2",
            kind=EntryKind.INVOICE_FINALIZED,
            amount=3000,
            currency="EUR",
            at=at(2026, 2, 28),
            reference="in_2",
        )
    )
    made = ledger.post(LedgerEntry(id="pay:1", kind=EntryKind.PAYMENT, amount=-6000, currency="EUR", at=at(2026, 3, 5)))
    assert [(a.receivable_id, a.amount) for a in made] == [("in_1", 5000), ("in_2", 1000)]
    assert (ledger.remaining("in_1"), ledger.remaining("in_2"), ledger.balance()) == (0, 2000, 2000)
    ledger.post(LedgerEntry(id="pay:2", kind=EntryKind.PAYMENT, amount=-2500, currency="EUR", at=at(2026, 3, 6)))
    assert (ledger.remaining("in_2"), ledger.credit_available(), ledger.balance()) == (0, 500, -500)
    # The excess is credit, applied to the next invoice at finalization.
    ledger.post(
        LedgerEntry(
            id="fin:in_3",
            kind=EntryKind.INVOICE_FINALIZED,
            amount=1000,
            currency="EUR",
            at=at(2026, 3, 31),
            reference="in_3",
        )
    )
    assert (ledger.remaining("in_3"), ledger.credit_available()) == (500, 0)


def test_story_preview_then_confirm_with_its_proration_date_matches():
    started = create_subscription(
        "sub_pv", "acct_fr", [NewItem("users", USER, 3), NewItem("minutes", MINUTES)], now=at(2026, 3, 10)
    )
    change = [ItemUpdate("users", quantity=4)]
    # The preview is the change computed and not stored (change_subscription with preview=True).
    proposed = update_subscription(started.subscription, change, at(2026, 3, 20, 14, 3))
    preview = preview_next_invoice(proposed.subscription, french_context())
    confirmed = update_subscription(started.subscription, change, at(2026, 3, 20, 14, 3))
    assert confirmed.subscription == proposed.subscription
    actual = preview_next_invoice(confirmed.subscription, french_context())
    assert actual == preview
    assert [line.section for line in actual.lines][:2] == [Section.RECURRING, Section.PRORATION]
