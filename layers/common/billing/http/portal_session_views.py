"""Bodies of the billing portal's session routes (Stripe's ``billing_portal.session`` where they match)."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from billing.accounts.create_portal_session import CreatedPortalSession
from billing.accounts.open_portal_session import OpenedPortalSession
from billing.accounts.portal_sessions import IDLE_LIMIT, PortalSession
from billing.clock import isoformat
from billing.http.account_views import ACCOUNT_ID_PATTERN

SESSION_ID_PATTERN = r"^ps_[0-9a-z]{1,40}$"


class PortalSessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account: Annotated[str, Field(pattern=ACCOUNT_ID_PATTERN)]
    return_url: Annotated[
        str | None,
        Field(
            max_length=2048,
            description="Where the portal's back link leads: your site (an absolute http or https URL).",
            examples=["https://app.example.com/account"],
        ),
    ] = None
    locale: Literal["fr", "en"] | None = Field(default=None, description="By default, the account's locale.")

    @field_validator("return_url")
    @classmethod
    def _absolute(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("https", "http") or not parts.netloc:
                raise ValueError("return_url must be an absolute http or https URL")
        return value


class PortalSessionView(BaseModel):
    id: str
    object: Literal["billing_portal.session"] = "billing_portal.session"
    account: str
    created: str
    locale: str
    return_url: str | None
    url: str | None = Field(description="In the creation's answer only: the one-time link, valid 5 minutes.")
    opened: str | None = None
    ended: str | None = None

    @classmethod
    def of(cls, session: PortalSession, url: str | None = None) -> PortalSessionView:
        return cls(
            id=session.id,
            account=session.account_id,
            created=isoformat(session.created_at),
            locale=session.locale,
            return_url=session.return_url,
            url=url,
            opened=isoformat(session.opened_at) if session.opened_at else None,
            ended=isoformat(session.ended_at) if session.ended_at else None,
        )

    @classmethod
    def created_now(cls, created: CreatedPortalSession) -> PortalSessionView:
        return cls.of(created.session, created.url)


class PortalLogin(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: Annotated[str, Field(min_length=1, max_length=200, description="The token in the portal URL's fragment.")]


class OpenedPortalSessionView(BaseModel):
    id: str
    object: Literal["billing_portal.opened_session"] = "billing_portal.opened_session"
    account: str
    locale: str
    return_url: str | None
    secret: str = Field(description="The session's bearer: keep it in memory, send it as Authorization: Bearer.")
    idle_timeout_seconds: int

    @classmethod
    def of(cls, opened: OpenedPortalSession) -> OpenedPortalSessionView:
        return cls(
            id=opened.session.id,
            account=opened.session.account_id,
            locale=opened.session.locale,
            return_url=opened.session.return_url,
            secret=opened.secret,
            idle_timeout_seconds=int(IDLE_LIMIT.total_seconds()),
        )
