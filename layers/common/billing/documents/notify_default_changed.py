"""Tell the billing contact automatic charges now use another saved method."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from billing.documents.emails import DEFAULT_BODY, DEFAULT_SUBJECT
from billing.documents.services import DocumentServices, claim_once, send_claimed


def notify_default_changed(services: DocumentServices, detail: Mapping[str, Any]) -> bool:
    account = services.accounts.get(str(detail["account"]))
    claim = f"email:{detail['id']}"
    if account is None or not claim_once(services, claim):
        return False
    locale = account.profile.locale.value
    send_claimed(
        services,
        claim,
        to=str(account.profile.billing_email),
        subject=DEFAULT_SUBJECT[locale],
        text=DEFAULT_BODY[locale].format(label=detail["label"], seller=services.seller.legal_name),
    )
    return True
