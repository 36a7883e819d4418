"""End a portal session at once: the customer signs out, or the account's owner or an operator ends it."""

from __future__ import annotations

from billing.accounts.access import Principal, require_owner
from billing.accounts.ports import PortalSessionStore
from billing.clock import Clock
from billing.errors import ErrorCode, NotFoundError


def end_portal_session(
    sessions: PortalSessionStore, clock: Clock, principal: Principal, account_id: str, session_id: str
) -> None:
    if principal.key_id != session_id:  # a session may always end itself
        require_owner(principal, account_id)
    session = sessions.get_session(account_id, session_id)
    if session is None or principal.account_id not in (None, session.account_id):
        raise NotFoundError(ErrorCode.PORTAL_SESSION_NOT_FOUND, f"No portal session {session_id}.", "session_id")
    if session.ended_at is None:
        sessions.end_session(session, clock.now())
