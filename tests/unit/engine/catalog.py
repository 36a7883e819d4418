"""A small seller's catalog for engine tests (amounts in EUR cents)."""

from datetime import UTC, datetime
from decimal import Decimal

from billing.catalog.models import Interval, Meter, Price, Recurring, UsageType
from billing.invoices.assemble_invoice import InvoiceContext
from billing.tax.vat import Buyer, vat_treatment

MONTHLY = Recurring(Interval.MONTH)
YEARLY = Recurring(Interval.YEAR)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def licensed(price_id: str, cents: int | str, recurring: Recurring = MONTHLY, name: str | None = None) -> Price:
    return Price(
        id=price_id,
        product_id=price_id,
        currency="EUR",
        recurring=recurring,
        unit_amount=Decimal(cents),
        nickname=name or price_id,
    )


def metered(
    price_id: str,
    cents: int | str,
    recurring: Recurring = MONTHLY,
    event: str = "outbound_minutes",
    name: str | None = None,
) -> Price:
    return Price(
        id=price_id,
        product_id=price_id,
        currency="EUR",
        recurring=recurring,
        unit_amount=Decimal(cents),
        usage_type=UsageType.METERED,
        meter=Meter(event),
        nickname=name or event,
    )


USER = licensed("user", 3000, name="User")
NUMBER = licensed("number", 500, name="Number")
MINUTES = metered("minutes", 5, name="Outbound minutes")
USER_YEARLY = licensed("user_y", 30000, YEARLY, name="User")
NUMBER_YEARLY = licensed("number_y", 5000, YEARLY, name="Number")


def french_context(account_id: str = "acct_fr", credit: int = 0, previous_unpaid: int = 0) -> InvoiceContext:
    return InvoiceContext(
        account_id=account_id,
        vat=vat_treatment(Buyer("FR", "FR40303265045"), at(2026, 3, 1).date()),
        credit_available=credit,
        previous_unpaid=previous_unpaid,
    )
