"""AWS Marketplace's Metering (ResolveCustomer) and Entitlement (GetEntitlements) services.

Both live in us-east-1 only, whatever the stack's region (AWS serves them there alone)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from functools import cached_property
from typing import Any

from botocore.exceptions import ClientError

from billing.adapters.aws_clients import aws_client
from billing.marketplace.models import Entitlement, MeteredDimension, ResolvedCustomer

MARKETPLACE_REGION = "us-east-1"
_REFUSED_TOKENS = {"InvalidTokenException", "ExpiredTokenException"}
_TRY_LATER = {"ThrottlingException", "InternalServiceErrorException", "DisabledApiException"}


class AwsMarketplace:
    @cached_property
    def _metering(self) -> Any:
        return aws_client("meteringmarketplace", region_name=MARKETPLACE_REGION)

    @cached_property
    def _entitlement(self) -> Any:
        return aws_client("marketplace-entitlement", region_name=MARKETPLACE_REGION)

    def resolve_customer(self, token: str) -> ResolvedCustomer | None:
        try:
            found = self._metering.resolve_customer(RegistrationToken=token)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _REFUSED_TOKENS:
                return None
            raise
        return ResolvedCustomer(
            customer_identifier=found["CustomerIdentifier"],
            aws_account_id=found.get("CustomerAWSAccountId", ""),
            product_code=found["ProductCode"],
            license_arn=found.get("LicenseArn"),
        )

    def entitlements(self, product_code: str, license_arn: str) -> list[Entitlement]:
        found: list[Entitlement] = []
        request: dict[str, Any] = {"ProductCode": product_code, "Filter": {"LICENSE_ARN": [license_arn]}}
        while True:
            page = self._entitlement.get_entitlements(**request)
            for row in page.get("Entitlements", []):
                value = row.get("Value", {})
                quantity = value.get("IntegerValue", 1 if value.get("BooleanValue") else 0)
                found.append(Entitlement(row["Dimension"], int(quantity), row.get("ExpirationDate")))
            if not page.get("NextToken"):
                return found
            request["NextToken"] = page["NextToken"]

    def meter(
        self, product_code: str, customer: ResolvedCustomer, hour: datetime, dimensions: Sequence[MeteredDimension]
    ) -> list[MeteredDimension] | None:
        records = [_usage_record(customer, hour, dimension) for dimension in dimensions]
        if not records:
            return []
        try:
            answer = self._metering.batch_meter_usage(ProductCode=product_code, UsageRecords=records)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _TRY_LATER:
                return None
            raise
        if answer.get("UnprocessedRecords"):
            return None  # the whole hour is sent again: AWS deduplicates what it already has
        results = {r["UsageRecord"]["Dimension"]: r for r in answer.get("Results", [])}
        return [
            replace(d, metering_record_id=results.get(d.dimension, {}).get("MeteringRecordId"),
                    status=results.get(d.dimension, {}).get("Status"))
            for d in dimensions
        ]  # fmt: skip


def _usage_record(customer: ResolvedCustomer, hour: datetime, dimension: MeteredDimension) -> dict[str, Any]:
    record: dict[str, Any] = {
        "Timestamp": hour,
        "CustomerAWSAccountId": customer.aws_account_id,
        "Dimension": dimension.dimension,
        "Quantity": dimension.quantity,
    }
    if customer.license_arn:
        record["LicenseArn"] = customer.license_arn
    else:
        record["CustomerIdentifier"] = customer.customer_identifier  # products from before June 2026
    if dimension.allocations:
        record["UsageAllocations"] = [
            {
                "AllocatedUsageQuantity": allocation.quantity,
                **({"Tags": [{"Key": k, "Value": v} for k, v in allocation.tags]} if allocation.tags else {}),
            }
            for allocation in dimension.allocations
        ]
    return record
