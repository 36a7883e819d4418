"""An account's side at the payment provider: its customer (created once) and its saved methods.

Card and bank details go from the customer's browser to Stripe (Stripe.js confirms the SetupIntent):
we only ever hold the method's id, brand, last four digits and expiry (PCI SAQ A).
"""

from __future__ import annotations

import contextlib
from dataclasses import replace

from billing.accounts.access import Permission, Principal, require_access
from billing.accounts.models import Account
from billing.batch import WriteBatch
from billing.conflicts import attempts
from billing.errors import ConflictError, ErrorCode, NotFoundError
from billing.events import DomainEvent, EventType
from billing.ledger.read_balance import DEFAULT_CURRENCY
from billing.payments.models import PaymentMethod, PaymentProfile
from billing.payments.record_payment import PaymentServices


def payment_profile(services: PaymentServices, account: Account) -> PaymentProfile:
    """The account's profile, with a provider customer (created once: its key is the account id)."""
    account_id = account.id
    profile = services.store.get_payment_profile(account_id) or PaymentProfile(account_id)
    if profile.customer_id is not None:
        return profile
    customer = services.gateway.ensure_customer(
        account_id, str(account.profile.billing_email), account.profile.legal_name
    )
    # A concurrent call may store it first: the same customer, since the provider call is idempotent.
    with contextlib.suppress(ConflictError):
        services.store.commit(WriteBatch(payment_profiles=[replace(profile, customer_id=customer)]))
    stored = services.store.get_payment_profile(account_id)
    assert stored is not None
    return stored


def account_currency(services: PaymentServices, account_id: str) -> str:
    ledger, _ = services.store.ledger(account_id, DEFAULT_CURRENCY)
    return ledger.currency


def add_method(services: PaymentServices, account_id: str, method: PaymentMethod) -> PaymentProfile:
    """Save a method the provider confirmed (``setup_intent.succeeded``): the first becomes the default.
    Idempotent: a method already saved changes nothing and announces nothing."""
    account = services.accounts.get(account_id)
    if account is None:
        raise NotFoundError(ErrorCode.ACCOUNT_NOT_FOUND, f"No account {account_id}.", "account_id")
    for _ in attempts():
        profile = payment_profile(services, account)
        if profile.method(method.id) is not None:
            return profile
        saved = replace(profile, methods=(*profile.methods, method), default_method=profile.default_method or method.id)
        event = DomainEvent(
            id=f"payment_method.added:{method.id}",
            type=EventType.PAYMENT_METHOD_ADDED,
            at=services.clock.now(),
            account_id=account_id,
            detail={"account": account_id, "payment_method": method.id, "type": method.type, "label": method.label},
        )
        try:
            committed = services.store.commit(WriteBatch(payment_profiles=[saved], events=[event]))
        except ConflictError:
            continue
        return committed.payment_profiles[0]
    raise ConflictError(ErrorCode.CONCURRENT_UPDATE, "The payment methods kept changing; retry.")


def attach_method(services: PaymentServices, account: Account, method_id: str) -> PaymentMethod:
    """A method created in the browser (Stripe.js) and handed to us for a payment: attach and save it."""
    profile = payment_profile(services, account)
    known = profile.method(method_id)
    if known is not None:
        return known
    assert profile.customer_id is not None
    method = services.gateway.attach(method_id, profile.customer_id)
    add_method(services, account.id, method)
    return method


def known_profile(services: PaymentServices, principal: Principal, account_id: str, method_id: str) -> PaymentProfile:
    require_access(principal, account_id, Permission.BILLING_MANAGE)
    profile = services.store.get_payment_profile(account_id)
    if profile is None or profile.method(method_id) is None:
        raise NotFoundError(ErrorCode.PAYMENT_METHOD_NOT_FOUND, f"No payment method {method_id}.", "payment_method_id")
    return profile


def method_event(
    services: PaymentServices,
    kind: EventType,
    before: PaymentProfile,
    method_id: str,
    default_after: str | None,
) -> DomainEvent:
    """A change to the saved methods, for the billing contact's email: the method and the default after it.
    The profile's version read makes the id unique per change and stable when the same change is retried."""
    method = before.method(method_id)
    default = before.method(default_after) if default_after else None
    return DomainEvent(
        id=f"{kind.value}:{before.account_id}:{method_id}:{before.version}",
        type=kind,
        at=services.clock.now(),
        account_id=before.account_id,
        detail={
            "account": before.account_id,
            "payment_method": method_id,
            "label": method.label if method else method_id,
            "default_label": default.label if default else None,
        },
    )
