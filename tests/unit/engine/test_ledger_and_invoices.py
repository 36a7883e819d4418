"""Ledger and invoice invariants: hypothesis properties and a state machine against a reference model."""

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from billing.catalog.rating import exact_amount
from billing.errors import ConflictError
from billing.invoices.assemble_invoice import assemble_invoice
from billing.invoices.invoice_items import InvoiceItem, invoice_now, one_off_line
from billing.invoices.models import BillingReason, InvoiceLine, Section
from billing.ledger.account_ledger import AccountLedger, EntryKind, LedgerEntry
from billing.money import allocate, round_minor
from billing.subscriptions.engine.create_subscription import NewItem, create_subscription
from billing.subscriptions.engine.update_subscription import ItemUpdate, update_subscription
from tests.unit.engine.catalog import at, french_context, licensed

START = at(2026, 1, 1)
amounts = st.integers(min_value=-(10**9), max_value=10**9)


@given(st.lists(st.integers(min_value=-(10**7), max_value=10**8), min_size=1, max_size=30), st.integers(0, 100))
def test_property_invoice_total_is_the_sum_of_lines_and_never_negative(line_amounts, credit):
    lines = [InvoiceLine(Section.ONE_OFF, f"l{i}", "EUR", a) for i, a in enumerate(line_amounts)]
    invoice = assemble_invoice(french_context(credit=credit), lines, BillingReason.MANUAL, START)
    assert invoice.subtotal == sum(line_amounts)
    gross = invoice.subtotal + sum(tax.amount for tax in invoice.taxes)
    assert invoice.total == max(0, gross)
    assert invoice.excess_credit == max(0, -gross)
    assert 0 <= invoice.amount_due == invoice.total - invoice.credit_applied
    assert invoice.credit_applied <= credit


@given(total=amounts, weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=20))
def test_property_allocation_conserves_every_minor_unit(total, weights):
    parts = allocate(total, weights)
    assert sum(parts) == (total if sum(weights) else 0)


@given(unit=st.decimals(min_value=0, max_value=10**6, places=12, allow_nan=False), qty=st.integers(0, 10**6))
def test_property_rounding_never_drifts_more_than_half_a_unit_per_line(unit, qty):
    item = InvoiceItem("ii", "acct", "EUR", "x", unit, Decimal(qty or 1))
    line = one_off_line(item)
    assert abs(Decimal(line.amount) - unit * (qty or 1)) <= Decimal("0.5")


@given(old=st.integers(0, 10**6), new=st.integers(0, 10**6), quantity=st.integers(1, 50), day=st.integers(1, 28))
@settings(max_examples=200)
def test_property_credit_plus_debit_over_a_full_period_is_the_price_difference(old, new, quantity, day):
    old_price, new_price = licensed("old", old), licensed("new", new)
    start = at(2026, 3, day, 8)
    started = create_subscription("sub", "acct", [NewItem("si", old_price, quantity)], now=start)
    changed = update_subscription(started.subscription, [ItemUpdate("si", price=new_price)], start)
    net = sum(line.amount for line in changed.proration_lines)
    expected = round_minor(exact_amount(new_price, quantity)) - round_minor(exact_amount(old_price, quantity))
    assert net == expected


def test_replaying_an_entry_is_a_no_op_and_a_different_amount_is_refused():
    ledger = AccountLedger("acct", "EUR")
    entry = LedgerEntry(id="pay:1", kind=EntryKind.PAYMENT, amount=-500, currency="EUR", at=START)
    ledger.post(entry)
    assert ledger.post(entry) == []
    assert ledger.balance() == -500
    with pytest.raises(ConflictError):
        ledger.post(LedgerEntry(id="pay:1", kind=EntryKind.PAYMENT, amount=-600, currency="EUR", at=START))


def test_one_off_items_invoiced_at_once():
    items = [
        InvoiceItem("ii_1", "acct_fr", "EUR", "Intervention sur site (2 h)", Decimal(9000), Decimal(2)),
        InvoiceItem("ii_2", "acct_fr", "EUR", "Frais de mise en service", Decimal("4999.5")),
    ]
    invoice = invoice_now(french_context(), items, START)
    assert invoice.billing_reason is BillingReason.MANUAL
    assert [line.amount for line in invoice.section(Section.ONE_OFF)] == [18000, 5000]
    assert invoice.total == 27600


class LedgerMachine(RuleBasedStateMachine):
    """Random invoices, payments, credits and replays against a plain reference model."""

    def __init__(self) -> None:
        super().__init__()
        self.ledger = AccountLedger("acct", "EUR")
        self.posted: list[LedgerEntry] = []
        self.owed: dict[str, int] = {}  # reference: remaining per invoice, oldest first
        self.credit = 0
        self.clock = START

    def _tick(self):
        self.clock += timedelta(hours=1)
        return self.clock

    @rule(total=st.integers(0, 10**6))
    def finalize_invoice(self, total):
        invoice_id = f"in_{len(self.posted)}"
        self.ledger.post(
            LedgerEntry(
                id=f"fin:{invoice_id}",
                kind=EntryKind.INVOICE_FINALIZED,
                amount=total,
                currency="EUR",
                at=self._tick(),
                reference=invoice_id,
            )
        )
        applied = min(self.credit, total)
        self.credit -= applied
        self.owed[invoice_id] = total - applied
        self.posted.append(self.ledger.entries[-1])

    @rule(
        amount=st.integers(1, 10**6), kind=st.sampled_from([EntryKind.PAYMENT, EntryKind.TOP_UP, EntryKind.CREDIT_NOTE])
    )
    def money_in(self, amount, kind):
        allocations = self.ledger.post(
            LedgerEntry(id=f"in:{len(self.posted)}", kind=kind, amount=-amount, currency="EUR", at=self._tick())
        )
        self.posted.append(self.ledger.entries[-1])
        left = amount
        for invoice_id in list(self.owed):
            share = min(left, self.owed[invoice_id])
            self.owed[invoice_id] -= share
            left -= share
        self.credit += left
        assert sum(a.amount for a in allocations) + left == amount

    @rule(data=st.data())
    def replay(self, data):
        if self.posted:
            entry = data.draw(st.sampled_from(self.posted))
            assert self.ledger.post(entry) == []

    @invariant()
    def matches_the_reference(self):
        assert self.ledger.balance() == sum(e.amount for e in self.posted)
        assert self.ledger.credit_available() == self.credit
        assert {k: self.ledger.remaining(k) for k in self.owed} == self.owed
        assert self.ledger.balance() == sum(self.owed.values()) - self.credit
        assert self.credit == 0 or sum(self.owed.values()) == 0


TestLedgerMachine = LedgerMachine.TestCase


def test_an_assessed_line_is_the_line_with_its_rate_and_wording_and_nothing_else_changed():
    from dataclasses import fields, replace

    from billing.periods import Period

    line = InvoiceLine(
        Section.PRORATION,
        "raw",
        "EUR",
        -1234,
        Decimal(3),
        Decimal(4900),
        Period(START, START + timedelta(days=31)),
        "price_1",
        "sub_1",
        "si_1",
        (16, 31),
        Decimal("5.5"),
        None,
        (),
        "Cloudcraft Pro",
        (),
        2469,
    )
    assessed = line.assessed(Decimal(20), "Temps non utilisé : 3 × Cloudcraft Pro")
    assert assessed == replace(line, vat_rate=Decimal(20), description="Temps non utilisé : 3 × Cloudcraft Pro")
    assert [f.name for f in fields(line) if getattr(line, f.name) != getattr(assessed, f.name)] == [
        "description",
        "vat_rate",
    ]


@pytest.mark.parametrize(
    ("buyer", "bases"),
    [
        # French VAT: the exemption holds, its base apart at 0 %, category E with its code.
        (("FR", None), [(Decimal(0), "E", 50000, 0, "VATEX-EU-132-1I"), (Decimal(20), "S", 3000, 600, None)]),
        # Reverse charge: the exemption is not ours to state; one base at 0 %, reverse charged.
        (("DE", "DE136695976"), [(Decimal(0), "AE", 53000, 0, None)]),
    ],
)
def test_an_exempt_line_has_its_own_tax_base_only_where_its_exemption_holds(buyer, bases):
    from billing.invoices.assemble_invoice import InvoiceContext
    from billing.tax.vat import Buyer, vat_treatment

    training = InvoiceLine(Section.ONE_OFF, "Training", "EUR", 50000, tax_exemption="VATEX-EU-132-1I")
    seat = InvoiceLine(Section.ONE_OFF, "Seat", "EUR", 3000)
    context = InvoiceContext("acct", vat_treatment(Buyer(*buyer), START.date()))
    draft = assemble_invoice(context, [training, seat], BillingReason.MANUAL, START)
    taxes = [(t.rate, t.category.value, t.taxable_amount, t.amount, t.exemption) for t in draft.taxes]
    assert taxes == bases
    assert draft.total == sum(line.amount for line in draft.lines) + sum(t.amount for t in draft.taxes)
