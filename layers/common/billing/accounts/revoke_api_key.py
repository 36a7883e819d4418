from __future__ import annotations

from billing.accounts.access import Principal, require_owner
from billing.accounts.ports import ApiKeyRepository
from billing.errors import ErrorCode, NotFoundError


def revoke_api_key(keys: ApiKeyRepository, principal: Principal, account_id: str, key_id: str) -> None:
    require_owner(principal, account_id)
    key = keys.get_key(account_id, key_id)
    if key is None:
        raise NotFoundError(ErrorCode.API_KEY_NOT_FOUND, f"No API key {key_id}.", "key_id")
    keys.remove_key(key)
