"""One-off items from the API: wait for the account's next invoice, or are invoiced at once."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from billing.accounts.access import Principal, require_operator
from billing.accounts.models import Account
from billing.accounts.ports import AccountRepository
from billing.batch import WriteBatch
from billing.clock import Clock
from billing.errors import ErrorCode, InvalidInputError, NotFoundError
from billing.ids import new_id
from billing.invoices.invoice_context import invoice_context
from billing.invoices.invoice_items import InvoiceItem, invoice_now, item_from_price
from billing.invoices.models import DRAFT_GRACE, Invoice

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore


def add_invoice_item(
    store: BillingStore,
    accounts: AccountRepository,
    clock: Clock,
    principal: Principal,
    account_id: str,
    quantity: Decimal,
    price_id: str | None = None,
    unit_amount: Decimal | None = None,
    currency: str | None = None,
    description: str | None = None,
    invoice_at_once: bool = False,
) -> tuple[InvoiceItem, Invoice | None]:
    require_operator(principal)
    account: Account | None = accounts.get(account_id)
    if account is None:
        raise NotFoundError(ErrorCode.ACCOUNT_NOT_FOUND, f"No account {account_id}.", "account")
    if price_id is not None:
        price = store.get_price(price_id)
        if price is None:
            raise InvalidInputError(ErrorCode.PRICE_NOT_FOUND, f"No price {price_id}.", "price")
        item = item_from_price(new_id("ii"), account_id, price, quantity, description)
    else:
        if unit_amount is None or currency is None or description is None:
            raise InvalidInputError(
                ErrorCode.AMOUNT_REQUIRED, "Without a price, give unit_amount, currency and description.", "unit_amount"
            )
        item = InvoiceItem(new_id("ii"), account_id, currency.upper(), description, unit_amount, quantity)
    if not invoice_at_once:
        store.commit(WriteBatch(pending_items=[item]))
        return item, None
    now = clock.now()
    ledger, _ = store.ledger(account_id, item.currency)
    draft = invoice_now(invoice_context(account, ledger, now), [item], now)
    invoice = Invoice(
        new_id("in"), draft, collection_method="send_invoice", days_until_due=30, finalize_at=now + DRAFT_GRACE
    )
    store.commit(WriteBatch(invoices=[invoice]))
    return item, invoice
