"""What each subscription's current period will cost: so far, and projected to its end.

Recurring items count exactly (billed in advance, known). Usage is projected two ways, both named:
``linear`` (the period's quantity so far, scaled by elapsed time) and ``trailing_7_days`` (the last seven
days' rate over the time left). Tiers apply to the projected quantity — a linear extrapolation of the
cost would over-charge graduated tiers — and the projected lines go through the invoice's own assembly,
so discount and VAT are what the invoice will apply. Meters counting a maximum, a latest value or unique
values are not extrapolated: their projection is the value so far.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from billing.accounts.access import Principal
from billing.accounts.get_account import get_account
from billing.accounts.models import Account
from billing.accounts.ports import AccountRepository
from billing.catalog.models import Aggregation
from billing.catalog.rating import amount
from billing.clock import Clock
from billing.costs.account_usage import AccountUsage, account_usage
from billing.costs.priced_usage import PeriodUsage
from billing.invoices.assemble_invoice import assemble_invoice
from billing.invoices.invoice_context import invoice_context
from billing.invoices.models import BillingReason, InvoiceLine, Section
from billing.subscriptions.get_subscription import readable_subscription
from billing.subscriptions.models import Subscription, SubscriptionItem, SubscriptionStatus
from billing.usage.aggregate_usage import ADDITIVE
from billing.usage.ports import UsageStore

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore

TRAILING = timedelta(days=7)
_SIX_PLACES = Decimal("0.000001")


class Scenario(StrEnum):
    TO_DATE = "to_date"
    LINEAR = "linear"
    TRAILING_7_DAYS = "trailing_7_days"


@dataclass(frozen=True, slots=True)
class Cost:
    """An amount before and after VAT, in minor units."""

    excluding_tax: int  # after discounts
    including_tax: int


@dataclass(frozen=True, slots=True)
class ItemForecast:
    """One item's quantity and amount by the end of its period, per scenario."""

    item_id: str
    name: str
    meter: str | None  # None: a recurring (licensed) item
    quantity: dict[Scenario, Decimal]
    amount: dict[Scenario, int]  # before discount and tax


@dataclass(frozen=True, slots=True)
class SubscriptionForecast:
    """What a subscription's current period will cost at its end, per scenario."""

    subscription_id: str
    currency: str
    period_start: datetime
    period_end: datetime
    elapsed: Decimal  # fraction of the period gone, 0 to 1
    items: tuple[ItemForecast, ...]
    cost: dict[Scenario, Cost]


@dataclass(frozen=True, slots=True)
class Forecast:
    """An account's end-of-period costs, per subscription and in total per currency."""

    account_id: str
    at: datetime
    subscriptions: tuple[SubscriptionForecast, ...]
    totals: dict[str, dict[Scenario, Cost]]  # per currency


def forecast_costs(
    store: BillingStore,
    accounts: AccountRepository,
    usage: UsageStore,
    clock: Clock,
    principal: Principal,
    account_id: str,
) -> Forecast:
    account = get_account(accounts, principal, account_id)
    return account_forecast(store, usage, account, clock.now())


def forecast_subscription(
    store: BillingStore,
    accounts: AccountRepository,
    usage: UsageStore,
    clock: Clock,
    principal: Principal,
    subscription_id: str,
) -> SubscriptionForecast:
    """One subscription's forecast (the upcoming invoice preview carries it)."""
    subscription = readable_subscription(store, principal, subscription_id, "subscription")
    account = get_account(accounts, principal, subscription.account_id)
    now = clock.now()
    priced = account_usage(store, usage, account, now.date() - TRAILING, now.date())
    return subscription_forecast(priced, priced.subscriptions.get(subscription.id, subscription), now)


def account_forecast(store: BillingStore, usage: UsageStore, account: Account, now: datetime) -> Forecast:
    today = now.date()
    priced = account_usage(store, usage, account, today - TRAILING, today)
    forecasts = tuple(
        subscription_forecast(priced, subscription, now)
        for subscription in priced.subscriptions.values()
        if subscription.status is not SubscriptionStatus.CANCELED and subscription.managed_by is None
    )
    totals: dict[str, dict[Scenario, Cost]] = defaultdict(dict)
    for forecast in forecasts:
        for scenario, cost in forecast.cost.items():
            known = totals[forecast.currency].get(scenario, Cost(0, 0))
            totals[forecast.currency][scenario] = Cost(
                known.excluding_tax + cost.excluding_tax, known.including_tax + cost.including_tax
            )
    return Forecast(account.id, now, forecasts, dict(totals))


def subscription_forecast(priced: AccountUsage, subscription: Subscription, now: datetime) -> SubscriptionForecast:
    period = subscription.usage_period
    length = Decimal(period.seconds)
    elapsed = min(max(Decimal((now - period.start).total_seconds()), Decimal(0)), length)
    fraction = elapsed / length if length else Decimal(1)
    items = [_recurring(subscription, item) for item in subscription.licensed_items if _charged_in(subscription, item)]
    items += [_metered(priced, subscription, item, now, elapsed, length) for item in subscription.metered_items]
    cost = {scenario: _invoice_cost(priced.account, subscription, items, scenario, now) for scenario in Scenario}
    return SubscriptionForecast(
        subscription.id,
        subscription.currency,
        period.start,
        period.end,
        fraction.quantize(_SIX_PLACES),
        tuple(items),
        cost,
    )


def _charged_in(subscription: Subscription, item: SubscriptionItem) -> bool:
    """A licensed item belongs to the period's cost when it is billed per usage period, or its charge
    started in this one (an annual seat counts in the month it was billed, not in every month)."""
    return subscription.cycle.months == subscription.usage_cycle.months or subscription.usage_period.contains(
        subscription.current_period.start
    )


def _recurring(subscription: Subscription, item: SubscriptionItem) -> ItemForecast:
    if subscription.status is SubscriptionStatus.TRIALING:
        charged = 0  # a trial charges nothing for its period
    else:
        charged = item.charged.amount if item.charged else amount(item.price, item.quantity)
    quantity = Decimal(item.quantity)
    return ItemForecast(item.id, item.name, None, dict.fromkeys(Scenario, quantity), dict.fromkeys(Scenario, charged))


def _metered(
    priced: AccountUsage,
    subscription: Subscription,
    item: SubscriptionItem,
    now: datetime,
    elapsed: Decimal,
    length: Decimal,
) -> ItemForecast:
    meter = item.price.meter
    assert meter is not None
    period_usage = _period_usage(priced, subscription, meter.event_name)
    so_far = period_usage.quantity if period_usage else Decimal(0)
    quantities = {Scenario.TO_DATE: so_far, Scenario.LINEAR: so_far, Scenario.TRAILING_7_DAYS: so_far}
    if meter.aggregation in ADDITIVE and elapsed > 0:
        quantities[Scenario.LINEAR] = (so_far * length / elapsed).quantize(_SIX_PLACES)
        window = min(Decimal(TRAILING.total_seconds()), elapsed)
        recent = _recent_quantity(period_usage, (now - TRAILING).date(), meter.aggregation)
        quantities[Scenario.TRAILING_7_DAYS] = (so_far + recent / window * (length - elapsed)).quantize(_SIX_PLACES)
    amounts = {scenario: amount(item.price, quantity) for scenario, quantity in quantities.items()}
    return ItemForecast(item.id, item.name, meter.event_name, quantities, amounts)


def _period_usage(priced: AccountUsage, subscription: Subscription, meter: str) -> PeriodUsage | None:
    for period in priced.periods:
        if (
            period.subscription_id == subscription.id
            and period.meter == meter
            and period.period.start == subscription.usage_period.start
        ):
            return period
    return None


def _recent_quantity(period_usage: PeriodUsage | None, since: date, aggregation: Aggregation) -> Decimal:
    if period_usage is None:
        return Decimal(0)
    days = [day for day in period_usage.days if day.day >= since]
    return sum((Decimal(day.events) if aggregation is Aggregation.COUNT else day.quantity for day in days), Decimal(0))


def _invoice_cost(
    account: Account, subscription: Subscription, items: list[ItemForecast], scenario: Scenario, now: datetime
) -> Cost:
    lines = [
        InvoiceLine(
            section=Section.USAGE if item.meter else Section.RECURRING,
            description=item.name,
            currency=subscription.currency,
            amount=item.amount[scenario],
            quantity=item.quantity[scenario],
            tax_rate=_price_rate(subscription, item.item_id),
        )
        for item in items
    ]
    context = invoice_context(account, None, now, subscription.discount)
    draft = assemble_invoice(
        context, lines, BillingReason.SUBSCRIPTION_CYCLE, now, subscription.id, currency=subscription.currency
    )
    discount = sum(line.amount for line in draft.discounts)
    return Cost(draft.subtotal - discount, draft.total)


def _price_rate(subscription: Subscription, item_id: str) -> Decimal | None:
    item = subscription.item(item_id)
    return item.price.tax_rate if item else None
