"""Invoice routes: list, read, finalize, void, credit notes, one-off items."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from billing.accounts.access import require_operator
from billing.http.invoice_views import CreditNoteCreate, CreditNoteView, InvoiceItemCreate, InvoiceItemView, InvoiceView
from billing.http.routing import BEARER, Cursor, Limit, ListOf, caller, once, page, services
from billing.invoices.add_invoice_item import add_invoice_item
from billing.invoices.explain_invoice import explain_invoice
from billing.invoices.finalize_invoice import finalize_invoice
from billing.invoices.get_credit_note import get_credit_note
from billing.invoices.get_invoice import get_invoice
from billing.invoices.issue_credit_note import issue_credit_note
from billing.invoices.list_credit_notes import list_credit_notes
from billing.invoices.list_invoices import list_invoices
from billing.invoices.models import InvoiceStatus
from billing.invoices.void_invoice import void_invoice
from billing.payments.collection import begin_collection
from billing.payments.refunds import check_refundable, refund_credit_note

router = Router()
INVOICE_ID = Annotated[str, Path(pattern=r"^in_[0-9a-z]{1,40}$")]
ACCOUNT_QUERY = Annotated[str, Query(pattern=r"^acct_[0-9a-z]{1,40}$")]


@router.get(
    "/v1/invoices",
    security=BEARER,
    tags=["Invoices"],
)
def get_invoices(
    account: ACCOUNT_QUERY,
    status: InvoiceStatus | None = None,
    overdue: bool | None = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> ListOf[InvoiceView]:
    """An account's invoices, newest first (billing history); ``overdue=true``: only the open ones past due.

    Errors: ``account_not_found``, ``invalid_cursor``.
    """
    s = services(router)
    now = s.clock.now()
    found = list_invoices(s.store, caller(router), account, status, page(limit, cursor), overdue, now)
    return ListOf[InvoiceView](data=[InvoiceView.of(i, now) for i in found.items], next_cursor=found.next_cursor)


@router.get(
    "/v1/invoices/<invoice_id>",
    security=BEARER,
    tags=["Invoices"],
)
def get_one_invoice(
    invoice_id: INVOICE_ID,
    expand: Annotated[
        Literal["explanations"] | None,
        Query(description="explanations: each line's computation (tiers, proration, discount share)."),
    ] = None,
) -> InvoiceView:
    """One invoice, its lines grouped by section (recurring, proration, usage, one-off).

    With ``expand=explanations`` each line carries the computation behind its amount: tiers crossed
    (units and amount per tier), the prorated fraction, its share of the discount, and the short line the
    PDF prints under the amount ("20 unités : 5 × 7,00 € + 5 × 6,50 € + 10 × 6,00 €").

    Errors: ``invoice_not_found``.
    """
    s = services(router)
    invoice = get_invoice(s.store, caller(router), invoice_id)
    explanations = None
    if expand == "explanations":
        account = s.accounts.get(invoice.account_id)
        locale = account.profile.locale.value if account else "fr"
        explanations = explain_invoice(invoice.draft, locale)
    return InvoiceView.of(invoice, s.clock.now(), explanations)


@router.post(
    "/v1/invoices/<invoice_id>/finalize",
    status_code=200,
    security=BEARER,
    tags=["Invoices"],
)
def post_finalize(invoice_id: INVOICE_ID) -> InvoiceView:
    """Finalize a draft now (operators): numbered, immutable, on the ledger.

    Errors: ``invoice_not_found``, ``operator_only``.
    """
    s = services(router)

    def finalize() -> dict[str, object]:
        finalized = finalize_invoice(s.store, s.accounts, s.clock, caller(router), invoice_id, begin_collection)
        return InvoiceView.of(finalized, s.clock.now()).model_dump(mode="json")

    return InvoiceView.model_validate(once(router, {}, finalize))


@router.post(
    "/v1/invoices/<invoice_id>/void",
    status_code=200,
    security=BEARER,
    tags=["Invoices"],
)
def post_void(invoice_id: INVOICE_ID) -> InvoiceView:
    """Void an open invoice (operators).

    Errors: ``invoice_not_found``, ``invoice_not_open``, ``operator_only``.
    """
    s = services(router)
    return InvoiceView.model_validate(
        once(
            router,
            {},
            lambda: InvoiceView.of(
                void_invoice(s.store, s.accounts, s.clock, caller(router), invoice_id), s.clock.now()
            ).model_dump(mode="json"),
        )
    )


@router.post(
    "/v1/credit_notes",
    status_code=201,
    security=BEARER,
    tags=["Invoices"],
)
def post_credit_note(body: CreditNoteCreate) -> CreditNoteView:
    """Credit a finalized invoice (operators), never beyond what remains creditable; with ``refund``, the
    amount goes back on the card or debit that paid it (otherwise it stays as balance credit).

    Errors: ``credit_exceeds_invoice``, ``invalid_amount``, ``invoice_not_found``, ``invoice_not_paid``,
    ``not_refundable``, ``operator_only``.
    """
    s = services(router)

    def run() -> dict[str, object]:
        refunded = 0
        if body.refund:
            require_operator(caller(router))
            invoice = get_invoice(s.store, caller(router), body.invoice)
            check_refundable(s.payments, invoice, body.amount)
        note = issue_credit_note(s.store, s.clock, caller(router), body.invoice, body.amount, body.reason)
        if body.refund:
            refunded = refund_credit_note(s.payments, note, invoice)
        return CreditNoteView.of(note, refunded).model_dump(mode="json")

    return CreditNoteView.model_validate(once(router, body.model_dump(mode="json"), run))


@router.get(
    "/v1/credit_notes",
    security=BEARER,
    tags=["Invoices"],
)
def get_credit_notes(
    account: ACCOUNT_QUERY,
    invoice: Annotated[str | None, Query(pattern=r"^in_[0-9a-z]{1,40}$")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> ListOf[CreditNoteView]:
    """An account's credit notes, newest first; ``invoice`` keeps those of one invoice.

    Errors: ``account_not_found``, ``invalid_cursor``.
    """
    found = list_credit_notes(services(router).store, caller(router), account, invoice, page(limit, cursor))
    return ListOf[CreditNoteView](data=[CreditNoteView.of(n) for n in found.items], next_cursor=found.next_cursor)


@router.get(
    "/v1/credit_notes/<credit_note_id>",
    security=BEARER,
    tags=["Invoices"],
)
def get_one_credit_note(credit_note_id: Annotated[str, Path(pattern=r"^cn_[0-9a-z]{1,40}$")]) -> CreditNoteView:
    """Read one credit note: the invoice it corrects, its lines and amounts; members see their own account's.

    Errors: ``credit_note_not_found``.
    """
    return CreditNoteView.of(get_credit_note(services(router).store, caller(router), credit_note_id))


@router.post(
    "/v1/invoice_items",
    status_code=201,
    security=BEARER,
    tags=["Invoices"],
)
def post_invoice_item(body: InvoiceItemCreate) -> InvoiceItemView:
    """A one-off item (operators): on the account's next invoice, or invoiced now with ``invoice_now``.

    Errors: ``account_not_found``, ``amount_required``, ``description_required``, ``invoice_not_draft``,
    ``operator_only``, ``price_not_found``.
    """
    s = services(router)

    def run() -> dict[str, object]:
        item, invoice = add_invoice_item(
            s.store,
            s.accounts,
            s.clock,
            caller(router),
            body.account,
            body.quantity,
            body.price,
            body.unit_amount_decimal,
            body.currency,
            body.description,
            body.invoice_now,
            body.invoice,
        )
        return InvoiceItemView(
            id=item.id,
            account=item.account_id,
            currency=item.currency,
            description=item.description,
            quantity=f"{item.quantity.normalize():f}",
            unit_amount_decimal=f"{item.unit_amount.normalize():f}",
            price=item.price_id,
            invoice=invoice.id if invoice else None,
        ).model_dump(mode="json")

    return InvoiceItemView.model_validate(once(router, body.model_dump(mode="json"), run))
