"""What an account brings to its invoices: VAT from its profile, credit and debt from its ledger."""

from __future__ import annotations

from datetime import datetime

from billing.accounts.models import Account
from billing.discounts.models import AppliedDiscount
from billing.invoices.assemble_invoice import InvoiceContext
from billing.ledger.account_ledger import AccountLedger
from billing.tax.vat import Buyer, vat_treatment


def invoice_context(
    account: Account, ledger: AccountLedger | None, on: datetime, discount: AppliedDiscount | None = None
) -> InvoiceContext:
    profile = account.profile
    return InvoiceContext(
        account_id=account.id,
        vat=vat_treatment(
            Buyer(profile.address.country, profile.vat_number, profile.address.postal_code, profile.is_business),
            on.date(),
        ),
        locale=profile.locale.value,
        credit_available=ledger.credit_available() if ledger else 0,
        previous_unpaid=ledger.amount_owed() if ledger else 0,
        discount=discount,
    )
