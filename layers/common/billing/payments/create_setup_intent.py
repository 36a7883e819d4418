"""Start saving a method: a SetupIntent offering the methods of the account's country and currency."""

from __future__ import annotations

from billing.accounts.access import Permission, Principal, require_access
from billing.accounts.get_account import get_account
from billing.payments.methods import method_types_for
from billing.payments.models import SetupIntentInfo
from billing.payments.payment_profiles import account_currency, payment_profile
from billing.payments.record_payment import PaymentServices


def create_setup_intent(services: PaymentServices, principal: Principal, account_id: str) -> SetupIntentInfo:
    require_access(principal, account_id, Permission.BILLING_MANAGE)
    account = get_account(services.accounts, principal, account_id)
    profile = payment_profile(services, account)
    assert profile.customer_id is not None
    types = method_types_for(account.profile.address.country, account_currency(services, account_id))
    return services.gateway.create_setup_intent(profile.customer_id, types, account_id)
