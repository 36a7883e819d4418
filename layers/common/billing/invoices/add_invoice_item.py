"""One-off items from the API: wait for the account's next invoice, or are invoiced at once."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from billing.accounts.access import Principal, require_operator
from billing.accounts.models import Account
from billing.accounts.ports import AccountRepository
from billing.batch import WriteBatch
from billing.clock import Clock
from billing.conflicts import retried_on_conflict
from billing.errors import BusinessRuleError, ErrorCode, InvalidInputError, NotFoundError
from billing.ids import new_id
from billing.invoices.invoice_context import invoice_context
from billing.invoices.invoice_items import InvoiceItem, invoice_now, item_from_price, one_off_line
from billing.invoices.models import DRAFT_GRACE, Invoice, InvoiceStatus
from billing.invoices.revise_draft import require_draft, revised_draft
from billing.ports import PageRequest

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore


@retried_on_conflict
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
    invoice_id: str | None = None,
) -> tuple[InvoiceItem, Invoice | None]:
    """An item goes on ``invoice_id`` (a draft), else on the account's open draft in its currency (its
    grace period is for exactly this), else waits for the account's next invoice; or is invoiced at once."""
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
        open_draft = _target_draft(store, account_id, item.currency, invoice_id)
        if open_draft is not None:
            revised = revised_draft(store, account, open_draft, [*open_draft.draft.lines, one_off_line(item)])
            return item, store.commit(WriteBatch(invoices=[revised])).invoices[0]
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


def _target_draft(store: BillingStore, account_id: str, currency: str, invoice_id: str | None) -> Invoice | None:
    if invoice_id is not None:
        invoice = store.get_invoice(invoice_id)
        if invoice is None or invoice.account_id != account_id:
            raise NotFoundError(ErrorCode.INVOICE_NOT_FOUND, f"No invoice {invoice_id} on this account.", "invoice")
        require_draft(invoice)
        if invoice.draft.currency != currency:
            raise BusinessRuleError(
                ErrorCode.ACCOUNT_CURRENCY_MISMATCH, f"Invoice {invoice_id} is in {invoice.draft.currency}.", "currency"
            )
        return invoice
    drafts = store.list_invoices(account_id, InvoiceStatus.DRAFT.value, PageRequest(limit=10)).items
    return next((d for d in drafts if d.draft.currency == currency), None)  # the newest first
