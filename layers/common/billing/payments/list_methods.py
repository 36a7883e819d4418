"""An account's saved payment methods and its default."""

from __future__ import annotations

from billing.accounts.access import Principal
from billing.accounts.get_account import get_account
from billing.payments.models import PaymentProfile
from billing.payments.record_payment import PaymentServices


def list_methods(services: PaymentServices, principal: Principal, account_id: str) -> PaymentProfile:
    get_account(services.accounts, principal, account_id)
    return services.store.get_payment_profile(account_id) or PaymentProfile(account_id)
