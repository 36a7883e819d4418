"""Batch usage ingestion: each event accepted, duplicate (same id, already stored) or rejected.

Accepted and duplicate events are both stored exactly once: events are keyed by (subscription, id),
so a replayed batch rewrites nothing new. Timestamps are accepted from 35 days back to 5 minutes
ahead (Stripe's window). Every refusal says which event and why; the others still go in.

Usage of a period whose invoice is still a draft (its grace hour) is accepted and lands on that draft:
the draft's usage line is rated again over the period's events, late ones included, before the events
are stored; if the draft was finalized meanwhile, they are refused as for any invoiced period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from billing.accounts.access import Permission, Principal
from billing.accounts.models import Account
from billing.accounts.ports import AccountRepository
from billing.batch import WriteBatch
from billing.clock import Clock
from billing.costs.evaluate_budgets import evaluate_budgets
from billing.errors import BillingError, ConflictError, ErrorCode
from billing.invoices.models import Invoice, InvoiceLine, InvoiceStatus, Section
from billing.invoices.revise_draft import revised_draft
from billing.ports import PageRequest
from billing.subscriptions.models import Subscription, SubscriptionStatus
from billing.usage.daily_usage import daily_totals, fold_id
from billing.usage.models import Tags, UsageEvent
from billing.usage.ports import UsageStore
from billing.usage.rate_usage import usage_line

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore

MAX_BATCH = 1000
MAX_AGE = timedelta(days=35)
MAX_AHEAD = timedelta(minutes=5)
MAX_TAGS = 5  # AWS Marketplace's allocation model: up to 5 tags
_CLOSED = ("usage_period_closed", "The usage period of this timestamp is already invoiced.")


@dataclass(frozen=True, slots=True)
class IncomingEvent:
    """A usage event as sent to the API, before it is checked against its subscription."""

    id: str
    subscription_id: str
    meter: str
    quantity: Decimal
    timestamp: datetime
    tags: Tags = ()
    unique_value: str | None = None


@dataclass(frozen=True, slots=True)
class EventError:
    """Why one event of a batch was refused, by its position and id."""

    index: int
    id: str
    code: str
    message: str


@dataclass
class Ingested:
    """What became of a batch: events accepted, already known and refused."""

    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[EventError] = field(default_factory=list)


def _refusal(
    event: IncomingEvent, subscription: Subscription | None, principal: Principal, now: datetime
) -> tuple[str, str] | None:
    if subscription is None or not (principal.is_operator or principal.account_id == subscription.account_id):
        return "subscription_not_found", f"No subscription {event.subscription_id}."  # another's: not seen
    if not _may_write(principal, subscription):
        return "permission_denied", "This key may read but not report usage (billing.manage)."
    if event.meter not in {item.price.meter.event_name for item in subscription.metered_items if item.price.meter}:
        return "unknown_meter", f"Subscription {subscription.id} has no metered price on {event.meter!r}."
    if event.timestamp < now - MAX_AGE:
        return "timestamp_too_old", "Usage older than 35 days is refused."
    if event.timestamp > now + MAX_AHEAD:
        return "timestamp_in_future", "Usage more than 5 minutes ahead is refused."
    if event.timestamp < subscription.usage_period.start:
        # That period is invoiced already (unless its draft is still open: see ingest_usage).
        return _CLOSED
    if (
        subscription.status is SubscriptionStatus.CANCELED
        and subscription.ended_at
        and event.timestamp >= subscription.ended_at
    ):
        return "subscription_ended", "The subscription had ended at that time."
    if event.quantity < 0 or not event.quantity.is_finite():
        return "invalid_quantity", "Quantities are zero or more."
    if len(event.tags) > MAX_TAGS:
        return "too_many_tags", f"At most {MAX_TAGS} tags per event."
    return None


def _may_write(principal: Principal, subscription: Subscription) -> bool:
    if principal.is_operator:
        return True
    return principal.account_id == subscription.account_id and principal.can(Permission.BILLING_MANAGE)


def ingest_usage(
    store: BillingStore,
    accounts: AccountRepository,
    usage: UsageStore,
    clock: Clock,
    principal: Principal,
    events: Sequence[IncomingEvent],
) -> Ingested:
    if len(events) > MAX_BATCH:
        raise BillingError(ErrorCode.BATCH_TOO_LARGE, f"At most {MAX_BATCH} events per request.", "events")
    now = clock.now()
    subscriptions = store.get_subscriptions({event.subscription_id for event in events})
    result = Ingested()
    candidates: dict[tuple[str, str], UsageEvent] = {}
    drafts = _DraftLines(store, subscriptions)
    late: dict[str, list[tuple[int, UsageEvent]]] = {}  # draft id → its late events (index in the batch)
    late_periods: dict[tuple[str, str], datetime] = {}  # a late event → the start of its draft's period
    for index, event in enumerate(events):
        refusal = _refusal(event, subscriptions.get(event.subscription_id), principal, now)
        covering = drafts.covering(event) if refusal is not None and refusal[0] == "usage_period_closed" else None
        if covering is not None and (event.subscription_id, event.id) not in candidates:
            draft, period_start = covering
            late.setdefault(draft.id, []).append((index, _usage_event(event)))
            candidates[(event.subscription_id, event.id)] = _usage_event(event)
            late_periods[(event.subscription_id, event.id)] = period_start
            continue
        if refusal is not None:
            result.rejected += 1
            result.errors.append(EventError(index, event.id, *refusal))
            continue
        key = (event.subscription_id, event.id)
        if key in candidates:
            result.duplicates += 1
            continue
        candidates[key] = _usage_event(event)
    # One writer per subscription from reading the known ids to storing the new events: two batches sharing
    # an id, arriving at once, would each find it unknown and count it (seen through concurrent HTTP).
    with usage.exclusive({subscription_id for subscription_id, _ in candidates}):
        known = usage.known_event_ids(candidates) if candidates else set()
        for draft_id, arrived in late.items():
            new = [(index, e) for index, e in arrived if (e.subscription_id, e.id) not in known]
            if new and not _land_on_draft(store, accounts, usage, drafts.invoices[draft_id], [e for _, e in new]):
                for index, refused in new:  # finalized meanwhile: invoiced, like any closed period
                    del candidates[(refused.subscription_id, refused.id)]
                    result.rejected += 1
                    result.errors.append(EventError(index, refused.id, *_CLOSED))
        fresh = [event for key, event in candidates.items() if key not in known]
        touched = _accounts(accounts, {subscriptions[e.subscription_id].account_id for e in candidates.values()})
        if fresh:
            # Totals first, then events: a retry after a crash in between sees the same fresh events, so the
            # same fold id, and adds nothing twice; events alone stored would hide them from the totals.
            def account_of(subscription_id: str) -> tuple[str, tzinfo]:
                account_id = subscriptions[subscription_id].account_id
                account = touched.get(account_id)
                return account_id, ZoneInfo(account.profile.time_zone) if account else UTC

            def period_start_of(event: UsageEvent) -> datetime:
                """The usage period that will rate the event: a late one's draft, else the period its timestamp
                falls in (past the current one's end, before the hourly run renewed it: the next, which
                starts there)."""
                late_start = late_periods.get((event.subscription_id, event.id))
                current = subscriptions[event.subscription_id].usage_period
                return late_start or (current.end if event.timestamp >= current.end else current.start)

            usage.fold_daily(daily_totals(fresh, account_of, period_start_of), fold_id(fresh))
        usage.add_events(fresh)
    # Budgets hear of the batch (a replayed one too: a crash after storing is caught up by the retry).
    for account in touched.values():
        evaluate_budgets(store, usage, account, now)
    result.accepted += len(fresh)
    result.duplicates += len(candidates) - len(fresh)
    return result


def _accounts(accounts: AccountRepository, account_ids: set[str]) -> dict[str, Account]:
    found = {account_id: accounts.get(account_id) for account_id in sorted(account_ids)}
    return {account_id: account for account_id, account in found.items() if account is not None}


def _usage_event(event: IncomingEvent) -> UsageEvent:
    return UsageEvent(
        event.id, event.subscription_id, event.meter, event.quantity, event.timestamp, event.tags, event.unique_value
    )


class _DraftLines:
    """The usage lines of each subscription's draft invoices, read once per batch and only if needed."""

    def __init__(self, store: BillingStore, subscriptions: dict[str, Subscription]) -> None:
        self._store = store
        self._subscriptions = subscriptions
        self._by_account: dict[str, list[Invoice]] = {}
        self.invoices: dict[str, Invoice] = {}

    def covering(self, event: IncomingEvent) -> tuple[Invoice, datetime] | None:
        """The draft whose usage line covers the event, and that line's period start."""
        subscription = self._subscriptions[event.subscription_id]
        account = subscription.account_id
        if account not in self._by_account:
            page = self._store.list_invoices(account, InvoiceStatus.DRAFT.value, PageRequest(limit=20))
            self._by_account[account] = page.items
            self.invoices.update({invoice.id: invoice for invoice in page.items})
        for invoice in self._by_account[account]:
            for line in invoice.draft.section(Section.USAGE):
                if (
                    line.subscription_id == subscription.id
                    and line.period
                    and _meter_of(subscription, line) == event.meter
                    and line.period.start <= event.timestamp < line.period.end
                ):
                    return invoice, line.period.start
        return None


def _meter_of(subscription: Subscription, line: InvoiceLine) -> str | None:
    item = subscription.item(line.item_id) if line.item_id else None
    return item.price.meter.event_name if item and item.price.meter else None


def _land_on_draft(
    store: BillingStore, accounts: AccountRepository, usage: UsageStore, invoice: Invoice, late: list[UsageEvent]
) -> bool:
    """Rate the draft's usage lines again with the late events; False if it is no longer a draft."""
    account = accounts.get(invoice.account_id)
    subscription = store.get_subscription(invoice.draft.subscription_id or "")
    if account is None or subscription is None:
        return False
    lines = []
    for line in invoice.draft.lines:
        item = subscription.item(line.item_id) if line.item_id else None
        mine = [e for e in late if line.period and line.period.start <= e.timestamp < line.period.end]
        if line.section is not Section.USAGE or item is None or line.period is None or not mine:
            lines.append(line)
            continue
        stored = usage.events(subscription.id, line.period.start, line.period.end)
        known = {e.id for e in stored}
        period_events = [*stored, *(e for e in mine if e.id not in known)]
        lines.append(usage_line(item.price, line.period, period_events, subscription.id, item.id, line.item_name))
    try:
        store.commit(WriteBatch(invoices=[revised_draft(store, account, invoice, lines)]))
    except ConflictError:
        return False
    return True
