"""Tell the customer, three days before, that the trial ends: when, what will be billed, and how."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from billing.catalog.rating import amount
from billing.documents.emails import TRIAL_BODY, TRIAL_HOW, TRIAL_SUBJECT
from billing.documents.services import DocumentServices, claim_once, date_text, money_text, send_claimed

INTERVAL_WORDS = {"fr": {"month": "mois", "year": "an"}, "en": {"month": "month", "year": "year"}}


def notify_trial_ending(services: DocumentServices, detail: Mapping[str, Any]) -> bool:
    """Once per subscription: a replayed notice sends nothing more."""
    subscription = services.store.get_subscription(str(detail["subscription"]))
    if subscription is None or not subscription.items:
        return False
    account = services.accounts.get(subscription.account_id)
    claim = f"email:trial:{subscription.id}"
    if account is None or not claim_once(services, claim):
        return False
    locale = account.profile.locale.value
    names = []
    for item in subscription.items:
        product = services.store.get_product(item.price.product_id)
        names.append(item.price.nickname or (product.name if product else item.price.product_id))
    recurring = sum(amount(item.price, item.quantity) for item in subscription.licensed_items)
    first = subscription.items[0].price.recurring
    profile = services.store.get_payment_profile(account.id)
    method = profile.method(profile.default_method) if profile and profile.default_method else None
    how = TRIAL_HOW[(locale, method is not None)].format(method=method.label if method else "")
    date = date_text(datetime.fromisoformat(str(detail["trial_end"])), account)
    send_claimed(
        services,
        claim,
        to=str(account.profile.billing_email),
        subject=TRIAL_SUBJECT[locale].format(date=date),
        text=TRIAL_BODY[locale].format(
            plan=", ".join(names),
            date=date,
            amount=money_text(recurring, subscription.currency, locale),
            interval=INTERVAL_WORDS[locale][first.interval.value if first else "month"],
            how=how,
            seller=services.seller.legal_name,
        ),
    )
    return True
