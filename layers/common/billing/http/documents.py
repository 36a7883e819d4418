"""Document downloads: redirects to short-lived links in the private bucket."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import AwareDatetime

from billing.documents.credit_note_pdf_url import credit_note_pdf_url
from billing.documents.documents_zip_url import documents_zip_url
from billing.documents.invoice_pdf_url import invoice_pdf_url
from billing.http.account_views import ACCOUNT_ID_PATTERN
from billing.http.routing import BEARER, caller, services

router = Router()


def _redirect(url: str) -> Response[None]:
    return Response(302, "text/plain", None, headers={"Location": url, "Cache-Control": "no-store"})


@router.get("/v1/invoices/<invoice_id>/pdf", status_code=302, security=BEARER, tags=["Documents"])
def get_invoice_pdf(invoice_id: Annotated[str, Path(pattern=r"^in_[0-9a-z]{1,40}$")]) -> Response[None]:
    """Redirect to the invoice PDF (a link valid 5 minutes).

    Errors: ``invoice_not_found``.
    """
    s = services(router)
    return _redirect(invoice_pdf_url(s.store, s.documents, caller(router), invoice_id))


@router.get("/v1/credit_notes/<credit_note_id>/pdf", status_code=302, security=BEARER, tags=["Documents"])
def get_credit_note_pdf(credit_note_id: Annotated[str, Path(pattern=r"^cn_[0-9a-z]{1,40}$")]) -> Response[None]:
    """Redirect to the credit note PDF (a link valid 5 minutes); members see their own account's.

    Errors: ``credit_note_not_found``.
    """
    s = services(router)
    return _redirect(credit_note_pdf_url(s.store, s.documents, caller(router), credit_note_id))


@router.get("/v1/accounts/<account_id>/documents.zip", status_code=302, security=BEARER, tags=["Documents"])
def get_documents_zip(
    account_id: Annotated[str, Path(pattern=ACCOUNT_ID_PATTERN)],
    start: Annotated[AwareDatetime, Query(alias="from")],
    end: Annotated[AwareDatetime, Query(alias="to")],
) -> Response[None]:
    """Every invoice and credit note of the period in one zip (a link valid 5 minutes).

    Errors: ``account_not_found``.
    """
    s = services(router)
    return _redirect(documents_zip_url(s.store, s.documents, caller(router), account_id, start, end))
