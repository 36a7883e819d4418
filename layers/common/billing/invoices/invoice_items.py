"""One-off items: a one-off price or an ad-hoc amount (an intervention from the seller's price list),
added to the account's next invoice or invoiced on its own at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from billing.catalog.models import Price
from billing.errors import ErrorCode, InvalidInputError
from billing.invoices.assemble_invoice import InvoiceContext, assemble_invoice
from billing.invoices.models import BillingReason, DraftInvoice, InvoiceLine, Section
from billing.money import check_unit_amount, round_minor


@dataclass(frozen=True, slots=True)
class InvoiceItem:
    """A one-off charge waiting for the account's next invoice (an intervention, a set-up fee)."""

    id: str
    account_id: str
    currency: str
    description: str
    unit_amount: Decimal  # minor units
    quantity: Decimal = Decimal(1)
    price_id: str | None = None
    tax_rate: Decimal | None = None

    def __post_init__(self) -> None:
        check_unit_amount(self.unit_amount)
        if self.quantity <= 0:
            raise InvalidInputError(ErrorCode.INVALID_QUANTITY, "An invoice item's quantity is positive.", "quantity")
        if not self.description.strip():
            raise InvalidInputError(
                ErrorCode.DESCRIPTION_REQUIRED, "An invoice item needs a description.", "description"
            )


def item_from_price(
    item_id: str, account_id: str, price: Price, quantity: Decimal = Decimal(1), description: str | None = None
) -> InvoiceItem:
    if price.recurring is not None:
        raise InvalidInputError(ErrorCode.RECURRING_PRICE, "Invoice items use one-off prices.", "price")
    return InvoiceItem(
        id=item_id,
        account_id=account_id,
        currency=price.currency,
        description=description or price.name,
        unit_amount=price.unit_amount,
        quantity=quantity,
        price_id=price.id,
        tax_rate=price.tax_rate,
    )


def one_off_line(item: InvoiceItem) -> InvoiceLine:
    return InvoiceLine(
        section=Section.ONE_OFF,
        description=item.description,
        currency=item.currency,
        amount=round_minor(item.unit_amount * item.quantity),
        quantity=item.quantity,
        unit_amount=item.unit_amount,
        price_id=item.price_id,
        tax_rate=item.tax_rate,
    )


def invoice_now(context: InvoiceContext, items: Iterable[InvoiceItem], now: datetime) -> DraftInvoice:
    """Invoice one-off items on their own, at once (billing_reason ``manual``)."""
    return assemble_invoice(context, [one_off_line(item) for item in items], BillingReason.MANUAL, now)
