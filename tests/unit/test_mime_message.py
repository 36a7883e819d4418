"""The SES adapter's message (adapters/ses_mailer.py) is the email package's own, byte for byte, only
faster to make with an attachment."""

from __future__ import annotations

import email
import email.policy
import os
import re
from email.message import EmailMessage

import pytest

from billing.adapters.ses_mailer import mime_message

SUBJECT = "Votre facture F-2026-000123 de 1 234,56 € — échéance le 5 mai"
TEXT = "Bonjour,\n\nVoici votre facture, réglée par prélèvement SEPA.\n\nVendeur SAS\n"


def written_by_the_package(boundary: str, attachment: tuple[str, bytes] | None) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "Factures <factures@vendeur.fr>", "compta@société.fr", SUBJECT
    message.set_content(TEXT)
    if attachment is not None:
        filename, content = attachment
        message.add_attachment(content, maintype="application", subtype="pdf", filename=filename)
        message.set_boundary(boundary)
    return message.as_bytes()


@pytest.mark.parametrize("size", [0, 1, 56, 57, 58, 114, 90_000])
@pytest.mark.parametrize("filename", ["F-2026-000123.pdf", "Reçu n° R-12.pdf"])
def test_a_message_with_an_attachment_is_the_packages_own(size: int, filename: str) -> None:
    content = os.urandom(size)
    ours = mime_message("Factures <factures@vendeur.fr>", "compta@société.fr", SUBJECT, TEXT, (filename, content))
    boundary = re.search(rb'boundary="([^"]+)"', ours).group(1).decode()  # type: ignore[union-attr]
    assert ours == written_by_the_package(boundary, (filename, content))
    parsed = email.message_from_bytes(ours, policy=email.policy.default)
    attached = next(iter(parsed.iter_attachments()))
    assert attached.get_filename() == filename
    assert attached.get_content() == content


def test_a_message_without_attachment_is_the_packages_own() -> None:
    ours = mime_message("Factures <factures@vendeur.fr>", "compta@société.fr", SUBJECT, TEXT, None)
    assert ours == written_by_the_package("", None)
