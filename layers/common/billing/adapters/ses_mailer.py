"""Emails through SES, with the PDF attached (a raw MIME message: SES' simple form has no attachments)."""

from __future__ import annotations

from email.message import EmailMessage
from functools import cached_property
from typing import Any

import boto3


class SesMailer:
    def __init__(self, sender: str) -> None:
        self.sender = sender

    @cached_property
    def _client(self) -> Any:
        return boto3.client("ses")

    def send(self, to: str, subject: str, text: str, attachment: tuple[str, bytes] | None = None) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(text)
        if attachment is not None:
            filename, content = attachment
            message.add_attachment(content, maintype="application", subtype="pdf", filename=filename)
        self._client.send_raw_email(Source=self.sender, Destinations=[to], RawMessage={"Data": message.as_bytes()})
