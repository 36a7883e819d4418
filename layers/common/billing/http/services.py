"""What the routes need, built once per Lambda container by the function's composition."""

from __future__ import annotations

from dataclasses import dataclass

from billing.clock import Clock
from billing.ports import AccountRepository, ApiKeyRepository, Idempotency


@dataclass(frozen=True)
class ApiServices:
    clock: Clock
    accounts: AccountRepository
    keys: ApiKeyRepository
    idempotency: Idempotency
