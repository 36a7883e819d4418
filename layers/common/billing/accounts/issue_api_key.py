from __future__ import annotations

from collections.abc import Iterable

from billing.accounts.access import OWNER_PERMISSIONS, Permission, Principal, Role, require_owner
from billing.accounts.key_secrets import hash_secret, new_secret
from billing.accounts.models import ApiKey, IssuedApiKey
from billing.accounts.ports import ApiKeyRepository
from billing.clock import Clock
from billing.errors import ErrorCode, InvalidInputError
from billing.ids import new_id


def issue_api_key(
    keys: ApiKeyRepository,
    clock: Clock,
    principal: Principal,
    account_id: str,
    role: Role,
    permissions: Iterable[Permission] = (),
    name: str | None = None,
) -> IssuedApiKey:
    """Create a key for an account's owner or member; the secret is returned once and never again."""
    require_owner(principal, account_id)
    if role is Role.OPERATOR:
        raise InvalidInputError(ErrorCode.INVALID_ROLE, "Account keys are owner or member keys.", "role")
    granted = frozenset(permissions)
    if role is Role.OWNER:
        granted = OWNER_PERMISSIONS
    elif not granted:
        raise InvalidInputError(ErrorCode.PERMISSIONS_REQUIRED, "A member key needs permissions.", "permissions")
    return _issue(keys, clock, role, granted, account_id, name)


def issue_operator_key(
    keys: ApiKeyRepository, clock: Clock, secret: str | None = None, name: str = "operator"
) -> IssuedApiKey:
    """Bootstrap an operator key (deployment or local start-up; never reachable through the API)."""
    return _issue(keys, clock, Role.OPERATOR, OWNER_PERMISSIONS, None, name, secret)


def _issue(
    keys: ApiKeyRepository,
    clock: Clock,
    role: Role,
    permissions: frozenset[Permission],
    account_id: str | None,
    name: str | None,
    secret: str | None = None,
) -> IssuedApiKey:
    secret = secret or new_secret()
    key = ApiKey(
        id=new_id("key"),
        role=role,
        permissions=permissions,
        created_at=clock.now(),
        last4=secret[-4:],
        secret_hash=hash_secret(secret),
        account_id=account_id,
        name=name,
    )
    keys.add_key(key)
    return IssuedApiKey(key=key, secret=secret)
