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
from billing.documents.report_e_reporting import EReport, report_csv, report_e_reporting
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


class EReportRow(BaseModel):
    currency: str
    buyers: Literal["b2c", "b2b_international"] = Field(description="Consumers, or businesses outside France.")
    category: str = Field(description="EN 16931 VAT category: S (VAT charged), AE (reverse charge), O (out of scope).")
    rate: str
    taxable_amount: int
    vat_amount: int = Field(description="VAT in minor units (negative where credit notes outweigh invoices).")
    documents: int = Field(description="Invoices and credit notes (sales), or receipt lines (payments), counted.")


class EReportView(BaseModel):
    object: Literal["e_reporting"] = "e_reporting"
    period: str = Field(description="The month reported, YYYY-MM (Paris time).")
    sales: list[EReportRow] = Field(description="Invoices less credit notes of the month, by VAT rate.")
    payments: list[EReportRow] = Field(description="Payments received for services (VAT due when paid), by rate.")
    prepaid: dict[str, int] = Field(description="Credit bought ahead (top-ups), per currency, not yet invoiced.")

    @classmethod
    def of(cls, report: EReport) -> EReportView:
        def rows(section: list[Any]) -> list[EReportRow]:
            return [
                EReportRow(
                    currency=row.currency,
                    buyers=row.buyers,
                    category=row.category,
                    rate=f"{row.rate.normalize():f}",
                    taxable_amount=row.taxable_amount,
                    vat_amount=row.vat_amount,
                    documents=row.documents,
                )
                for row in section
            ]

        return cls(
            period=report.month, sales=rows(report.sales), payments=rows(report.payments), prepaid=report.prepaid
        )


@router.get(
    "/v1/reports/e_reporting",
    security=BEARER,
    tags=["Documents"],
    responses={
        200: {
            "description": "The month's e-reporting data, as JSON or CSV (format=csv)",
            "content": {"application/json": {"model": EReportView}, "text/csv": {"schema": {"type": "string"}}},
        }
    },
)
def get_e_reporting(
    period: Annotated[str, Query(pattern=r"^[0-9]{4}-[0-9]{2}$", description="The month, YYYY-MM (Paris time).")],
    format: Annotated[Literal["json", "csv"], Query(description="json, or csv for a spreadsheet.")] = "json",
) -> Response[Any]:
    """E-reporting data (operators): sales to consumers and to businesses abroad, and payments received for
    services, by VAT category and rate; French B2B invoices are e-invoiced instead and left out.

    Errors: ``invalid_month``, ``operator_only``.
    """
    s = services(router)
    report = report_e_reporting(s.store, s.accounts, caller(router), period)
    if format == "csv":
        return Response(200, "text/csv", report_csv(report), headers={"Cache-Control": "no-store"})
    return Response(200, "application/json", EReportView.of(report).model_dump_json())
