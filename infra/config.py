"""Typed stage configuration: what differs between dev and prod, validated before synthesis."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from billing.documents.local_seller import LOCAL_SELLER
from billing.documents.seller import Seller


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
    # None: given at synthesis (``-c seller='{…}'``); a stage that keeps data never prints the fictitious one.
    seller: Seller | None = LOCAL_SELLER
    email_sender: str = "billing@example.com"
    # Invoices and credit notes are kept 10 years from the close of their year (Code de commerce L123-22):
    # each is put with its own retain-until date in this Object Lock mode (COMPLIANCE: no one can shorten
    # it, root included), the bucket's default retention a floor; a dev stage locks nothing.
    document_lock: Literal["COMPLIANCE", "GOVERNANCE"] | None = "COMPLIANCE"
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
        stage="dev",
        cors_origins=("http://localhost:5173",),
        retain_data=False,
        document_retention_days=None,
        document_lock=None,
    ),
    "prod": StageConfig(stage="prod", seller=None),
}


def with_seller(config: StageConfig, seller_json: str | None) -> StageConfig:
    """The stage with its seller: the one given at synthesis, else its own. Refuses to synthesize a stage
    that keeps data (prod) with no seller or the fictitious local one: its invoices would be void."""
    seller = Seller.model_validate_json(seller_json) if seller_json else config.seller
    if seller is None:
        raise ValueError(
            f"Stage {config.stage} needs its seller: cdk synth -c stage={config.stage} -c seller='{{...}}'."
        )
    if config.retain_data and seller.siren == LOCAL_SELLER.siren:
        raise ValueError(f"Stage {config.stage} keeps data: it cannot print the fictitious local seller.")
    return config.model_copy(update={"seller": seller})
