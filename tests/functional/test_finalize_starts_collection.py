"""Finalizing starts the invoice's collection in the same write (one write of the invoice, not two): the
payments function does not hear ``invoice.finalized``."""

from __future__ import annotations

import inspect
import io
from datetime import timedelta

from pypdf import PdfReader

from billing.errors import ConflictError
from tests.api_setup import make_catalog, new_customer, ok
from tests.functional.payments_setup import save_method


def test_the_billing_run_finalizes_and_schedules_collection_in_one_write(world, as_operator, client_for):
    # Given two customers' drafts: one charged automatically (a saved card), one paid by transfer in 30 days
    catalog = make_catalog(as_operator)
    drafts = {}
    for method in ("charge_automatically", "send_invoice"):
        account, owner = new_customer(as_operator, client_for)
        if method == "charge_automatically":
            save_method(world, owner, account["id"])
        extra = {"days_until_due": 30} if method == "send_invoice" else {}
        body = {"account": account["id"], "items": [{"price": catalog.seat["id"]}], "collection_method": method}
        drafts[method] = ok(owner.post("/v1/subscriptions", json=body | extra), 201)["latest_invoice"]

    # When the grace hour ends and the billing run finalizes them
    versions_before = {method: world.store.get_invoice(invoice_id).version for method, invoice_id in drafts.items()}
    world.advance_to(world.clock.now() + timedelta(hours=1, minutes=5))

    # Then the transfer's invoice was written twice: finalized with its first reminder scheduled, then its PDF
    # recorded
    sent = world.store.get_invoice(drafts["send_invoice"])
    assert sent.number is not None
    assert sent.dunning_at is not None
    assert sent.version == versions_before["send_invoice"] + 2
    # And the card's invoice was finalized asking for its first charge, then its PDF recorded, then paid
    charged = world.store.get_invoice(drafts["charge_automatically"])
    assert (charged.status, charged.charge_attempts) == ("paid", 1)
    assert charged.version == versions_before["charge_automatically"] + 3
    charges = [e for e in world.event_log() if e["detail-type"] == "invoice.charge_due"]
    assert [e["detail"]["invoice"] for e in charges] == [drafts["charge_automatically"]]


def test_a_sent_invoice_never_names_the_saved_card_and_its_documents_do_not_read_it(
    world, as_operator, client_for, monkeypatch
):
    # Given a customer with a saved card whose subscription is paid by transfer
    catalog = make_catalog(as_operator)
    account, owner = new_customer(as_operator, client_for)
    save_method(world, owner, account["id"])
    body = {"account": account["id"], "items": [{"price": catalog.seat["id"]}], "collection_method": "send_invoice"}
    invoice_id = ok(owner.post("/v1/subscriptions", json=body | {"days_until_due": 30}), 201)["latest_invoice"]
    reads = []
    read_profile = world.store.get_payment_profile
    monkeypatch.setattr(world.store, "get_payment_profile", lambda key: reads.append(key) or read_profile(key))

    # When the billing run finalizes it and its documents are published
    world.advance_to(world.clock.now() + timedelta(hours=1, minutes=5))

    # Then its email and PDF ask for a transfer and never name the card, which was not even read
    invoice = ok(owner.get(f"/v1/invoices/{invoice_id}"))
    email = next(mail for mail in world.mailer.sent if invoice["number"] in mail.subject)
    pdf = world.documents.fetch(owner.get(f"/v1/invoices/{invoice_id}/pdf").headers["Location"])
    text = email.text + PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "4242" not in text
    assert "visa" not in text.lower()
    assert account["id"] not in reads


def test_an_automatic_charge_reads_its_payment_and_the_saved_method_once(world, as_operator, client_for, monkeypatch):
    # Given a customer with a saved card, whose first invoice the billing run finalizes and charges
    catalog = make_catalog(as_operator)
    account, owner = new_customer(as_operator, client_for)
    save_method(world, owner, account["id"])
    body = {"account": account["id"], "items": [{"price": catalog.seat["id"]}]}
    invoice_id = ok(owner.post("/v1/subscriptions", json=body), 201)["latest_invoice"]
    reads: list[str] = []

    def counted(name):
        read = getattr(world.store, name)

        def counting(key):
            if any(frame.function == "charge_invoice" for frame in inspect.stack()):
                reads.append(name)
            return read(key)

        return counting

    for name in ("get_payment", "get_payment_profile"):
        monkeypatch.setattr(world.store, name, counted(name))
    # When the charge is made and booked
    world.advance_to(world.clock.now() + timedelta(hours=1, minutes=5))
    assert world.store.get_invoice(invoice_id).status == "paid"
    # Then the booking started from what the charge read before calling Stripe (the payment, none yet, and the
    # saved method), instead of reading both again
    assert sorted(reads) == ["get_payment", "get_payment_profile"]


def test_a_charge_whose_webhook_is_booked_while_stripe_answers_is_booked_once(
    world, as_operator, client_for, monkeypatch
):
    # Given a card charge whose payment_intent.succeeded is booked before the charge's own answer is
    catalog = make_catalog(as_operator)
    account, owner = new_customer(as_operator, client_for)
    save_method(world, owner, account["id"])
    body = {"account": account["id"], "items": [{"price": catalog.seat["id"]}]}
    invoice_id = ok(owner.post("/v1/subscriptions", json=body), 201)["latest_invoice"]
    charge = world.gateway.charge

    def charge_then_deliver_its_webhooks(request):
        snapshot = charge(request)
        for payload, signature in world.gateway.take_sent():
            world.deliver_webhook(payload, signature)
        return snapshot

    world.gateway.charge = charge_then_deliver_its_webhooks
    commit, refused = world.store.commit, []

    def counting_refusals(batch):
        try:
            return commit(batch)
        except ConflictError:
            refused.append([payment.id for payment in batch.payments])
            raise

    monkeypatch.setattr(world.store, "commit", counting_refusals)
    # When the billing run finalizes and charges it
    world.advance_to(world.clock.now() + timedelta(hours=1, minutes=5))
    # Then the charge's booking, started from "no payment yet", lost to the webhook's and read it back: one
    # payment, one receipt, the invoice paid once
    assert refused == [[f"py_{invoice_id}_1"]]
    invoice = world.store.get_invoice(invoice_id)
    assert (invoice.status, invoice.amount_paid) == ("paid", invoice.draft.total)
    payments = ok(owner.get("/v1/payments", params={"account": account["id"]}))["data"]
    assert [(p["status"], p["amount"]) for p in payments] == [("succeeded", invoice.draft.total)]
    receipts = ok(owner.get("/v1/receipts", params={"account": account["id"]}))["data"]
    assert len(receipts) == 1
