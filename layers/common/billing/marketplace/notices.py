"""What AWS Marketplace tells the seller, as one shape: EventBridge agreement and license events, and the
legacy SNS messages (delivered raw or wrapped in an SNS envelope). Every notice is kept; which buyer it
concerns is found by its keys (agreement id, license ARN, customer identifier), since agreement events
name neither the license nor the product, and legacy messages name only the customer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

SOURCE = "aws.agreement-marketplace"


class NoticeKind(StrEnum):
    AGREEMENT_CREATED = "agreement_created"
    AGREEMENT_AMENDED = "agreement_amended"
    AGREEMENT_ENDED = "agreement_ended"
    LICENSE_UPDATED = "license_updated"
    LICENSE_DEPROVISIONED = "license_deprovisioned"
    SUBSCRIBE_SUCCESS = "subscribe_success"
    SUBSCRIBE_FAIL = "subscribe_fail"
    UNSUBSCRIBE_PENDING = "unsubscribe_pending"
    UNSUBSCRIBE_SUCCESS = "unsubscribe_success"
    ENTITLEMENT_UPDATED = "entitlement_updated"


# The role suffix (Manufacturer, Proposer) does not change what happened.
_DETAIL_TYPES = {
    "Purchase Agreement Created": NoticeKind.AGREEMENT_CREATED,
    "Purchase Agreement Amended": NoticeKind.AGREEMENT_AMENDED,
    "Purchase Agreement Ended": NoticeKind.AGREEMENT_ENDED,
    "License Updated": NoticeKind.LICENSE_UPDATED,
    "License Deprovisioned": NoticeKind.LICENSE_DEPROVISIONED,
}
_ACTIONS = {
    "subscribe-success": NoticeKind.SUBSCRIBE_SUCCESS,
    "subscribe-fail": NoticeKind.SUBSCRIBE_FAIL,
    "unsubscribe-pending": NoticeKind.UNSUBSCRIBE_PENDING,
    "unsubscribe-success": NoticeKind.UNSUBSCRIBE_SUCCESS,
    "entitlement-updated": NoticeKind.ENTITLEMENT_UPDATED,
}


@dataclass(frozen=True, slots=True)
class Notice:
    """A message from AWS Marketplace about a buyer's agreement or license, kept to apply it once."""

    id: str  # EventBridge's event id, or the SNS MessageId: a redelivery has the same
    kind: NoticeKind
    occurred_at: datetime
    agreement_id: str | None = None
    license_arn: str | None = None
    aws_account_id: str | None = None
    customer_identifier: str | None = None
    product_code: str | None = None
    free_trial: bool | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        """What it can be found by: a registration reaches it through any of them."""
        found = []
        if self.agreement_id:
            found.append(f"agreement:{self.agreement_id}")
        if self.license_arn:
            found.append(f"license:{self.license_arn}")
        if self.customer_identifier:
            found.append(f"customer:{self.customer_identifier}")
        return tuple(found)


def parse_notice(message: dict[str, Any]) -> Notice | None:
    """A queue message's notice; None for anything else (kept out: not ours to apply)."""
    if message.get("Type") == "Notification" and isinstance(message.get("Message"), str):
        try:
            inner = json.loads(message["Message"])
        except json.JSONDecodeError:
            return None
        return _legacy(str(message.get("MessageId") or ""), inner, message.get("Timestamp"))
    if message.get("source") == SOURCE:
        return _eventbridge(message)
    return None


def _when(value: object) -> datetime:
    if isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return datetime(1970, 1, 1, tzinfo=UTC)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime(1970, 1, 1, tzinfo=UTC)


def _eventbridge(event: dict[str, Any]) -> Notice | None:
    detail_type = str(event.get("detail-type", ""))
    kind = _DETAIL_TYPES.get(detail_type.rsplit(" - ", 1)[0])
    detail = event.get("detail")
    if kind is None or not isinstance(detail, dict) or not event.get("id"):
        return None

    def field(name: str, inner: str) -> str | None:
        part = detail.get(name)
        value = part.get(inner) if isinstance(part, dict) else None
        return str(value) if value else None

    return Notice(
        id=str(event["id"]),
        kind=kind,
        occurred_at=_when(event.get("time")),
        agreement_id=field("agreement", "id"),
        license_arn=field("license", "arn"),
        aws_account_id=field("acceptor", "accountId"),
        product_code=field("product", "code"),
    )


def _legacy(message_id: str, inner: dict[str, Any], timestamp: object) -> Notice | None:
    kind = _ACTIONS.get(str(inner.get("action", "")))
    if kind is None or not message_id:
        return None
    trial = inner.get("isFreeTrialTermPresent")
    return Notice(
        id=message_id,
        kind=kind,
        occurred_at=_when(timestamp),
        customer_identifier=str(inner.get("customer-identifier") or "") or None,
        product_code=str(inner.get("product-code") or "") or None,
        aws_account_id=str(inner.get("customer-aws-account-id") or "") or None,
        free_trial=None if trial is None else str(trial).lower() == "true",
    )
