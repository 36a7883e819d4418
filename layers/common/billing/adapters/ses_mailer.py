"""Emails through SES, with a PDF (or a zip of PDFs) attached: a raw MIME message, since SES' simple
form has no attachments."""

from __future__ import annotations

import mimetypes
from email.message import EmailMessage
from functools import cached_property
from typing import Any

from billing.adapters.aws_clients import aws_client


class SesMailer:
    def __init__(self, sender: str) -> None:
        self.sender = sender

    @cached_property
    def _client(self) -> Any:
        return aws_client("ses")

    def send(self, to: str, subject: str, text: str, attachment: tuple[str, bytes] | None = None) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(text)
        if attachment is not None:
            filename, content = attachment
            kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
            maintype, subtype = kind.split("/", 1)
            message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
        self._client.send_raw_email(Source=self.sender, Destinations=[to], RawMessage={"Data": message.as_bytes()})
