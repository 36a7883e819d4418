"""Typed settings per function, read from the environment once, on first invocation."""

from __future__ import annotations

import os
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from billing.documents.seller import Seller


class TableSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    table_name: str = Field(min_length=3)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> TableSettings:
        env = os.environ if env is None else env
        return cls(table_name=env.get("BILLING_TABLE", ""))


class StripeSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    # A Secrets Manager secret holding {"api_key": "sk_...", "webhook_secret": "whsec_..."}.
    stripe_secret: str = ""
    stripe_api_base: str | None = None  # localstripe on a laptop; Stripe itself when unset

    @staticmethod
    def stripe_from(env: Mapping[str, str]) -> dict[str, str | None]:
        return {
            "stripe_secret": env.get("BILLING_STRIPE_SECRET", ""),
            "stripe_api_base": env.get("BILLING_STRIPE_API_BASE") or None,
        }


class ApiSettings(TableSettings, StripeSettings):
    idempotency_table_name: str = Field(min_length=3)
    documents_bucket: str = ""
    event_bus: str = ""
    cors_origins: tuple[str, ...] = ()
    # Big enough for a 1,000-event usage batch, small enough to refuse abuse before parsing.
    max_body_bytes: int = Field(default=262_144, gt=0)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ApiSettings:
        env = os.environ if env is None else env
        origins = tuple(o.strip() for o in env.get("BILLING_CORS_ORIGINS", "").split(",") if o.strip())
        return cls(
            table_name=env.get("BILLING_TABLE", ""),
            idempotency_table_name=env.get("BILLING_IDEMPOTENCY_TABLE", ""),
            cors_origins=origins,
            max_body_bytes=int(env.get("BILLING_MAX_BODY_BYTES", "262144")),
            documents_bucket=env.get("BILLING_DOCUMENTS_BUCKET", ""),
            event_bus=env.get("BILLING_EVENT_BUS", ""),
            **StripeSettings.stripe_from(env),
        )


class RunSettings(TableSettings):
    work_queue_url: str = Field(min_length=8)
    event_bus: str = Field(min_length=1)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RunSettings:
        env = os.environ if env is None else env
        return cls(
            table_name=env.get("BILLING_TABLE", ""),
            work_queue_url=env.get("BILLING_WORK_QUEUE", ""),
            event_bus=env.get("BILLING_EVENT_BUS", ""),
        )


class WorkerSettings(TableSettings):
    event_bus: str = Field(min_length=1)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WorkerSettings:
        env = os.environ if env is None else env
        return cls(table_name=env.get("BILLING_TABLE", ""), event_bus=env.get("BILLING_EVENT_BUS", ""))


class DocumentSettings(TableSettings):
    bucket: str = Field(min_length=3)
    email_sender: str = Field(min_length=3)
    seller: Seller

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> DocumentSettings:
        env = os.environ if env is None else env
        # No default seller: a deployed stage prints its own legal identity or does not start.
        return cls(
            table_name=env.get("BILLING_TABLE", ""),
            bucket=env.get("BILLING_DOCUMENTS_BUCKET", ""),
            email_sender=env.get("BILLING_EMAIL_SENDER", ""),
            seller=Seller.model_validate_json(env.get("BILLING_SELLER_JSON") or "{}"),
        )


class PaymentsSettings(TableSettings, StripeSettings):
    event_bus: str = Field(min_length=1)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> PaymentsSettings:
        env = os.environ if env is None else env
        return cls(
            table_name=env.get("BILLING_TABLE", ""),
            event_bus=env.get("BILLING_EVENT_BUS", ""),
            **StripeSettings.stripe_from(env),
        )


class WebhookSettings(TableSettings, StripeSettings):
    payments_queue_url: str = Field(min_length=8)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WebhookSettings:
        env = os.environ if env is None else env
        return cls(
            table_name=env.get("BILLING_TABLE", ""),
            payments_queue_url=env.get("BILLING_PAYMENTS_QUEUE", ""),
            **StripeSettings.stripe_from(env),
        )
