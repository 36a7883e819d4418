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
from billing.invoices.models import PlatformStatus


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


class InMemoryPlatform:
    """Chorus Pro as local/chorus_pro.py emulates it: a deposit is found from the second search on, then moves
    one status per search (DEPOSEE, MISE_A_DISPOSITION, MISE_EN_PAIEMENT); not a Factur-X: refused."""

    name = "chorus_pro"
    PROGRESSION = ("DEPOSEE", "MISE_A_DISPOSITION", "MISE_EN_PAIEMENT")
    STATUSES = {
        "DEPOSEE": PlatformStatus.DEPOSITED,
        "MISE_A_DISPOSITION": PlatformStatus.MADE_AVAILABLE,
        "MISE_EN_PAIEMENT": PlatformStatus.PAID,
        "SUSPENDUE": PlatformStatus.SUSPENDED,
        "REJETEE": PlatformStatus.REJECTED,
    }

    def __init__(self) -> None:
        self.deposits: dict[str, dict[str, Any]] = {}

    def deposit(self, file_name: str, factur_x: bytes) -> str:
        import facturx

        try:
            _, xml = facturx.get_xml_from_pdf(factur_x, check_xsd=True)
        except Exception as error:
            raise RuntimeError("Chorus Pro refused /cpro/factures/v1/deposer/flux: 20001") from error
        # A recipient is a SIRET in Chorus Pro: an invoice not addressed to one is rejected.
        addressed = b'schemeID="0009"' in xml
        deposit_id = f"CPP{len(self.deposits) + 1:06d}"
        self.deposits[deposit_id] = {"file": file_name, "searches": 0, "status": None if addressed else "REJETEE"}
        return deposit_id

    def status(self, deposit_id: str) -> tuple[PlatformStatus, str] | None:
        flow = self.deposits.get(deposit_id)
        if flow is None:
            return None
        flow["searches"] += 1
        if flow["status"] is None and flow["searches"] > 1:
            flow["status"] = self.PROGRESSION[0]
        elif flow["status"] in self.PROGRESSION[:-1] and flow["searches"] > 2:
            flow["status"] = self.PROGRESSION[self.PROGRESSION.index(flow["status"]) + 1]
        code = flow["status"]
        return None if code is None else (self.STATUSES[code], code)
