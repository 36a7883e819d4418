"""Revoke an API key at once, and the portal sessions it opened; an account keeps at least one owner key."""

from __future__ import annotations

from billing.accounts.access import Principal, Role, require_owner
from billing.accounts.ports import ApiKeyRepository, PortalSessionStore
from billing.clock import Clock
from billing.errors import ConflictError, ErrorCode, NotFoundError


def revoke_api_key(
    keys: ApiKeyRepository,
    sessions: PortalSessionStore,
    clock: Clock,
    principal: Principal,
    account_id: str,
    key_id: str,
) -> None:
    require_owner(principal, account_id)
    key = keys.get_key(account_id, key_id)
    if key is None:
        raise NotFoundError(ErrorCode.API_KEY_NOT_FOUND, f"No API key {key_id}.", "key_id")
    if key.role is Role.OWNER and not principal.is_operator:
        owners = [k for k in keys.list_keys(account_id) if k.role is Role.OWNER]
        if len(owners) <= 1:  # the account would have no key left to manage itself (operators may, to rotate)
            raise ConflictError(
                ErrorCode.LAST_OWNER_KEY,
                "The last owner key of an account cannot be revoked: create another owner key first.",
                "key_id",
            )
    keys.remove_key(key)
    # The portal sessions that key opened end with it (a leaked key's sessions must not outlive it).
    for session in sessions.list_sessions(account_id):
        if session.created_by == key.id:
            sessions.end_session(session, clock.now())
