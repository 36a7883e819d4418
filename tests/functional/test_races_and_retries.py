"""Nothing twice, nothing refused for someone else's doing: a change that loses a race against another
writer is done again on fresh reads, not answered 409 (a credit note just after finalization answered
concurrent_update); a retried request with its Idempotency-Key is the first answer, for its own caller
only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from billing.batch import WriteBatch
from billing.conflicts import TRIES
from tests.api_setup import make_catalog, new_customer, ok


@pytest.fixture
def catalog(as_operator):
    return make_catalog(as_operator)


def finalized_invoice(world, as_operator, client_for, catalog):
    account, owner = new_customer(as_operator, client_for)
    body = {"account": account["id"], "items": [{"price": catalog.seat["id"]}], "collection_method": "send_invoice"}
    subscription = ok(owner.post("/v1/subscriptions", json=body), 201)
    world.advance_to(world.clock.now() + timedelta(hours=2))
    return ok(as_operator.get(f"/v1/invoices/{subscription['latest_invoice']}"))


def racing_writer(world, invoice_id, times):
    """Before each of the next ``times`` commits, another writer saves the invoice (as the documents
    function does when it records the PDF): the commit that follows finds its version moved."""
    commit, left = world.store.commit, [times]

    def commit_after_a_rival(batch):
        if left[0] > 0:
            left[0] -= 1
            commit(WriteBatch(invoices=[world.store.get_invoice(invoice_id)]))
        return commit(batch)

    world.store.commit = commit_after_a_rival
    return left


def test_a_credit_note_racing_another_writer_is_issued_once_with_the_next_number(
    world, as_operator, client_for, catalog
):
    invoice = finalized_invoice(world, as_operator, client_for, catalog)
    left = racing_writer(world, invoice["id"], times=2)
    note = ok(as_operator.post("/v1/credit_notes", json={"invoice": invoice["id"], "amount": 1000, "reason": "x"}))
    assert left == [0]  # it lost twice, then won
    notes = ok(as_operator.get("/v1/credit_notes", params={"account": invoice["account"]}))["data"]
    assert [n["id"] for n in notes] == [note["id"]]
    assert note["number"].endswith("000001")  # the losing attempts took no number
    assert ok(as_operator.get(f"/v1/invoices/{invoice['id']}"))["total"] == invoice["total"]


def test_a_change_that_keeps_losing_is_answered_409_and_changes_nothing(world, as_operator, client_for, catalog):
    invoice = finalized_invoice(world, as_operator, client_for, catalog)
    racing_writer(world, invoice["id"], times=TRIES)
    answer = as_operator.post("/v1/credit_notes", json={"invoice": invoice["id"], "amount": 1000, "reason": "x"})
    assert (answer.status_code, answer.json()["code"]) == (409, "concurrent_update")
    assert ok(as_operator.get("/v1/credit_notes", params={"account": invoice["account"]}))["data"] == []


def test_a_payment_racing_another_writer_more_than_five_times_is_booked_once(world, as_operator, client_for, catalog):
    # The payments' own retry loops (billing/conflicts.py: attempts) lost five immediate tries in a row under 20
    # concurrent payments on one account; spaced like every retry, they get as many tries as the rest.
    invoice = finalized_invoice(world, as_operator, client_for, catalog)
    left = racing_writer(world, invoice["id"], times=TRIES - 1)
    manual = {"method": "bank_transfer", "reference": "VIR-RACE", "received_at": world.clock.now().isoformat()}
    body = {"account": invoice["account"], "amount": invoice["total"], "currency": "EUR", "manual": manual}
    payment = ok(as_operator.post("/v1/payments", json=body), 201)
    assert left == [0]  # it lost seven times, then won
    assert [a["amount"] for a in payment["allocations"]] == [invoice["total"]]
    assert ok(as_operator.get(f"/v1/invoices/{invoice['id']}"))["status"] == "paid"
    receipts = ok(as_operator.get("/v1/receipts", params={"account": invoice["account"]}))["data"]
    assert [r["payment"] for r in receipts] == [payment["id"]]


def test_a_void_racing_another_writer_voids_once(world, as_operator, client_for, catalog):
    invoice = finalized_invoice(world, as_operator, client_for, catalog)
    racing_writer(world, invoice["id"], times=1)
    voided = ok(as_operator.post(f"/v1/invoices/{invoice['id']}/void"))
    assert voided["status"] == "void"


def test_the_same_idempotency_key_from_two_tenants_gives_each_its_own_answer(as_operator, client_for, catalog):
    headers = {"Idempotency-Key": "subscribe-2026-03"}
    answers = []
    for name in ("Premier SAS", "Second SARL"):
        account, owner = new_customer(as_operator, client_for, legal_name=name)
        body = {"account": account["id"], "items": [{"price": catalog.seat["id"]}]}
        first = ok(owner.post("/v1/subscriptions", json=body, headers=headers), 201)
        again = ok(owner.post("/v1/subscriptions", json=body, headers=headers), 201)
        assert again["id"] == first["id"]  # a retry by the same caller is the first answer
        answers.append((account["id"], first))
    # Each tenant got a subscription of its own account: a key is scoped to its caller
    assert [subscription["account"] for _, subscription in answers] == [account for account, _ in answers]
    assert answers[0][1]["id"] != answers[1][1]["id"]


def test_an_invoice_pdf_recorded_while_its_invoice_keeps_moving_is_rendered_recorded_and_emailed_once(
    world, as_operator, client_for, catalog, monkeypatch
):
    # The documents' loops retried five times with no pause: a payment landing on the invoice five times in a
    # row failed the message. Spaced like every retry (conflicts.attempts), they get as many tries as the rest;
    # and each try rendered and stored the PDF again (the put refused, the copy read back).
    from dataclasses import replace

    from billing.documents.publish_invoice import publish_invoice

    invoice_id = finalized_invoice(world, as_operator, client_for, catalog)["id"]
    published = world.store.get_invoice(invoice_id)
    assert published is not None
    assert published.pdf_key is not None
    world.store.commit(WriteBatch(invoices=[replace(published, pdf_key=None, pdf_sha256=None)]))  # not yet recorded
    emails, renders = len(world.mailer.sent), []

    def render(document):
        renders.append(document.number)
        return world.document_services.render(document)

    accounts, account_reads = world.document_services.accounts, []

    def read_account(account_id):
        account_reads.append(account_id)
        return type(accounts).get(accounts, account_id)

    monkeypatch.setattr(accounts, "get", read_account)
    left = racing_writer(world, invoice_id, times=TRIES - 1)
    assert publish_invoice(replace(world.document_services, render=render), invoice_id) is False  # emailed before
    assert left == [0]  # it lost seven times, then recorded the PDF
    assert len(renders) == 1  # rendered and stored once: the attempts after it record the same copy
    assert len(account_reads) == 1  # each attempt read the invoice again, not the account its PDF was made for
    recorded = world.store.get_invoice(invoice_id)
    assert recorded is not None
    assert (recorded.pdf_key, recorded.pdf_sha256) == (published.pdf_key, published.pdf_sha256)
    assert len(world.mailer.sent) == emails
