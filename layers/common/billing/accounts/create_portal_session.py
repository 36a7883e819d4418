"""Open the customer portal for an account: a one-time URL the seller sends its customer to."""

from __future__ import annotations

from dataclasses import dataclass

from billing.accounts.access import Principal, require_owner
from billing.accounts.portal_sessions import SESSION_ID_PREFIX, PortalSession, new_login_token, token_hash
from billing.accounts.ports import AccountRepository, PortalSessionStore
from billing.clock import Clock
from billing.errors import ErrorCode, NotFoundError
from billing.ids import new_id


@dataclass(frozen=True)
class CreatedPortalSession:
    """A portal session just opened for a customer, with the one-time link that logs them in."""

    session: PortalSession
    url: str  # shown once: it carries the login token


def create_portal_session(
    sessions: PortalSessionStore,
    accounts: AccountRepository,
    clock: Clock,
    principal: Principal,
    account_id: str,
    portal_url: str,
    return_url: str | None = None,
    locale: str | None = None,
) -> CreatedPortalSession:
    require_owner(principal, account_id)  # operators and the account's owner keys; never a portal session
    account = accounts.get(account_id)
    if account is None:
        raise NotFoundError(ErrorCode.ACCOUNT_NOT_FOUND, f"No account {account_id}.", "account")
    login_token = new_login_token()
    session = PortalSession(
        id=new_id(SESSION_ID_PREFIX),
        account_id=account_id,
        created_by=principal.key_id,
        created_at=clock.now(),
        locale=locale or account.profile.locale.value,
        return_url=return_url,
        login_hash=token_hash(login_token),
    )
    sessions.add_session(session)
    # In the fragment: browsers send neither it to the server nor it in a Referer.
    return CreatedPortalSession(session, f"{portal_url}#session={login_token}")
