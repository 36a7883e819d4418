"""A subscription: items on a billing cycle, what each item was charged, and what waits for an invoice."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from enum import StrEnum

from billing.catalog.models import Price
from billing.copies import slot_copier, slot_init, slot_setter
from billing.discounts.models import AppliedDiscount
from billing.invoices.models import InvoiceLine
from billing.periods import Cycle, Period


class SubscriptionStatus(StrEnum):
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    UNPAID = "unpaid"
    CANCELED = "canceled"
    INCOMPLETE = "incomplete"  # created with a future start: nothing billed before it


class ProrationBehavior(StrEnum):
    CREATE_PRORATIONS = "create_prorations"  # lines wait for the next invoice
    ALWAYS_INVOICE = "always_invoice"  # invoice the lines now
    NONE = "none"


class Granularity(StrEnum):
    DAY = "day"  # what a French invoice can explain: "16/31 jours"
    SECOND = "second"


class CollectionMethod(StrEnum):
    CHARGE_AUTOMATICALLY = "charge_automatically"
    SEND_INVOICE = "send_invoice"


@slot_init
@dataclass(frozen=True, slots=True)
class Charge:
    """What a licensed item was actually charged, for which span: the base of any later credit."""

    amount: int
    span: Period


@slot_init
@dataclass(frozen=True, slots=True)
class SubscriptionItem:
    """A price a subscription bills, its quantity, and what it was last charged."""

    id: str
    price: Price
    quantity: int = 1
    charged: Charge | None = None

    @property
    def name(self) -> str:
        return self.price.name


@dataclass(frozen=True, slots=True)
class MarketplaceTerms:
    """What the marketplace billing a subscription says it includes: shown here, billed there."""

    license_arn: str | None
    entitlements: tuple[tuple[str, int], ...]  # (dimension, quantity), sorted
    free_trial: bool = False


@dataclass(frozen=True, slots=True)
class Subscription:
    """A customer's subscription: its items, its billing and usage periods, its status and how it is collected."""

    id: str
    account_id: str
    currency: str
    items: tuple[SubscriptionItem, ...]
    status: SubscriptionStatus
    created: datetime
    cycle: Cycle  # licensed billing periods
    current_period: Period  # the trial or pre-start span while not yet active
    usage_cycle: Cycle  # metered periods: may be monthly on an annual subscription
    usage_period: Period
    collection_method: CollectionMethod = CollectionMethod.CHARGE_AUTOMATICALLY
    days_until_due: int | None = None
    trial_end: datetime | None = None
    cancel_at_period_end: bool = False
    canceled_at: datetime | None = None
    ended_at: datetime | None = None
    pending_lines: tuple[InvoiceLine, ...] = ()
    scheduled_items: tuple[SubscriptionItem, ...] | None = None  # e.g. a downgrade at period end
    discount: AppliedDiscount | None = None
    granularity: Granularity = Granularity.DAY
    managed_by: str | None = None  # "aws_marketplace": read-only here
    tags: tuple[tuple[str, str], ...] = ()  # sorted (key, value) pairs: chargeback of its recurring items
    marketplace_terms: MarketplaceTerms | None = None  # managed_by a marketplace: its entitlements, trial
    referral_code: str | None = None  # the referral code it was bought with: its referrer is credited once
    trial_ending_notified: bool = False
    latest_invoice: str | None = None  # the id of the last invoice drafted for it (Stripe's latest_invoice)
    version: int = 0

    @property
    def licensed_items(self) -> tuple[SubscriptionItem, ...]:
        return tuple(item for item in self.items if not item.price.is_metered)

    @property
    def metered_items(self) -> tuple[SubscriptionItem, ...]:
        return tuple(item for item in self.items if item.price.is_metered)

    @property
    def is_billing(self) -> bool:
        """Active in the billing sense: its items are charged (not trialing, not yet started, not ended)."""
        return self.status in (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE, SubscriptionStatus.UNPAID)

    def next_due(self) -> datetime | None:
        """When the billing run must act on it: the end of its period or of its usage period."""
        if self.status in (SubscriptionStatus.CANCELED, SubscriptionStatus.UNPAID) or self.managed_by is not None:
            return None  # ended, billing stopped by dunning (resumed when paid), or billed elsewhere
        due = min(self.current_period.end, self.usage_period.end)
        if self.status is SubscriptionStatus.TRIALING and self.trial_end and not self.trial_ending_notified:
            due = min(due, self.trial_end - timedelta(days=3))
        return due

    def item(self, item_id: str) -> SubscriptionItem | None:
        return next((item for item in self.items if item.id == item_id), None)

    def evolve(self, **changes: object) -> Subscription:
        """A copy with ``changes`` (field names), without dataclasses.replace's cost (billing/copies.py)."""
        copy = _copy_subscription(self)
        for name, value in changes.items():
            _SETTERS[name](copy, value)
        return copy


def next_period(cycle: Cycle, after: Period) -> Period:
    """The period that follows ``after`` on ``cycle`` (``after`` may be a trial or a partial period)."""
    return Period(after.end, cycle.boundary(cycle.index_at(after.end) + 1))


_copy_subscription = slot_copier(Subscription)
_SETTERS = {field.name: slot_setter(Subscription, field.name) for field in fields(Subscription)}
