"""Races only a real table can referee: conditional writes in concurrent transactions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from billing.adapters.dynamodb_accounts import DynamoAccountRepository
from billing.adapters.dynamodb_billing import DynamoBillingStore
from billing.adapters.dynamodb_tables import bind_table
from billing.batch import WriteBatch
from billing.errors import ConflictError
from billing.ids import new_id

pytestmark = pytest.mark.integration


@pytest.fixture
def store(backend):
    bind_table(backend.tables["Main"])
    return DynamoBillingStore()


def test_fifty_concurrent_finalizations_take_fifty_consecutive_numbers(store):
    """Each finalization takes the series' next number in its own transaction; losers of a race retry."""
    import random
    import threading
    import time

    from billing.accounts.access import Principal, Role
    from billing.clock import FixedClock
    from billing.invoices.assemble_invoice import assemble_invoice
    from billing.invoices.finalize_invoice import finalize_invoice
    from billing.invoices.models import BillingReason, Invoice, InvoiceLine, Section
    from billing.payments.collection import begin_collection
    from tests.unit.engine.catalog import french_context

    year = 2400 + int(new_id("y")[-4:], 16) % 500  # a series of its own, whatever ran before
    clock = FixedClock(datetime(year, 6, 1, tzinfo=UTC))
    operator = Principal(role=Role.OPERATOR, key_id="key_test")
    invoice_ids = []
    for n in range(50):
        account = new_id("acct")
        line = InvoiceLine(Section.ONE_OFF, f"Service {n}", "EUR", 1000 + n)
        draft = assemble_invoice(french_context(account), [line], BillingReason.MANUAL, clock.now())
        invoice = Invoice(new_id("in"), draft)
        store.commit(WriteBatch(invoices=[invoice]))
        invoice_ids.append(invoice.id)
    numbers: list[str] = []
    attempts: list[int] = []

    def finalize(invoice_id: str) -> None:
        chance = random.Random(invoice_id)
        for attempt in range(1, 500):
            try:
                numbers.append(
                    finalize_invoice(
                        store, DynamoAccountRepository(), clock, operator, invoice_id, begin_collection
                    ).number
                )
                attempts.append(attempt)
                return
            except ConflictError as error:
                if error.code == "invoice_not_draft":  # an earlier attempt did commit: done
                    numbers.append(store.get_invoice(invoice_id).number)
                    attempts.append(attempt)
                    return
                time.sleep(chance.uniform(0, 0.02 * min(attempt, 10)))

    threads = [threading.Thread(target=finalize, args=(i,)) for i in invoice_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == [f"F-{year}-{n:06d}" for n in range(1, 51)]
    assert max(attempts) > 1  # they did race


def test_concurrent_credit_notes_never_credit_beyond_the_invoice_and_take_consecutive_numbers(store):
    """Eight operators credit a third of one invoice at once: three succeed (a lost race is retried on
    fresh reads, billing/conflicts.py), the others find nothing left to credit; the ledger agrees."""
    import threading

    from billing.accounts.access import Principal, Role
    from billing.clock import FixedClock
    from billing.errors import BillingError
    from billing.invoices.assemble_invoice import assemble_invoice
    from billing.invoices.finalize_invoice import finalize_invoice
    from billing.invoices.issue_credit_note import issue_credit_note
    from billing.invoices.models import BillingReason, Invoice, InvoiceLine, Section
    from billing.ledger.read_balance import read_ledger
    from billing.payments.collection import begin_collection
    from tests.unit.engine.catalog import french_context

    year = 2400 + int(new_id("y")[-4:], 16) % 500
    clock = FixedClock(datetime(year, 6, 1, tzinfo=UTC))
    operator = Principal(role=Role.OPERATOR, key_id="key_test")
    account = new_id("acct")
    draft = assemble_invoice(
        french_context(account),
        [InvoiceLine(Section.ONE_OFF, "Service", "EUR", 1000)],
        BillingReason.MANUAL,
        clock.now(),
    )
    invoice = Invoice(new_id("in"), draft)
    store.commit(WriteBatch(invoices=[invoice]))
    total = finalize_invoice(
        store, DynamoAccountRepository(), clock, operator, invoice.id, begin_collection
    ).draft.total  # 1,200 with VAT
    third = total // 3
    issued, refused = [], []

    def credit() -> None:
        try:
            issued.append(issue_credit_note(store, clock, operator, invoice.id, third, "goodwill"))
        except BillingError as error:
            refused.append(str(error.code))

    threads = [threading.Thread(target=credit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"\n8 concurrent credit notes of {third} on an invoice of {total}: {len(issued)} issued, refused {refused}")
    assert sum(note.amount for note in issued) <= total
    assert store.get_invoice(invoice.id).amount_credited == sum(note.amount for note in issued)
    assert len(issued) == 3
    assert set(refused) <= {"credit_exceeds_invoice", "concurrent_update"}
    numbers = sorted(note.number for note in issued)
    assert numbers == [f"AV-{year}-{n:06d}" for n in range(1, 4)]
    ledger = read_ledger(store, operator, account)
    assert sum(entry.amount for entry in ledger.entries) == total - 3 * third
