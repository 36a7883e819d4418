"""Start saving a method: a SetupIntent offering the methods of the account's country and currency (the
currency it is billed in, or its country's before it has bought anything: ACH from a US account's first
setup)."""

from __future__ import annotations

from billing.accounts.access import Permission, Principal, require_access
from billing.accounts.get_account import get_account
from billing.payments.methods import local_currency, method_types_for
from billing.payments.models import SetupIntentInfo
from billing.payments.payment_profiles import payment_profile
from billing.payments.record_payment import PaymentServices
from billing.subscriptions.services import billing_currency


def create_setup_intent(services: PaymentServices, principal: Principal, account_id: str) -> SetupIntentInfo:
    require_access(principal, account_id, Permission.BILLING_MANAGE)
    account = get_account(services.accounts, principal, account_id)
    profile = payment_profile(services, account)
    assert profile.customer_id is not None
    country = account.profile.address.country
    currency = billing_currency(services.store, account_id) or local_currency(country)
    types = method_types_for(country, currency)
    return services.gateway.create_setup_intent(profile.customer_id, types, account_id)
