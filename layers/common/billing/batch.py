"""What one state change writes, described in domain terms; the store writes it in one transaction.

Everything that belongs together (a subscription and its invoice, a ledger entry and the invoices it
settles) goes into one batch, so either all of it is stored or none of it. Each versioned object is
written only if its stored version is still the one read (``version`` 0 means: must not exist yet).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the batch carries these objects; it never runs their code (a bottom-layer module)
    from billing.accounts.models import AccountStatus
    from billing.catalog.models import Price, Product
    from billing.costs.budgets import Budget
    from billing.discounts.models import Coupon, PromotionCode
    from billing.events import DomainEvent
    from billing.invoices.invoice_items import InvoiceItem
    from billing.invoices.models import CreditNote, Invoice
    from billing.ledger.account_ledger import LedgerEntry
    from billing.marketplace.models import MeteringHour, Registration
    from billing.marketplace.notices import Notice
    from billing.payments.models import Payment, PaymentProfile, Receipt, ReceiptDigest
    from billing.subscriptions.models import Subscription


@dataclass(frozen=True, slots=True)
class LedgerAppend:
    """Entries added to an account's ledger, written only if its head is still the version read."""

    account_id: str
    entries: tuple[LedgerEntry, ...]
    head_version: int  # the ledger version the allocations were computed from


@dataclass(frozen=True, slots=True)
class AccountStatusChange:
    """Move an account to another dunning state, if it is still at ``version``."""

    account_id: str
    status: AccountStatus
    version: int


@dataclass(frozen=True, slots=True)
class SeriesAdvance:
    """Take the next number of a gapless series: ``last`` must still be ``expected_last``."""

    series: str
    expected_last: int
    taken: int


@dataclass
class WriteBatch:
    """Everything one use case changes, committed together or not at all by the store."""

    products: list[Product] = field(default_factory=list)
    prices: list[Price] = field(default_factory=list)
    coupons: list[tuple[Coupon, int]] = field(default_factory=list)  # (coupon, version read)
    promotion_codes: list[tuple[PromotionCode, int]] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)  # version = the version read
    invoices: list[Invoice] = field(default_factory=list)  # version = the version read
    credit_notes: list[CreditNote] = field(default_factory=list)
    ledger: list[LedgerAppend] = field(default_factory=list)
    series: list[SeriesAdvance] = field(default_factory=list)
    pending_items: list[InvoiceItem] = field(default_factory=list)
    consumed_items: list[InvoiceItem] = field(default_factory=list)
    payment_profiles: list[PaymentProfile] = field(default_factory=list)  # version = the version read
    payments: list[Payment] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)
    account_statuses: list[AccountStatusChange] = field(default_factory=list)
    digests: list[ReceiptDigest] = field(default_factory=list)  # scheduled (idempotent: same month, same item)
    digests_sent: list[ReceiptDigest] = field(default_factory=list)  # removed from the schedule
    budgets: list[Budget] = field(default_factory=list)  # version = the version read
    registrations: list[Registration] = field(default_factory=list)  # version = the version read
    notices: list[Notice] = field(default_factory=list)  # kept under each of their keys (a redelivery rewrites)
    metering_hours: list[MeteringHour] = field(default_factory=list)  # version 0: claimed once
    events: list[DomainEvent] = field(default_factory=list)  # to the outbox, in the same transaction
    claims: list[str] = field(default_factory=list)  # names taken once ever (an email sent): else conflict
    released_claims: list[str] = field(default_factory=list)  # given back (the email's send failed)

    def __len__(self) -> int:
        """How many items the transaction writes (DynamoDB takes 100 at most): one per entry of each
        part, outbox events and claims included, and a ledger append's head beside its entries."""
        total = sum(len(getattr(self, part.name)) for part in fields(self) if part.name not in ("ledger", "notices"))
        total += sum(len(notice.keys) for notice in self.notices)  # one item per key
        return total + sum(1 + len(append.entries) for append in self.ledger)


@dataclass(frozen=True, slots=True)
class Committed:
    """What one commit stored: the versioned objects at their new version, and the events it wrote to the
    outbox (the one way events leave a function: see ``PendingEvents``)."""

    subscriptions: tuple[Subscription, ...] = ()
    invoices: tuple[Invoice, ...] = ()
    payment_profiles: tuple[PaymentProfile, ...] = ()
    payments: tuple[Payment, ...] = ()
    events: tuple[DomainEvent, ...] = ()

    @classmethod
    def of(cls, batch: WriteBatch) -> Committed:
        """The stores' common answer: each object written over version ``n`` is now at ``n + 1``."""
        return cls(
            subscriptions=_next_versions(batch.subscriptions),
            invoices=_next_versions(batch.invoices),
            payment_profiles=_next_versions(batch.payment_profiles),
            payments=_next_versions(batch.payments),
            events=tuple(batch.events),
        )


def _next_versions(objects: list[Any]) -> tuple[Any, ...]:
    return tuple(replace(obj, version=obj.version + 1) for obj in objects)


class PendingEvents:
    """The events one invocation committed, in commit order, until its function publishes them.

    The stores report each commit here (``on_commit``); the function publishes what it holds after its
    work, then clears those events from the outbox. A crash in between leaves them in the outbox, which
    the billing run sweeps: at least once, never lost.
    """

    def __init__(self) -> None:
        self._events: list[DomainEvent] = []

    def __call__(self, committed: Committed) -> None:
        self._events += committed.events

    def take(self) -> list[DomainEvent]:
        taken, self._events = self._events, []
        return taken


OnCommit = Callable[[Committed], None]


class BatchWriter(Protocol):
    def commit(self, batch: WriteBatch) -> Committed:
        """Write the batch in one transaction and answer what it stored; a stale version raises
        ``ConflictError``, a batch over the transaction limit ``InvalidInputError``."""
        ...
