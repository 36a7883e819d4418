"""What accounts need from storage: the account repository and the API keys the authorizer reads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # keeps the authorizer's import light: it never loads the billing profile model
    from billing.accounts.models import Account, ApiKey
    from billing.ports import Page, PageRequest


class AccountRepository(Protocol):
    def add(self, account: Account) -> None:
        """Store a new account; its id must be unused."""
        ...

    def get(self, account_id: str) -> Account | None: ...

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
