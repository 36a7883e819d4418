from __future__ import annotations

from billing.accounts.access import Principal, require_owner
from billing.accounts.models import ApiKey
from billing.accounts.ports import ApiKeyRepository


def list_api_keys(keys: ApiKeyRepository, principal: Principal, account_id: str) -> list[ApiKey]:
    require_owner(principal, account_id)
    return keys.list_keys(account_id)
