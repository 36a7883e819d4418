"""Customer portal sessions, like Stripe's: a seller's server asks for one on behalf of an account and sends
the customer to its URL. The URL carries a one-time login token (in the fragment, so no server or Referer
ever sees it) that the portal page exchanges, within minutes, for a session secret it keeps in memory and
sends as its bearer. The session acts with the owner's rights on that one account, except on credentials:
it can neither see nor make API keys or other sessions. It ends after an hour without use, when revoked,
or when the key that created it is revoked."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from billing.accounts.access import PORTAL_SESSION_ID_PREFIX
from billing.accounts.key_secrets import hash_secret

SESSION_ID_PREFIX = PORTAL_SESSION_ID_PREFIX.rstrip("_")  # new_id adds the underscore

LOGIN_PREFIX = "bpl_"
SESSION_PREFIX = "bps_"
LOGIN_WINDOW = timedelta(minutes=5)  # a link is opened right after the seller's page asked for it
IDLE_LIMIT = timedelta(hours=1)
# The authorizer writes "still in use" at most this often: an idle hour is measured to within this.
TOUCH_EVERY = timedelta(minutes=5)
LOCALES = ("fr", "en")


@dataclass(frozen=True)
class PortalSession:
    """A customer's browser session of the billing portal, from its one-time link to its end."""

    id: str
    account_id: str
    created_by: str  # the key that asked for it: revoking that key ends the session
    created_at: datetime
    locale: str
    return_url: str | None
    login_hash: str
    opened_at: datetime | None = None
    last_seen_at: datetime | None = None
    ended_at: datetime | None = None

    @property
    def login_expires_at(self) -> datetime:
        return self.created_at + LOGIN_WINDOW

    def idle_since(self) -> datetime:
        return self.last_seen_at or self.opened_at or self.created_at

    def expired(self, now: datetime) -> bool:
        return self.ended_at is not None or now - self.idle_since() > IDLE_LIMIT


def new_login_token() -> str:
    return LOGIN_PREFIX + secrets.token_urlsafe(32)


def new_session_secret() -> str:
    return SESSION_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hash_secret(token)
