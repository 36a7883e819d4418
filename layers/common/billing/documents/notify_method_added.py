"""Tell the customer a payment method was added to their account."""

from __future__ import annotations

from billing.documents.emails import METHOD_BODY, METHOD_SUBJECT
from billing.documents.services import DocumentServices, claim_once, send_claimed


def notify_method_added(services: DocumentServices, account_id: str, method_id: str, label: str) -> bool:
    account = services.accounts.get(account_id)
    claim = f"email:method:{method_id}"
    if account is None or not claim_once(services, claim):
        return False
    locale = account.profile.locale.value
    send_claimed(
        services,
        claim,
        to=str(account.profile.billing_email),
        subject=METHOD_SUBJECT[locale],
        text=METHOD_BODY[locale].format(label=label, seller=services.seller.legal_name),
    )
    return True
