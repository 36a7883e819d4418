"""AWS Marketplace's Metering (ResolveCustomer) and Entitlement (GetEntitlements) services through boto3.

Both live in us-east-1 only, whatever the stack's region (AWS serves them there alone)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import boto3
from botocore.exceptions import ClientError

from billing.marketplace.models import Entitlement, ResolvedCustomer

MARKETPLACE_REGION = "us-east-1"
_REFUSED_TOKENS = {"InvalidTokenException", "ExpiredTokenException"}


class AwsMarketplace:
    @cached_property
    def _metering(self) -> Any:
        return boto3.client("meteringmarketplace", region_name=MARKETPLACE_REGION)

    @cached_property
    def _entitlement(self) -> Any:
        return boto3.client("marketplace-entitlement", region_name=MARKETPLACE_REGION)

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
