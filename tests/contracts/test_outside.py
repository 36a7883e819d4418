"""The document bucket and the payment provider: what is put is what is got; Stripe's test cards pay,
decline and replay as Stripe does (webhook signatures: tests/unit/test_stripe_signatures.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from billing.accounts.models import Account
from billing.accounts.profile import BillingProfile
from billing.adapters.facturx_documents import cii_xml, factur_x_pdf
from billing.adapters.pdf_reportlab import render_pdf
from billing.documents.document import invoice_document
from billing.documents.einvoice_terms import invoice_terms
from billing.documents.local_seller import LOCAL_SELLER
from billing.errors import InvalidInputError, PaymentDeclinedError
from billing.ids import new_id
from billing.invoices.models import PlatformStatus
from billing.payments.models import ChargeRequest, PaymentStatus
from tests.builders import aircall_like_invoice, french_company, public_buyer


def test_a_document_is_stored_read_back_and_linked_under_its_filename(documents):
    key = f"invoices/{new_id('acct')}/F-2026-000001.pdf"
    documents.put(key, b"%PDF-1.7 test")
    assert documents.get(key) == b"%PDF-1.7 test"
    assert "F-2026-000001.pdf" in documents.url(key, "F-2026-000001.pdf")


def test_a_legal_document_is_written_once_and_a_retry_gets_the_first_copy(documents):
    key = f"invoices/{new_id('acct')}/F-2026-000002.pdf"
    until = datetime(2037, 1, 1, tzinfo=UTC)
    assert documents.put_once(key, b"%PDF-1.7 first", "application/pdf", until) == b"%PDF-1.7 first"
    assert documents.put_once(key, b"%PDF-1.7 second", "application/pdf", until) == b"%PDF-1.7 first"
    assert documents.get(key) == b"%PDF-1.7 first"


def _charge(gateway, customer: str, method_id: str, key: str | None = None) -> object:
    payment = new_id("py")
    return gateway.charge(
        ChargeRequest(
            customer_id=customer,
            method_id=method_id,
            method_type="card",
            amount=4200,
            currency="EUR",
            idempotency_key=key or payment,
            off_session=False,
            metadata={"account": "acct_contract", "payment": payment, "purpose": "one_time"},
        )
    )


def test_a_saved_card_is_charged_once_per_idempotency_key(gateway):
    account = new_id("acct")
    customer = gateway.ensure_customer(account, "compta@exemple.fr", "Exemple SAS")
    assert gateway.ensure_customer(account, "compta@exemple.fr", "Exemple SAS") == customer
    card = gateway.attach("pm_card_visa", customer)
    assert (card.type, card.brand, card.last4) == ("card", "visa", "4242")
    key = new_id("key")
    paid = _charge(gateway, customer, card.id, key)
    assert (paid.status, paid.amount, paid.currency, paid.account_id) == (
        PaymentStatus.SUCCEEDED,
        4200,
        "EUR",
        "acct_contract",
    )
    assert _charge(gateway, customer, card.id, key).provider_id == paid.provider_id
    assert gateway.refund(paid.provider_id, 1000, new_id("refund")).startswith("re_")


def test_a_method_typed_for_one_payment_is_charged_without_being_saved(gateway):
    customer = gateway.ensure_customer(new_id("acct"), "compta@exemple.fr", "Exemple SAS")
    method = gateway.payment_method("pm_card_visa")  # Stripe.js made it; nobody attached it
    assert (method.brand, method.last4) == ("visa", "4242")
    paid = _charge(gateway, customer, method.id)
    assert (paid.status, paid.method_id) == (PaymentStatus.SUCCEEDED, method.id)
    with pytest.raises(InvalidInputError) as unknown:
        gateway.payment_method("pm_nobody_knows")
    assert unknown.value.code == "invalid_payment_method"


def test_declines_come_back_as_failed_payments_or_refusals(gateway):
    customer = gateway.ensure_customer(new_id("acct"), "compta@exemple.fr", "Exemple SAS")
    failing = gateway.attach("pm_card_chargeCustomerFail", customer)
    declined = _charge(gateway, customer, failing.id)
    assert (declined.status, declined.failure.code) == (PaymentStatus.FAILED, "card_declined")
    with pytest.raises(PaymentDeclinedError):
        gateway.attach("pm_card_visa_chargeDeclined", customer)
    with pytest.raises(InvalidInputError) as unknown:
        gateway.attach("pm_nobody_knows", customer)
    assert unknown.value.code == "invalid_payment_method"


def factur_x_for(profile: dict) -> bytes:
    account = Account(new_id("acct"), BillingProfile.model_validate(profile), datetime(2026, 1, 1, tzinfo=UTC))
    invoice = aircall_like_invoice(account)
    document = invoice_document(invoice, account, LOCAL_SELLER)
    assert invoice.finalized_at is not None
    xml = cii_xml(invoice_terms(invoice, account, LOCAL_SELLER))
    return factur_x_pdf(render_pdf(document), xml, invoice.finalized_at, document.title, LOCAL_SELLER.legal_name)


def test_a_factur_x_is_deposited_then_its_status_moves_until_paid(platform):
    deposit = platform.deposit("F-2026-000042.pdf", factur_x_for(public_buyer()))
    statuses = [platform.status(deposit) for _ in range(4)]
    assert statuses == [
        None,  # being integrated
        (PlatformStatus.DEPOSITED, "DEPOSEE"),
        (PlatformStatus.MADE_AVAILABLE, "MISE_A_DISPOSITION"),
        (PlatformStatus.PAID, "MISE_EN_PAIEMENT"),
    ]
    with pytest.raises(Exception, match="20001"):
        platform.deposit("not-a-factur-x.pdf", b"%PDF-1.7 plain")
    # Addressed to no SIRET, an invoice is rejected: Chorus Pro knows public structures by it
    unaddressed = platform.deposit("F-2026-000043.pdf", factur_x_for(french_company()))
    assert platform.status(unaddressed) == (PlatformStatus.REJECTED, "REJETEE")
