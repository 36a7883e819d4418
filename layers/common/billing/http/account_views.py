"""Request and response bodies of the API (field names follow Stripe's where a concept matches)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from billing.accounts.access import Permission, Role
from billing.accounts.models import Account, AccountStatus, ApiKey, IssuedApiKey
from billing.accounts.profile import BillingProfile
from billing.clock import isoformat

ACCOUNT_ID_PATTERN = r"^acct_[0-9a-z]{1,40}$"
KEY_ID_PATTERN = r"^key_[0-9a-z]{1,40}$"


class AccountView(BillingProfile):
    id: str
    object: Literal["account"] = "account"
    created: str = Field(description="ISO 8601 UTC.")
    status: AccountStatus

    @classmethod
    def of(cls, account: Account) -> AccountView:
        return cls(
            id=account.id,
            created=isoformat(account.created_at),
            status=account.status,
            **account.profile.model_dump(),
        )


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["owner", "member"]
    permissions: list[Permission] = Field(
        default_factory=list, max_length=2, description="Member keys only; owners hold every permission."
    )
    name: Annotated[str, Field(min_length=1, max_length=100)] | None = None


class ApiKeyView(BaseModel):
    id: str
    object: Literal["api_key"] = "api_key"
    account: str | None
    role: Role
    permissions: list[Permission]
    name: str | None
    created: str
    last4: str

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyView:
        return cls(
            id=key.id,
            account=key.account_id,
            role=key.role,
            permissions=sorted(key.permissions),
            name=key.name,
            created=isoformat(key.created_at),
            last4=key.last4,
        )


class ApiKeyCreated(ApiKeyView):
    secret: str = Field(description="Shown once: store it now, it cannot be read again.")

    @classmethod
    def issued(cls, issued: IssuedApiKey) -> ApiKeyCreated:
        return cls(secret=issued.secret, **ApiKeyView.of(issued.key).model_dump())


class ApiKeyList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ApiKeyView]


class Health(BaseModel):
    status: Literal["ok"] = "ok"
