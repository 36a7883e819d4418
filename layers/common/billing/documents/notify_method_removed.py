"""Tell the billing contact a saved method was removed, and which one automatic charges use now."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from billing.documents.emails import REMOVED_AFTER, REMOVED_BODY, REMOVED_SUBJECT
from billing.documents.services import DocumentServices, claim_once, send_claimed


def notify_method_removed(services: DocumentServices, detail: Mapping[str, Any]) -> bool:
    account = services.accounts.get(str(detail["account"]))
    claim = f"email:{detail['id']}"
    if account is None or not claim_once(services, claim):
        return False
    locale = account.profile.locale.value
    default = detail.get("default_label")
    after = REMOVED_AFTER[(locale, bool(default))].format(default=default)
    send_claimed(
        services,
        claim,
        to=str(account.profile.billing_email),
        subject=REMOVED_SUBJECT[locale],
        text=REMOVED_BODY[locale].format(label=detail["label"], after=after, seller=services.seller.legal_name),
    )
    return True
