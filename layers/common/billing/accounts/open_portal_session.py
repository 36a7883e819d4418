"""The portal page exchanges the URL's one-time login token for the session's secret."""

from __future__ import annotations

from dataclasses import dataclass

from billing.accounts.portal_sessions import (
    LOGIN_PREFIX,
    PortalSession,
    new_session_secret,
    token_hash,
)
from billing.accounts.ports import PortalSessionStore
from billing.clock import Clock
from billing.errors import ErrorCode, InvalidInputError


@dataclass(frozen=True)
class OpenedPortalSession:
    """A portal session whose one-time link was followed: the secret the page uses from now on."""

    session: PortalSession
    secret: str  # the page keeps it in memory and sends it as its bearer; never stored here


def open_portal_session(sessions: PortalSessionStore, clock: Clock, login_token: str) -> OpenedPortalSession:
    # A 400 like the marketplace's token: the credential is in the body, and the route needs no API key.
    refused = InvalidInputError(
        ErrorCode.PORTAL_LINK_INVALID,
        "This billing portal link is unknown, expired or already used: open the portal again from the seller's site.",
        "token",
    )
    if not login_token.startswith(LOGIN_PREFIX) or len(login_token) > 200:
        raise refused
    session = sessions.find_by_login(token_hash(login_token))
    now = clock.now()
    if session is None or session.opened_at is not None or session.ended_at is not None:
        raise refused
    if now > session.login_expires_at:
        raise refused
    secret = new_session_secret()
    opened = sessions.open_session(session, token_hash(secret), now)
    if opened is None:  # a concurrent opening consumed the token first
        raise refused
    return OpenedPortalSession(opened, secret)
