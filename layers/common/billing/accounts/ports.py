"""What accounts need from storage: the account repository and the API keys the authorizer reads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # keeps the authorizer's import light: it never loads the billing profile model
    from collections.abc import Iterable
    from datetime import datetime

    from billing.accounts.models import Account, ApiKey
    from billing.accounts.portal_sessions import PortalSession
    from billing.ports import Page, PageRequest


class AccountRepository(Protocol):
    def add(self, account: Account) -> None:
        """Store a new account; its id must be unused."""
        ...

    def get(self, account_id: str) -> Account | None: ...

    def get_accounts(self, account_ids: Iterable[str]) -> dict[str, Account]:
        """Those of ``account_ids`` that exist, as ``get`` reads them, in one request per hundred."""
        ...

    def save(self, account: Account) -> Account:
        """Replace an account if its stored version is still ``account.version``; return the new one.

        Raises ``ConflictError`` when another writer saved first.
        """
        ...

    def list_accounts(self, page: PageRequest, status: str | None = None, email: str | None = None) -> Page[Account]:
        """Every account, newest first; ``status`` and ``email`` (the billing email, any case) filter a page
        after it is read, as a DynamoDB FilterExpression does: a page may hold fewer than its limit."""
        ...


class ApiKeyRepository(Protocol):
    def add_key(self, key: ApiKey) -> None: ...

    def find_by_hash(self, secret_hash: str) -> ApiKey | None:
        """The authorizer's lookup: one read."""
        ...

    def get_key(self, account_id: str, key_id: str) -> ApiKey | None: ...

    def list_keys(self, account_id: str) -> list[ApiKey]: ...

    def remove_key(self, key: ApiKey) -> None:
        """Revoke at once: after this returns, the secret no longer authenticates."""
        ...


class PortalSessionStore(Protocol):
    def add_session(self, session: PortalSession) -> None:
        """Store a new session, findable by its login token's hash until it is opened."""
        ...

    def find_by_login(self, login_hash: str) -> PortalSession | None: ...

    def open_session(self, session: PortalSession, secret_hash: str, at: datetime) -> PortalSession | None:
        """Consume the login token and make the session findable by its secret's hash; None when the token
        was consumed already (by a concurrent opening: it is one-time)."""
        ...

    def find_by_secret(self, secret_hash: str) -> PortalSession | None:
        """The authorizer's lookup: one read."""
        ...

    def touch(self, secret_hash: str, at: datetime) -> None:
        """Record a use of the session with that secret (its idle hour starts again); one ended meanwhile
        stays ended."""
        ...

    def get_session(self, account_id: str, session_id: str) -> PortalSession | None: ...

    def list_sessions(self, account_id: str) -> list[PortalSession]:
        """The account's sessions not yet ended, oldest first."""
        ...

    def end_session(self, session: PortalSession, at: datetime) -> None:
        """At once: after this returns, neither its login token nor its secret authenticates."""
        ...
