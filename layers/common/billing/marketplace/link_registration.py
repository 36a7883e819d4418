"""Tie a registration to an account: the signed-in owner with the one-time link token from the landing page,
or an operator naming the account it created for the buyer. Linking again to the same account is a no-op;
to another one, refused."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from billing.accounts.access import Permission, Principal, require_access
from billing.accounts.ports import AccountRepository
from billing.batch import WriteBatch
from billing.clock import Clock
from billing.conflicts import retried_on_conflict
from billing.errors import ConflictError, ErrorCode, ForbiddenError, InvalidInputError, NotFoundError
from billing.events import DomainEvent, EventType
from billing.marketplace.models import Registration
from billing.marketplace.ports import MarketplaceGateway
from billing.marketplace.reconcile_purchase import reconcile_purchase
from billing.marketplace.registrations import token_matches

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore


def link_registration(
    store: BillingStore,
    gateway: MarketplaceGateway,
    accounts: AccountRepository,
    clock: Clock,
    principal: Principal,
    registration_id: str,
    link_token: str | None,
    account_id: str | None,
) -> Registration:
    """Link, then apply what AWS said before the buyer registered (their purchase may start at once)."""
    linked = _link(store, accounts, clock, principal, registration_id, link_token, account_id)
    reconcile_purchase(store, gateway, registration_id, clock.now())
    return store.get_registration(registration_id) or linked


@retried_on_conflict
def _link(
    store: BillingStore,
    accounts: AccountRepository,
    clock: Clock,
    principal: Principal,
    registration_id: str,
    link_token: str | None,
    account_id: str | None,
) -> Registration:
    registration = store.get_registration(registration_id)
    if registration is None:
        raise NotFoundError(ErrorCode.REGISTRATION_NOT_FOUND, f"No registration {registration_id}.", "registration_id")
    target = _target_account(principal, registration, link_token, account_id)
    require_access(principal, target, Permission.BILLING_MANAGE)
    if accounts.get(target) is None:
        raise NotFoundError(ErrorCode.ACCOUNT_NOT_FOUND, f"No account {target}.", "account")
    if registration.account_id == target:
        return registration
    if registration.account_id is not None:
        raise ConflictError(
            ErrorCode.MARKETPLACE_ALREADY_REGISTERED, "This purchase is linked to another account.", "registration_id"
        )
    now = clock.now()
    linked = replace(registration, account_id=target, linked_at=now)
    customer = registration.customer
    event = DomainEvent(
        id=f"marketplace.customer_registered:{registration.id}",
        type=EventType.MARKETPLACE_CUSTOMER_REGISTERED,
        at=now,
        account_id=target,
        detail={
            "account": target,
            "registration": registration.id,
            "customer_identifier": customer.customer_identifier,
            "aws_account_id": customer.aws_account_id,
            "product_code": customer.product_code,
            "license_arn": customer.license_arn,
        },
    )
    store.commit(WriteBatch(registrations=[linked], events=[event]))
    return replace(linked, version=linked.version + 1)


def _target_account(
    principal: Principal, registration: Registration, link_token: str | None, account_id: str | None
) -> str:
    if principal.is_operator:
        if account_id is None:
            raise InvalidInputError(ErrorCode.INVALID_PARAMETER, "An operator names the account.", "account")
        return account_id
    if principal.account_id is None or (account_id not in (None, principal.account_id)):
        raise ForbiddenError(ErrorCode.PERMISSION_DENIED, "An account key links to its own account.", "account")
    if link_token is None or not token_matches(link_token, registration.link_token_hash):
        raise ForbiddenError(
            ErrorCode.LINK_TOKEN_INVALID, "The link token does not match this registration.", "link_token"
        )
    return principal.account_id
