"""A draft changes during its grace period (alwaysdata: the invoice is issued a few hours after the
subscription): lines are added (one-off items) or rated again (late usage), and the whole invoice is
assembled again, discount, VAT and credit included, as on the day it was drafted. Only drafts change:
a finalized invoice is corrected by credit notes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Protocol

from billing.accounts.models import Account
from billing.catalog.ports import CatalogStore
from billing.discounts.models import AppliedDiscount
from billing.errors import ConflictError, ErrorCode
from billing.invoices.assemble_invoice import assemble_invoice
from billing.invoices.invoice_context import invoice_context
from billing.invoices.models import Invoice, InvoiceLine, InvoiceStatus
from billing.invoices.ports import InvoiceStore
from billing.ledger.account_ledger import AccountLedger


class DraftStore(InvoiceStore, CatalogStore, Protocol):
    """A draft is assembled again with the coupon it was drafted with."""


def require_draft(invoice: Invoice) -> None:
    if invoice.status is not InvoiceStatus.DRAFT:
        raise ConflictError(
            ErrorCode.INVOICE_NOT_DRAFT, f"Invoice {invoice.id} is already {invoice.status.value}.", "invoice"
        )


def revised_draft(
    store: DraftStore,
    account: Account,
    invoice: Invoice,
    lines: Iterable[InvoiceLine],
    ledger: AccountLedger | None = None,
) -> Invoice:
    """The draft with ``lines`` instead of its own (unsaved: the caller commits it at the version read).
    ``ledger``: the account's, already read by a caller that posts on it (a finalization); else read here."""
    require_draft(invoice)
    draft = invoice.draft
    discount = None
    if draft.discounts:  # the coupon it was drafted with applies again to the new subtotal
        found = store.get_coupon(draft.discounts[0].coupon_id)
        discount = AppliedDiscount(found[0], start=draft.created) if found else None
    if ledger is None:
        ledger, _ = store.ledger(account.id, draft.currency)
    revised = assemble_invoice(
        invoice_context(account, ledger, draft.created, discount),
        lines,
        draft.billing_reason,
        draft.created,
        draft.subscription_id,
        draft.period,
        draft.currency,
    )
    return replace(invoice, draft=revised)
