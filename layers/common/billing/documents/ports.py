"""What documents need from outside besides file storage (``billing.ports``): email and a PDF renderer."""

from __future__ import annotations

from typing import Any, Protocol


class Mailer(Protocol):
    def send(self, to: str, subject: str, text: str, attachment: tuple[str, bytes] | None = None) -> None: ...


class PdfRenderer(Protocol):
    def __call__(self, document: Any) -> bytes: ...
