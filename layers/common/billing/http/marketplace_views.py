"""Request and response bodies of the AWS Marketplace routes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from billing.clock import isoformat
from billing.http.schema import Identifier, Strict
from billing.marketplace.models import MeteringHour, Registration


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


class MeteringAllocationView(BaseModel):
    tags: dict[str, str]
    quantity: int


class MeteredDimensionView(BaseModel):
    dimension: str = Field(description="The AWS Marketplace dimension (the price's lookup_key).")
    quantity: int = Field(description="Whole units reported for the hour.")
    allocations: list[MeteringAllocationView] = Field(description="Shares by tag set, summing to the quantity.")
    metering_record_id: str | None = Field(description="AWS's MeteringRecordId once accepted.")
    status: str | None = Field(description="AWS's answer: Success, DuplicateRecord, CustomerNotSubscribed.")


class MeteringHourView(BaseModel):
    hour: str = Field(description="The hour's start (UTC).")
    status: str = Field(description="pending (to be sent again), sent, or expired (found over 6 hours late).")
    attempts: int = Field(description="BatchMeterUsage calls made for it.")
    dimensions: list[MeteredDimensionView] = Field(description="Each metered dimension's record for the hour.")

    @classmethod
    def of(cls, hour: MeteringHour) -> MeteringHourView:
        return cls(
            hour=isoformat(hour.hour),
            status=hour.status.value,
            attempts=hour.attempts,
            dimensions=[
                MeteredDimensionView(
                    dimension=d.dimension,
                    quantity=d.quantity,
                    allocations=[MeteringAllocationView(tags=dict(a.tags), quantity=a.quantity) for a in d.allocations],
                    metering_record_id=d.metering_record_id,
                    status=d.status,
                )
                for d in hour.dimensions
            ],
        )


class MeteringList(BaseModel):
    object: Literal["list"] = "list"
    subscription: str
    data: list[MeteringHourView]
