"""Request and response bodies of the AWS Marketplace routes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from billing.clock import isoformat
from billing.http.schema import Identifier, Strict
from billing.marketplace.models import Registration


class RegistrationLink(Strict):
    link_token: Annotated[str, Field(min_length=16, max_length=128)] | None = Field(
        default=None, description="The one-time token the landing page received (account keys)."
    )
    account: Identifier | None = Field(default=None, description="Operators: the account to link.")


class RegistrationView(BaseModel):
    id: str
    object: Literal["marketplace_registration"] = "marketplace_registration"
    account: str | None = Field(description="The account it is linked to; null until linked.")
    customer_identifier: str = Field(description="AWS Marketplace's CustomerIdentifier.")
    aws_account_id: str = Field(description="The buyer's AWS account.")
    product_code: str = Field(description="The AWS Marketplace product bought.")
    license_arn: str | None = Field(description="The buyer's license.")
    created: str
    linked_at: str | None = Field(description="When it was linked to the account.")
    subscription: str | None = Field(description="The subscription the purchase started (managed by AWS).")

    @classmethod
    def of(cls, registration: Registration) -> RegistrationView:
        customer = registration.customer
        return cls(
            id=registration.id,
            account=registration.account_id,
            customer_identifier=customer.customer_identifier,
            aws_account_id=customer.aws_account_id,
            product_code=customer.product_code,
            license_arn=customer.license_arn,
            created=isoformat(registration.created),
            linked_at=None if registration.linked_at is None else isoformat(registration.linked_at),
            subscription=registration.subscription_id,
        )
