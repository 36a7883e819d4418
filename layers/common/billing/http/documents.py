"""Document downloads: redirects to short-lived links in the private bucket."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import AwareDatetime, BaseModel, Field

from billing.documents.credit_note_pdf_url import credit_note_pdf_url
from billing.documents.credit_note_xml import credit_note_xml
from billing.documents.documents_zip_url import documents_zip_url
from billing.documents.invoice_pdf_url import invoice_pdf_url
from billing.documents.invoice_xml import invoice_xml
from billing.http.account_views import ACCOUNT_ID_PATTERN
from billing.http.routing import BEARER, caller, services

router = Router()


class DocumentLink(BaseModel):
    object: Literal["document_link"] = "document_link"
    url: str = Field(description="A presigned link to the document, valid 5 minutes.")


# A browser page holding a bearer cannot follow a redirect it cannot read (fetch hides the Location of a
# cross-origin redirect): with ``Accept: application/json`` the link comes as a body instead.
LINK_RESPONSES: dict[int, OpenAPIResponse] = {
    302: {"description": "Redirect to the document (Location)"},
    200: {
        "description": "The link, with Accept: application/json",
        "content": {"application/json": {"model": DocumentLink}},
    },
}


def link_answer(on: Router, url: str) -> Response[Any]:
    if "application/json" in (on.current_event.headers.get("Accept") or ""):
        return Response(
            200, "application/json", DocumentLink(url=url).model_dump_json(), headers={"Cache-Control": "no-store"}
        )
    return Response(302, "text/plain", None, headers={"Location": url, "Cache-Control": "no-store"})


@router.get(
    "/v1/invoices/<invoice_id>/pdf", status_code=302, security=BEARER, tags=["Documents"], responses=LINK_RESPONSES
)
def get_invoice_pdf(invoice_id: Annotated[str, Path(pattern=r"^in_[0-9a-z]{1,40}$")]) -> Response[Any]:
    """Redirect to the invoice PDF (a link valid 5 minutes), or its link as JSON.

    Errors: ``invoice_not_found``.
    """
    s = services(router)
    return link_answer(router, invoice_pdf_url(s.store, s.documents, caller(router), invoice_id))


# text/xml rather than application/xml (the same type, RFC 7303): generated clients read text/* as a string.
XML_RESPONSES: dict[int, OpenAPIResponse] = {
    200: {
        "description": "The Factur-X XML (UN/CEFACT CII, EN 16931 profile)",
        "content": {"text/xml": {"schema": {"type": "string"}}},
    }
}


def xml_answer(xml: bytes) -> Response[Any]:
    return Response(200, "text/xml", xml.decode(), headers={"Cache-Control": "no-store"})


@router.get("/v1/invoices/<invoice_id>/xml", security=BEARER, tags=["Documents"], responses=XML_RESPONSES)
def get_invoice_xml(invoice_id: Annotated[str, Path(pattern=r"^in_[0-9a-z]{1,40}$")]) -> Response[Any]:
    """The invoice as an e-invoice: the Factur-X CII XML (EN 16931) its PDF carries, for an accounting system
    or a platform to read without parsing the PDF.

    Errors: ``invoice_not_found``, ``pdf_not_ready``.
    """
    s = services(router)
    return xml_answer(invoice_xml(s.store, s.documents, caller(router), invoice_id))


@router.get(
    "/v1/credit_notes/<credit_note_id>/pdf",
    status_code=302,
    security=BEARER,
    tags=["Documents"],
    responses=LINK_RESPONSES,
)
def get_credit_note_pdf(credit_note_id: Annotated[str, Path(pattern=r"^cn_[0-9a-z]{1,40}$")]) -> Response[Any]:
    """Redirect to the credit note PDF (a link valid 5 minutes), or its link as JSON; members see their own
    account's.

    Errors: ``credit_note_not_found``.
    """
    s = services(router)
    return link_answer(router, credit_note_pdf_url(s.store, s.documents, caller(router), credit_note_id))


@router.get("/v1/credit_notes/<credit_note_id>/xml", security=BEARER, tags=["Documents"], responses=XML_RESPONSES)
def get_credit_note_xml(credit_note_id: Annotated[str, Path(pattern=r"^cn_[0-9a-z]{1,40}$")]) -> Response[Any]:
    """The credit note as an e-invoice: the Factur-X CII XML (type 381, referring to its invoice) its PDF
    carries.

    Errors: ``credit_note_not_found``, ``pdf_not_ready``.
    """
    s = services(router)
    return xml_answer(credit_note_xml(s.store, s.documents, caller(router), credit_note_id))


@router.get(
    "/v1/accounts/<account_id>/documents.zip",
    status_code=302,
    security=BEARER,
    tags=["Documents"],
    responses=LINK_RESPONSES,
)
def get_documents_zip(
    account_id: Annotated[str, Path(pattern=ACCOUNT_ID_PATTERN)],
    start: Annotated[AwareDatetime, Query(alias="from")],
    end: Annotated[AwareDatetime, Query(alias="to")],
) -> Response[Any]:
    """Every invoice and credit note of the period in one zip (a link valid 5 minutes, or as JSON).

    Errors: ``account_not_found``.
    """
    s = services(router)
    return link_answer(router, documents_zip_url(s.store, s.documents, caller(router), account_id, start, end))
