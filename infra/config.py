"""Typed stage configuration: what differs between dev and prod, validated before synthesis."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from billing.documents.seller import LOCAL_SELLER, Seller


class StageConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stage: str = Field(pattern=r"^[a-z][a-z0-9-]{1,20}$")
    account: str | None = None
    region: str = "eu-west-3"
    cors_origins: tuple[str, ...] = ()
    # API Gateway stage throttling (steady rate per second, burst)
    throttle_rate: int = 100
    throttle_burst: int = 200
    log_retention_days: int = 365
    # Production data is retained when the stack is deleted; a dev stage may be thrown away whole.
    retain_data: bool = True
    # The seller printed on every document, and the address invoices are emailed from (an SES identity).
    seller: Seller = LOCAL_SELLER
    email_sender: str = "billing@example.com"
    # Invoices and credit notes are kept 10 years (Code de commerce L123-22); a dev stage keeps none.
    document_retention_days: int | None = 3653
    # AWS Marketplace: the legacy SNS topics of the seller's products (subscription and entitlement), if any;
    # the buyer's landing page after registration.
    marketplace_sns_topics: tuple[str, ...] = ()
    marketplace_landing_url: str = "https://example.com/aws-marketplace/welcome"
    # The customer billing portal's page, where a portal session's one-time URL leads: by default the stack's
    # CloudFront distribution (infra/portal.py); a stage with its own domain names it here.
    portal_url: str | None = None
    # Stripe.js in the portal needs the account's publishable key (public by design).
    stripe_publishable_key: str = "pk_test_set_per_stage"


STAGES = {
    "dev": StageConfig(
        stage="dev", cors_origins=("http://localhost:5173",), retain_data=False, document_retention_days=None
    ),
    "prod": StageConfig(stage="prod"),
}
