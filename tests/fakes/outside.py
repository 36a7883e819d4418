"""In-memory stand-ins for the bus, the work queues, the document bucket and the mail service.

Each keeps what was given to it, in order, for a test to read back; the contract tests hold them to the
same behaviour as the AWS adapters (what is put is what is got, an unknown key is an error).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from billing.events import DomainEvent


class RecordingPublisher:
    def __init__(self) -> None:
        self.published: list[DomainEvent] = []

    def publish(self, events: Iterable[DomainEvent]) -> None:
        self.published += list(events)


class RecordingQueue:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def send(self, messages: Iterable[dict[str, Any]]) -> None:
        self.messages += list(messages)

    def take(self) -> list[dict[str, Any]]:
        taken, self.messages = self.messages, []
        return taken


class InMemoryDocuments:
    def __init__(self) -> None:
        self.objects: dict[str, tuple[bytes, str]] = {}
        self.kept_until: dict[str, datetime] = {}

    def put(self, key: str, body: bytes, content_type: str = "application/pdf") -> None:
        self.objects[key] = (body, content_type)

    def put_once(self, key: str, body: bytes, content_type: str, keep_until: datetime) -> bytes:
        if key not in self.objects:
            self.objects[key] = (body, content_type)
            self.kept_until[key] = keep_until
        return self.objects[key][0]

    def get(self, key: str) -> bytes:
        # S3 answers NoSuchKey, which boto3 raises; a missing document is a bug in the caller either way.
        return self.objects[key][0]

    def url(self, key: str, filename: str) -> str:
        return f"memory://documents/{key}?filename={filename}"

    def fetch(self, url: str) -> bytes:
        """What a browser downloads from a link ``url`` made."""
        return self.get(url.removeprefix("memory://documents/").split("?", 1)[0])


@dataclass(frozen=True, slots=True)
class SentMail:
    to: str
    subject: str
    text: str
    attachment: tuple[str, bytes] | None


class RecordingMailer:
    def __init__(self) -> None:
        self.sent: list[SentMail] = []

    def send(self, to: str, subject: str, text: str, attachment: tuple[str, bytes] | None = None) -> None:
        self.sent.append(SentMail(to, subject, text, attachment))
