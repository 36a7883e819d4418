"""Finalizing starts the invoice's collection in the same write: the payments function, hearing
``invoice.finalized`` next, finds it started and writes nothing (one write of the invoice, not two)."""

from __future__ import annotations

from datetime import timedelta

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
    # recorded; the payments function, hearing it was finalized, wrote nothing
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
