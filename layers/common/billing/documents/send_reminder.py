"""A dunning reminder, before or after the due date."""

from __future__ import annotations

from billing.documents.emails import REMINDER_BODY, REMINDER_SUBJECT
from billing.documents.services import (
    DocumentServices,
    claim_once,
    date_text,
    default_method_label,
    how_to_pay,
    money_text,
)


def send_reminder(services: DocumentServices, invoice_id: str, days_from_due: int) -> bool:
    """A dunning reminder, before or after the due date; none if the invoice was paid meanwhile."""
    invoice = services.store.get_invoice(invoice_id)
    if invoice is None or invoice.amount_remaining == 0 or invoice.number is None:
        return False
    account = services.accounts.get(invoice.account_id)
    if account is None or not claim_once(services, f"email:reminder:{invoice.id}:{days_from_due}"):
        return False
    locale = account.profile.locale.value
    how = how_to_pay(services, invoice, locale, default_method_label(services, account.id))
    services.mailer.send(
        to=str(account.profile.billing_email),
        subject=REMINDER_SUBJECT[locale][days_from_due > 0].format(number=invoice.number),
        text=REMINDER_BODY[locale].format(
            number=invoice.number,
            amount=money_text(invoice.amount_remaining, invoice.draft.currency, locale),
            due=date_text(invoice.payable_on, account),
            how=how,
            seller=services.seller.legal_name,
        ),
    )
    return True
