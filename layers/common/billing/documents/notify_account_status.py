"""Tell the billing contact each time dunning moves the account to another state, and what it means."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from billing.documents.emails import STATUS_BODY, STATUS_SUBJECT
from billing.documents.services import DocumentServices, claim_once, money_text
from billing.ledger.read_balance import DEFAULT_CURRENCY


def notify_account_status(services: DocumentServices, detail: Mapping[str, Any]) -> bool:
    """Once per transition (the event's id is the claim): a replayed event sends nothing more."""
    account = services.accounts.get(str(detail["account"]))
    status = str(detail["status"])
    if account is None or not claim_once(services, f"email:status:{detail['id']}"):
        return False
    locale = account.profile.locale.value
    ledger, _ = services.store.ledger(account.id, DEFAULT_CURRENCY)
    services.mailer.send(
        to=str(account.profile.billing_email),
        subject=STATUS_SUBJECT[locale][status],
        text=STATUS_BODY[locale][status].format(
            owed=money_text(ledger.amount_owed(), ledger.currency, locale), seller=services.seller.legal_name
        ),
    )
    return True
