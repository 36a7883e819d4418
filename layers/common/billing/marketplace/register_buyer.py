"""The fulfillment URL: the token the buyer's browser posts is resolved at AWS and kept as a registration,
with a one-time link token for the seller's landing page. A token refused by AWS, or a purchase already
registered (a replayed token), changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from billing.batch import WriteBatch
from billing.clock import Clock
from billing.errors import ConflictError, ErrorCode, InvalidInputError
from billing.marketplace.models import Registration
from billing.marketplace.ports import MarketplaceGateway
from billing.marketplace.registrations import new_link_token, registration_id

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore


@dataclass(frozen=True, slots=True)
class Registered:
    """A Marketplace buyer registered from the landing page, with the link token shown to it once."""

    registration: Registration
    link_token: str  # shown once, to the landing page


def register_buyer(store: BillingStore, gateway: MarketplaceGateway, clock: Clock, token: str) -> Registered:
    if not 1 <= len(token) <= 4096:
        raise InvalidInputError(
            ErrorCode.MARKETPLACE_TOKEN_INVALID, "x-amzn-marketplace-token is missing.", "x-amzn-marketplace-token"
        )
    customer = gateway.resolve_customer(token)
    if customer is None:
        raise InvalidInputError(
            ErrorCode.MARKETPLACE_TOKEN_INVALID,
            "AWS Marketplace did not recognise this registration token (invalid or expired): "
            "open the product from your AWS Marketplace subscriptions again.",
            "x-amzn-marketplace-token",
        )
    found = store.get_registration(registration_id(customer.customer_identifier))
    if found is not None:
        raise ConflictError(
            ErrorCode.MARKETPLACE_ALREADY_REGISTERED,
            "This AWS Marketplace purchase is already registered: sign in to the seller's application.",
            "x-amzn-marketplace-token",
        )
    link_token, link_hash = new_link_token()
    registration = Registration(registration_id(customer.customer_identifier), customer, clock.now(), link_hash)
    try:
        store.commit(WriteBatch(registrations=[registration]))
    except ConflictError as error:  # the same token posted twice at once: the other one registered it
        raise ConflictError(
            ErrorCode.MARKETPLACE_ALREADY_REGISTERED, "This AWS Marketplace purchase is already registered.", None
        ) from error
    return Registered(registration, link_token)
