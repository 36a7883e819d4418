from __future__ import annotations

from billing.accounts.access import OWNER_PERMISSIONS, Principal, Role
from billing.accounts.key_secrets import SECRET_PREFIX, hash_secret
from billing.accounts.portal_sessions import SESSION_PREFIX, TOUCH_EVERY, token_hash
from billing.accounts.ports import ApiKeyRepository, PortalSessionStore
from billing.clock import Clock
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


def authenticate_portal_session(sessions: PortalSessionStore, clock: Clock, authorization: str | None) -> Principal:
    """Turn a portal session's ``Authorization: Bearer bps_…`` into the account owner's principal, or refuse;
    a use recorded at most every few minutes starts its idle hour again."""
    scheme, _, secret = (authorization or "").strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret.startswith(SESSION_PREFIX) or len(secret) > 200:
        raise AuthenticationError(ErrorCode.MISSING_API_KEY, "Send an API key as 'Authorization: Bearer <key>'.")
    secret_hash = token_hash(secret)
    session = sessions.find_by_secret(secret_hash)
    now = clock.now()
    if session is None or session.expired(now):
        raise AuthenticationError(
            ErrorCode.PORTAL_SESSION_EXPIRED, "This billing portal session has ended: open the portal again."
        )
    if now - session.idle_since() >= TOUCH_EVERY:
        sessions.touch(secret_hash, now)
    return Principal(role=Role.OWNER, key_id=session.id, account_id=session.account_id, permissions=OWNER_PERMISSIONS)


def authenticate_caller(
    keys: ApiKeyRepository, sessions: PortalSessionStore, clock: Clock, authorization: str | None
) -> Principal:
    """The authorizer's entry: an API key or a portal session, told apart by the secret's prefix (one read
    either way)."""
    if (authorization or "").strip().partition(" ")[2].strip().startswith(SESSION_PREFIX):
        return authenticate_portal_session(sessions, clock, authorization)
    return authenticate(keys, authorization)
