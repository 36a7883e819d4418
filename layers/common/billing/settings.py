"""Typed settings per function, read from the environment once, on first invocation.

Each field is read from ``BILLING_<FIELD>`` (``table`` ← ``BILLING_TABLE``), a model-typed field as JSON,
and pydantic validates the whole: no name is mapped by hand, and tests/infra checks that the stack gives
each function exactly the variables its settings read.

Read here rather than by pydantic-settings, which does the same but imports asyncio, argparse, dotenv and
all its sources on the way: ~45 ms of every function's cold start, for a loop over a model's fields.
"""

from __future__ import annotations

import json
import os
from typing import Any, Literal, Self, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from billing.documents.seller import Seller

ENV_PREFIX = "BILLING_"


def _from_environment(model: type[BaseModel]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        raw = os.environ.get(ENV_PREFIX + name.upper())
        if raw is not None:
            values[name] = json.loads(raw) if _is_model(field.annotation) else raw
    return values


def _is_model(annotation: Any) -> bool:
    """A model, or an optional one: its variable holds JSON."""
    return any(isinstance(t, type) and issubclass(t, BaseModel) for t in (annotation, *get_args(annotation)))


class EnvironmentSettings(BaseModel):
    # Validators built on first use: a function reads one of the twelve models below, and building all of
    # them took ~10 ms of every cold start.
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    @classmethod
    def from_environment(cls) -> Self:
        return cls.model_validate(_from_environment(cls))


class TableSettings(EnvironmentSettings):
    table: str = Field(min_length=3)  # the main table's name


class StripeSettings(EnvironmentSettings):
    # A Secrets Manager secret holding {"api_key": "sk_...", "webhook_secret": "whsec_..."}.
    stripe_secret: str = ""  # unset: payment routes answer that payments are not configured
    stripe_api_base: str | None = None  # localstripe on a laptop; Stripe itself when unset


class ApiSettings(TableSettings, StripeSettings):
    idempotency_table: str = Field(min_length=3)
    documents_bucket: str = ""
    event_bus: str = ""
    webhooks_queue: str = ""  # the queue's URL: resent events are delivered from it
    # Comma-separated in the environment (BILLING_CORS_ORIGINS), not JSON.
    cors_origins: tuple[str, ...] = ()
    # Big enough for a 1,000-event usage batch, small enough to refuse abuse before parsing.
    max_body_bytes: int = Field(default=262_144, gt=0)
    # Where AWS Marketplace buyers land after registering (the seller's sign-up or sign-in page); it gets
    # ?registration=…&link_token=… to link the purchase to an account.
    marketplace_landing_url: str = "http://127.0.0.1:3000/v1/docs"
    # The billing portal's page: a portal session's URL is this, its login token in the fragment.
    portal_url: str = "http://127.0.0.1:3000/portal/"

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(origin.strip() for origin in value.split(",") if origin.strip())
        return value


class RunSettings(TableSettings):
    work_queue: str = Field(min_length=8)  # the queue's URL
    event_bus: str = Field(min_length=1)


class ChorusProAccess(BaseModel):
    """Where Chorus Pro is and who we are there: PISTE's OAuth client, and the technical account of the
    seller's structure (the ``cpro-account`` header)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    oauth_url: str = Field(min_length=8)  # https://oauth.piste.gouv.fr (sandbox: sandbox-oauth.piste.gouv.fr)
    api_url: str = Field(min_length=8)  # https://api.piste.gouv.fr (sandbox: sandbox-api.piste.gouv.fr)
    client_id: str = Field(min_length=1)
    client_secret: str = Field(min_length=1)
    login: str = Field(min_length=1)
    password: str = Field(min_length=1)


class PlatformSettings(EnvironmentSettings):
    # JSON; absent: no platform, public buyers' invoices are deposited by hand.
    chorus_pro: ChorusProAccess | None = None


class WorkerSettings(TableSettings, PlatformSettings):
    event_bus: str = Field(min_length=1)


class DocumentSettings(TableSettings, PlatformSettings):
    documents_bucket: str = Field(min_length=3)
    email_sender: str = Field(min_length=3)
    # JSON; no default: a deployed stage prints its own legal identity or does not start.
    seller: Seller
    # S3 Object Lock mode of legal documents (COMPLIANCE in prod); empty: the bucket locks nothing.
    document_lock_mode: Literal["COMPLIANCE", "GOVERNANCE", ""] = ""


class PaymentsSettings(TableSettings, StripeSettings):
    event_bus: str = Field(min_length=1)


class WebhookSettings(TableSettings, StripeSettings):
    payments_queue: str = Field(min_length=8)  # the queue's URL


class MarketplaceSettings(TableSettings):
    event_bus: str = Field(min_length=1)


class WebhookDeliverySettings(TableSettings):
    webhooks_queue: str = Field(min_length=8)  # the queue's URL: its own messages, one delivery each
