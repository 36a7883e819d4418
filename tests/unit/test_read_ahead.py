"""The read ahead (invoices/read_ahead.py): a batch's invoices and their accounts in two reads,
each handed out once; and the batch handler's hook that gives it the batch's bodies (sqs_batch.py)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from billing.accounts.models import Account, AccountStatus
from billing.accounts.profile import BillingProfile
from billing.batch import WriteBatch
from billing.documents.on_event import finalized_invoices
from billing.documents.services import DocumentServices, invoice_of
from billing.ids import new_id
from billing.invoices.read_ahead import ReadAhead
from billing.runs.process_due import due_invoices
from billing.sqs_batch import sqs_batch
from tests.builders import aircall_like_invoice, french_company
from tests.fakes import InMemoryAccounts
from tests.fakes.billing_store import InMemoryBillingStore

NOW = datetime(2026, 3, 1, tzinfo=UTC)


class Counted:
    """Counts the calls made to what it wraps."""

    def __init__(self, wrapped: object) -> None:
        self.wrapped, self.calls = wrapped, list[str]()

    def __getattr__(self, name: str) -> object:
        self.calls.append(name)
        return getattr(self.wrapped, name)


def stored_invoices(count: int) -> tuple[InMemoryBillingStore, InMemoryAccounts, list]:
    accounts = InMemoryAccounts()
    store = InMemoryBillingStore(accounts)
    invoices = []
    for _ in range(count):
        account = Account(new_id("acct"), BillingProfile.model_validate(french_company()), NOW)
        accounts.add(account)
        invoices.append(replace(aircall_like_invoice(account), id=new_id("in"), version=0))
    store.commit(WriteBatch(invoices=invoices))
    return store, accounts, [store.get_invoice(i.id) for i in invoices]


def test_a_batch_is_read_in_two_requests_and_each_object_handed_out_once():
    store, accounts, invoices = stored_invoices(3)
    counted_store, counted_accounts = Counted(store), Counted(accounts)
    ahead = ReadAhead(counted_store, counted_accounts)  # type: ignore[arg-type]
    messages = [{"kind": "invoice", "id": i.id} for i in invoices] + [{"kind": "subscription", "id": "sub_1"}]
    ahead.load(due_invoices(messages))
    assert (counted_store.calls, counted_accounts.calls) == (["get_invoices"], ["get_accounts"])

    first = invoices[0]
    store.commit(WriteBatch(invoices=[replace(first, amount_credited=100)]))  # changed after the batch read it
    assert ahead.invoice(first.id) == first  # its first read: what the batch read
    assert ahead.get(first.account_id) == accounts.get(first.account_id)
    assert counted_store.calls == ["get_invoices"]
    assert counted_accounts.calls == ["get_accounts"]
    assert ahead.invoice(first.id).amount_credited == 100  # a later read: the store's
    assert ahead.get(first.account_id) == accounts.get(first.account_id)
    assert counted_store.calls[-1] == "get_invoice"
    assert counted_accounts.calls[-1] == "get"
    assert ahead.invoice("in_missing") is None
    assert ahead.get("acct_missing") is None


def test_a_saved_account_is_read_again_and_a_new_batch_forgets_the_last():
    store, accounts, invoices = stored_invoices(2)
    ahead = ReadAhead(store, accounts)
    ahead.load(i.id for i in invoices)
    account = accounts.get(invoices[0].account_id)
    saved = ahead.save(replace(account, status=AccountStatus.WARNING))
    assert ahead.get(account.id) == saved
    ahead.load([])
    store.commit(WriteBatch(invoices=[replace(invoices[1], amount_credited=5)]))
    assert ahead.invoice(invoices[1].id).amount_credited == 5


def records(*bodies: str) -> dict:
    return {"Records": [{"messageId": f"m{n}", "body": body} for n, body in enumerate(bodies)]}


def test_the_batch_hook_gets_every_body_first_and_a_failing_hook_fails_the_batch():
    seen: list = []
    handled: list = []
    run = sqs_batch(handled.append, before_batch=lambda bodies: seen.append((list(bodies), list(handled))))
    answer = run(records(json.dumps({"kind": "invoice", "id": "in_1"}), "not json", "[1]"), None)
    assert seen == [([{"kind": "invoice", "id": "in_1"}], [])]  # before any record; the malformed left out
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m1"}]}  # the malformed one; a list is JSON

    def refuse(_bodies: object) -> None:
        raise RuntimeError("the read failed")

    handled.clear()
    with pytest.raises(RuntimeError):
        sqs_batch(handled.append, before_batch=refuse)(records(json.dumps({"id": "x"})), None)
    assert handled == []  # no record handled: the whole batch comes back


def test_each_function_reads_ahead_the_invoices_its_batch_names():
    worker_messages = [
        {"kind": "invoice", "id": "in_1"},
        {"kind": "subscription", "id": "sub_1"},
        {"id": "in_x"},
        {"kind": "invoice"},  # malformed: it fails alone when handled, not the batch's read ahead
    ]
    assert due_invoices(worker_messages) == ["in_1"]
    events = [
        {"detail-type": "invoice.finalized", "detail": {"invoice": "in_2", "account": "acct_1"}},
        {"detail-type": "receipt.created", "detail": {"receipt": "rc_1"}},
        {"detail-type": "invoice.finalized", "detail": {}},
        {"detail-type": "invoice.finalized", "detail": "in_3"},
        {"detail-type": "invoice.finalized"},
    ]
    assert finalized_invoices(events) == ["in_2"]


def test_the_documents_first_read_of_an_invoice_is_the_read_ahead():
    store, accounts, invoices = stored_invoices(2)
    counted = Counted(store)
    ahead = ReadAhead(counted, accounts)  # type: ignore[arg-type]
    services = DocumentServices(
        store=counted,  # type: ignore[arg-type]
        accounts=ahead,
        storage=None,  # type: ignore[arg-type]
        mailer=None,  # type: ignore[arg-type]
        render=None,  # type: ignore[arg-type]
        seller=None,  # type: ignore[arg-type]
        einvoice=None,  # type: ignore[arg-type]
        clock=None,  # type: ignore[arg-type]
        ahead=ahead,
    )
    ahead.load(i.id for i in invoices)
    assert [invoice_of(services, i.id) for i in invoices] == invoices
    assert counted.calls == ["get_invoices"]
    assert invoice_of(services, invoices[0].id) == invoices[0]
    assert counted.calls[-1] == "get_invoice"


def test_a_failed_read_ahead_leaves_nothing_of_the_last_batch():
    store, accounts, invoices = stored_invoices(1)
    ahead = ReadAhead(store, accounts)
    ahead.load([invoices[0].id])

    def unavailable(_ids: object) -> dict:
        raise ConnectionError("DynamoDB unavailable")

    store.get_invoices = unavailable  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        ahead.load([invoices[0].id])
    store.commit(WriteBatch(invoices=[replace(invoices[0], amount_credited=7)]))
    assert ahead.invoice(invoices[0].id).amount_credited == 7  # read from the store, not the last batch
