"""Accounts and API keys as the domain sees them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from billing.accounts.access import Permission, Role

if TYPE_CHECKING:  # pydantic is only loaded where profiles are handled, not by the authorizer
    from billing.accounts.profile import BillingProfile


class AccountStatus(StrEnum):
    ACTIVE = "active"
    WARNING = "warning"
    RESTRICTED = "restricted"
    SUSPENDED = "suspended"


@dataclass(frozen=True)
class Account:
    """A customer of the seller: its billing profile and its standing (dunning moves the status)."""

    id: str
    profile: BillingProfile
    created_at: datetime
    status: AccountStatus = AccountStatus.ACTIVE
    # Optimistic concurrency: a save only wins against the version it read.
    version: int = 0

    def with_profile(self, profile: BillingProfile) -> Account:
        return replace(self, profile=profile)


@dataclass(frozen=True)
class ApiKey:
    """A key's public side; its secret is shown once at creation and stored only as a hash."""

    id: str
    role: Role
    permissions: frozenset[Permission]
    created_at: datetime
    last4: str
    # SHA-256 of the secret: the authorizer's lookup key, useless to an attacker who reads it.
    secret_hash: str = field(repr=False)
    account_id: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class IssuedApiKey:
    """A new API key and its secret, which is shown this once and stored only as a hash."""

    key: ApiKey
    secret: str
