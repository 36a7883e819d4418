"""Payment routes: payment methods (SetupIntents), payments, top-ups, receipts (billing history)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from billing.http.account_views import ACCOUNT_ID_PATTERN
from billing.http.documents import LINK_RESPONSES, link_answer
from billing.http.payment_views import (
    PaymentCreate,
    PaymentMethodsView,
    PaymentView,
    ReceiptView,
    SetupIntentView,
    TopUpCreate,
)
from billing.http.routing import BEARER, Cursor, Limit, ListOf, caller, once, page, services
from billing.payments.create_setup_intent import create_setup_intent
from billing.payments.detach_method import detach_method
from billing.payments.get_payment import get_payment
from billing.payments.get_receipt import get_receipt
from billing.payments.list_methods import list_methods
from billing.payments.list_payments import list_payments
from billing.payments.list_receipts import list_receipts
from billing.payments.models import PaymentPurpose
from billing.payments.pay import pay
from billing.payments.receipt_pdf_url import receipt_pdf_url
from billing.payments.record_manual_payment import record_manual_payment
from billing.payments.set_default_method import set_default_method

router = Router()
ACCOUNT_ID = Annotated[str, Path(pattern=ACCOUNT_ID_PATTERN)]
ACCOUNT_QUERY = Annotated[str, Query(pattern=ACCOUNT_ID_PATTERN)]
METHOD_ID = Annotated[str, Path(pattern=r"^pm_[A-Za-z0-9_]{1,64}$")]
PAYMENT_ID = Annotated[str, Path(pattern=r"^py_[0-9a-z_]{1,80}$")]
RECEIPT_ID = Annotated[str, Path(pattern=r"^rcpt_[0-9a-z]{1,40}$")]


@router.post("/v1/accounts/<account_id>/setup_intents", status_code=201, security=BEARER, tags=["Payment methods"])
def post_setup_intent(account_id: ACCOUNT_ID) -> SetupIntentView:
    """A SetupIntent for Stripe.js to save a card, SEPA mandate, ACH account or PayPal (by the account's
    country and currency); the method is stored when Stripe confirms it (``setup_intent.succeeded``).

    Errors: ``account_not_found``, ``permission_denied``.
    """
    intent = create_setup_intent(services(router).payments, caller(router), account_id)
    return SetupIntentView.of(account_id, intent)


@router.get("/v1/accounts/<account_id>/payment_methods", security=BEARER, tags=["Payment methods"])
def get_payment_methods(account_id: ACCOUNT_ID) -> PaymentMethodsView:
    """List an account's saved payment methods, the default first (members of the account, operators).

    Errors: ``account_not_found``.
    """
    return PaymentMethodsView.of(list_methods(services(router).payments, caller(router), account_id))


@router.post(
    "/v1/accounts/<account_id>/payment_methods/<payment_method_id>/default",
    security=BEARER,
    tags=["Payment methods"],
)
def post_default_method(account_id: ACCOUNT_ID, payment_method_id: METHOD_ID) -> PaymentMethodsView:
    """Automatic charges use the default method.

    Errors: ``account_not_found``, ``payment_method_not_found``, ``permission_denied``.
    """
    profile = set_default_method(services(router).payments, caller(router), account_id, payment_method_id)
    return PaymentMethodsView.of(profile)


@router.delete(
    "/v1/accounts/<account_id>/payment_methods/<payment_method_id>", security=BEARER, tags=["Payment methods"]
)
def delete_payment_method(account_id: ACCOUNT_ID, payment_method_id: METHOD_ID) -> PaymentMethodsView:
    """Detach at Stripe and forget it; the newest remaining method becomes the default.

    Errors: ``account_not_found``, ``payment_method_not_found``, ``permission_denied``.
    """
    profile = detach_method(services(router).payments, caller(router), account_id, payment_method_id)
    return PaymentMethodsView.of(profile)


@router.post("/v1/payments", status_code=201, security=BEARER, tags=["Payments"])
def post_payment(body: PaymentCreate) -> PaymentView:
    """Pay any amount now: the oldest open invoices first, partial payments allowed, any excess becomes
    balance credit. ``manual`` (operators) records a bank transfer or cheque through the same allocation.

    Errors: ``account_not_found``, ``card_declined``, ``currency_mismatch``, ``invalid_amount``,
    ``invalid_payment_method``, ``no_payment_method``, ``operator_only``, ``payment_already_recorded``,
    ``permission_denied``.
    """
    s = services(router)

    def run() -> dict[str, object]:
        if body.manual is not None:
            payment = record_manual_payment(
                s.payments,
                caller(router),
                body.account,
                body.amount,
                body.currency,
                body.manual.method,
                body.manual.reference,
                body.manual.received_at,
            )
            return PaymentView.of(payment).model_dump(mode="json")
        return _pay_now(body.account, body, PaymentPurpose.ONE_TIME)

    return PaymentView.model_validate(once(router, body.model_dump(mode="json"), run))


@router.post("/v1/accounts/<account_id>/top_ups", status_code=201, security=BEARER, tags=["Payments"])
def post_top_up(account_id: ACCOUNT_ID, body: TopUpCreate) -> PaymentView:
    """Prepaid credit: applied automatically to the next invoices (and to any still unpaid).

    Errors: ``account_not_found``, ``card_declined``, ``permission_denied``.
    """

    def run() -> dict[str, object]:
        return _pay_now(account_id, body, PaymentPurpose.TOP_UP)

    return PaymentView.model_validate(once(router, body.model_dump(mode="json"), run))


def _pay_now(account_id: str, body: PaymentCreate | TopUpCreate, purpose: PaymentPurpose) -> dict[str, object]:
    """Charge now; the caller's Idempotency-Key (if any) also keys the Stripe call."""
    key = router.current_event.headers.get("Idempotency-Key")
    payment, secret = pay(
        services(router).payments,
        caller(router),
        account_id,
        body.amount,
        body.currency,
        body.payment_method,
        purpose,
        key,
        save_method=body.save_payment_method,
    )
    return PaymentView.of(payment, secret).model_dump(mode="json")


@router.get("/v1/payments", security=BEARER, tags=["Payments"])
def get_payments(account: ACCOUNT_QUERY, limit: Limit = 20, cursor: Cursor = None) -> ListOf[PaymentView]:
    """An account's payments, newest first, failed ones included.

    Errors: ``account_not_found``, ``invalid_cursor``.
    """
    found = list_payments(services(router).payments, caller(router), account, page(limit, cursor))
    return ListOf[PaymentView](data=[PaymentView.of(p) for p in found.items], next_cursor=found.next_cursor)


@router.get("/v1/payments/<payment_id>", security=BEARER, tags=["Payments"])
def get_one_payment(payment_id: PAYMENT_ID) -> PaymentView:
    """Read one payment: amount, status, the invoices it paid, and why it failed if it did.

    Errors: ``payment_not_found``.
    """
    return PaymentView.of(get_payment(services(router).payments, caller(router), payment_id))


@router.get("/v1/receipts", security=BEARER, tags=["Receipts"])
def get_receipts(account: ACCOUNT_QUERY, limit: Limit = 20, cursor: Cursor = None) -> ListOf[ReceiptView]:
    """Billing history: one receipt per successful payment, newest first.

    Errors: ``account_not_found``, ``invalid_cursor``.
    """
    found = list_receipts(services(router).store, caller(router), account, page(limit, cursor))
    return ListOf[ReceiptView](data=[ReceiptView.of(r) for r in found.items], next_cursor=found.next_cursor)


@router.get("/v1/receipts/<receipt_id>", security=BEARER, tags=["Receipts"])
def get_one_receipt(receipt_id: RECEIPT_ID) -> ReceiptView:
    """Read one receipt: the payment it acknowledges and the invoices it settled.

    Errors: ``receipt_not_found``.
    """
    return ReceiptView.of(get_receipt(services(router).store, caller(router), receipt_id))


@router.get(
    "/v1/receipts/<receipt_id>/pdf", status_code=302, security=BEARER, tags=["Receipts"], responses=LINK_RESPONSES
)
def get_receipt_pdf(receipt_id: RECEIPT_ID) -> Response[Any]:
    """Redirect to the receipt PDF (a link valid 5 minutes): view, download, print; or its link as JSON.

    Errors: ``receipt_not_found``.
    """
    s = services(router)
    return link_answer(router, receipt_pdf_url(s.store, s.documents, caller(router), receipt_id))
