"""Make a saved method the one automatic charges use."""

from __future__ import annotations

from dataclasses import replace

from billing.accounts.access import Principal
from billing.batch import WriteBatch
from billing.events import EventType
from billing.payments.models import PaymentProfile
from billing.payments.payment_profiles import known_profile, method_event
from billing.payments.record_payment import PaymentServices


def set_default_method(
    services: PaymentServices, principal: Principal, account_id: str, method_id: str
) -> PaymentProfile:
    profile = known_profile(services, principal, account_id, method_id)
    if profile.default_method == method_id:
        return profile  # already: nothing changes, nobody is told again
    saved = replace(profile, default_method=method_id)
    event = method_event(services, EventType.PAYMENT_METHOD_DEFAULT_CHANGED, profile, method_id, method_id)
    return services.store.commit(WriteBatch(payment_profiles=[saved], events=[event])).payment_profiles[0]
