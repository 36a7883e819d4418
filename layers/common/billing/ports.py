"""Interfaces the domain needs from the outside world; adapters implement them, fakes stand in for tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # keeps the authorizer's import light: it never loads the billing profile model
    from billing.accounts.models import Account, ApiKey


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


class Idempotency(Protocol):
    def run(self, scope: str, key: str, body: Any, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Run ``compute`` once per (scope, key) and replay its answer; other body, same key: conflict."""
        ...

    def register_lambda_context(self, context: Any) -> None:
        """Called per invocation, so records of a crashed invocation expire with it."""
        ...
