"""The local mailbox: the emails the backend sent through SES (the newest 1,000 on moto), readable at
``GET /_local/emails``.

SES has no API to read sent mail. LocalStack keeps what it accepted and serves it at ``GET /_aws/ses``
(``{"messages": [{"Id", "Region", "Source", "Destination": {"ToAddresses"}, "RawData", "Timestamp"}]}``,
``DELETE`` empties it). moto keeps the messages too but serves them only inside its internal state dump,
so the moto process gets the same ``/_aws/ses`` endpoint here; the mailbox route then reads one shape,
whichever emulator runs.
"""

from __future__ import annotations

import email
import json
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default
from typing import Any

SES_PATH = "/_aws/ses"
# moto keeps every message it accepted, attachments included (about 110 KB an invoice email: its PDF and XML),
# and `make run` keeps running: the mailbox keeps the newest ones, enough to read any recent customer's mail.
MAILBOX_KEPT = 1_000
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def stamp_moto_ses_sends() -> None:
    """moto's sent messages carry no time; LocalStack's carry a Timestamp. Stamp each one as it is sent, and
    let the oldest go past ``MAILBOX_KEPT`` (SES's sending statistics, counted apart, keep counting)."""
    from moto.ses.models import SESBackend

    if getattr(SESBackend.send_raw_email, "stamped", False):
        return
    send = SESBackend.send_raw_email

    def send_raw_email(self: Any, *args: Any, **kwargs: Any) -> Any:
        message = send(self, *args, **kwargs)
        message.timestamp = datetime.now(UTC).isoformat()  # type: ignore[attr-defined]
        if len(self.sent_messages) > MAILBOX_KEPT:
            del self.sent_messages[:-MAILBOX_KEPT]
        return message

    send_raw_email.stamped = True  # type: ignore[attr-defined]
    SESBackend.send_raw_email = send_raw_email  # type: ignore[method-assign]


def _moto_messages() -> list[dict[str, Any]]:
    from moto.ses.models import ses_backends

    messages = []
    for account_backends in ses_backends.values():
        for region, backend in account_backends.items():
            for sent in backend.sent_messages:
                raw = getattr(sent, "raw_data", None)
                if raw is None:  # only SendRawEmail is used by the backend
                    continue
                messages.append(
                    {
                        "Id": sent.id,
                        "Region": region,
                        "Source": sent.source,
                        # moto adds the To header's addresses to the given destinations: once each, as SES delivers
                        "Destination": {"ToAddresses": list(dict.fromkeys(sent.destinations))},
                        "RawData": raw,
                        "Timestamp": getattr(sent, "timestamp", None),
                    }
                )
    return messages


def _clear_moto_messages() -> None:
    from moto.ses.models import ses_backends

    for account_backends in ses_backends.values():
        for backend in account_backends.values():
            backend.sent_messages.clear()


def with_ses_mailbox(app: WsgiApp) -> WsgiApp:
    """moto's WSGI app, plus LocalStack's ``GET``/``DELETE /_aws/ses`` (filters: ``id``, ``email`` = sender)."""

    def mailbox_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != SES_PATH:
            return app(environ, start_response)
        if environ["REQUEST_METHOD"] == "DELETE":
            _clear_moto_messages()
            start_response("204 No Content", [])
            return [b""]
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        messages = _moto_messages()
        if "id" in query:
            messages = [m for m in messages if m["Id"] in query["id"]]
        if "email" in query:
            messages = [m for m in messages if m["Source"] in query["email"]]
        payload = json.dumps({"messages": messages}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
        return [payload]

    return mailbox_app


def sent_emails(aws_endpoint: str, to: str | None = None) -> list[tuple[dict[str, Any], EmailMessage]]:
    """What SES accepted, in sending order: each message's record and its parsed MIME; only those sent
    to ``to`` if given."""
    with urllib.request.urlopen(f"{aws_endpoint}{SES_PATH}", timeout=10) as answer:  # noqa: S310 - emulator
        messages = json.load(answer)["messages"]
    found = []
    for sent in messages:
        message = email.message_from_string(sent["RawData"], policy=default)
        assert isinstance(message, EmailMessage)
        if to is not None and to not in recipients(sent, message):
            continue
        found.append((sent, message))
    return found


def recipients(sent: dict[str, Any], message: EmailMessage) -> list[str]:
    """moto records a raw email's recipients as ``Destination``; LocalStack records none (SES itself takes them
    from the message's headers when the call names no ``Destinations``): read the ``To`` header then."""
    listed: list[str] = sent.get("Destination", {}).get("ToAddresses", [])
    if listed:
        return listed
    return [address.addr_spec for address in getattr(message["To"], "addresses", ())]


def read_emails(aws_endpoint: str, to: str | None = None) -> list[dict[str, Any]]:
    """The emails as a reader sees them: sender, recipients, subject, text, attachments' names."""
    emails = []
    for sent, message in sent_emails(aws_endpoint, to):
        body = message.get_body(("plain",))
        emails.append(
            {
                "id": sent["Id"],
                "sent_at": sent.get("Timestamp"),
                "from": sent.get("Source"),
                "to": recipients(sent, message),
                "subject": str(message["Subject"]),
                "text": body.get_content() if body is not None else "",
                "attachments": [
                    {"filename": part.get_filename(), "content_type": part.get_content_type()}
                    for part in message.iter_attachments()
                ],
            }
        )
    return emails


def emails_request(aws_endpoint: str, query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
    """``GET /_local/emails[?to=address]``: the local mailbox, oldest first."""
    to = query.get("to", [None])[0]
    payload = {"object": "list", "data": read_emails(aws_endpoint, to)}
    return 200, {"Content-Type": "application/json"}, json.dumps(payload, ensure_ascii=False).encode()
