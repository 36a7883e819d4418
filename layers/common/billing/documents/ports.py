"""What documents need from outside besides file storage (``billing.ports``): email, a PDF renderer and an
e-invoice writer."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol


class Mailer(Protocol):
    def send(self, to: str, subject: str, text: str, attachment: tuple[str, bytes] | None = None) -> None: ...


class PdfRenderer(Protocol):
    def __call__(self, document: Any) -> bytes: ...


class EInvoiceWriter(Protocol):
    """Factur-X (adapters/facturx_documents.py): EN 16931 terms as CII XML, and a PDF made the PDF/A-3 that
    carries it, dated ``issued``."""

    def cii_xml(self, terms: dict[str, Any]) -> bytes: ...
    def factur_x_pdf(self, pdf: bytes, xml: bytes, issued: datetime, title: str, author: str) -> bytes: ...
