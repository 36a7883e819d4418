from __future__ import annotations

from billing.accounts.access import Principal
from billing.accounts.key_secrets import SECRET_PREFIX, hash_secret
from billing.accounts.ports import ApiKeyRepository
from billing.errors import AuthenticationError, ErrorCode


def authenticate(keys: ApiKeyRepository, authorization: str | None) -> Principal:
    """Turn an ``Authorization: Bearer <key>`` header into a principal, or refuse."""
    scheme, _, secret = (authorization or "").strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        raise AuthenticationError(ErrorCode.MISSING_API_KEY, "Send an API key as 'Authorization: Bearer <key>'.")
    key = keys.find_by_hash(hash_secret(secret))
    if key is None:
        raise AuthenticationError(ErrorCode.INVALID_API_KEY, "This API key is unknown or revoked.")
    return Principal(role=key.role, key_id=key.id, account_id=key.account_id, permissions=key.permissions)
