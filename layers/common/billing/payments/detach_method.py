"""Remove a saved method, at the provider and here."""

from __future__ import annotations

from dataclasses import replace

from billing.accounts.access import Principal
from billing.batch import WriteBatch
from billing.events import EventType
from billing.payments.models import PaymentProfile
from billing.payments.payment_profiles import known_profile, method_event
from billing.payments.record_payment import PaymentServices


def detach_method(services: PaymentServices, principal: Principal, account_id: str, method_id: str) -> PaymentProfile:
    """Remove a method at the provider and here; the newest remaining one becomes the default."""
    profile = known_profile(services, principal, account_id, method_id)
    services.gateway.detach(method_id)
    remaining = tuple(m for m in profile.methods if m.id != method_id)
    default = profile.default_method
    if default == method_id:
        default = max(remaining, key=lambda m: m.created).id if remaining else None
    saved = replace(profile, methods=remaining, default_method=default)
    event = method_event(services, EventType.PAYMENT_METHOD_REMOVED, profile, method_id, default)
    return services.store.commit(WriteBatch(payment_profiles=[saved], events=[event])).payment_profiles[0]
