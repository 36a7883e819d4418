"""One message from the marketplace queue (EventBridge's agreement and license events, or a legacy SNS
message): kept under its keys, then every registered purchase it concerns is reconciled. A notice about a
buyer not registered yet waits; a redelivered one is written again, the same, and changes nothing."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from billing.batch import WriteBatch
from billing.marketplace.notices import Notice, parse_notice
from billing.marketplace.ports import MarketplaceGateway
from billing.marketplace.reconcile_purchase import reconcile_purchase
from billing.marketplace.registrations import registration_id

if TYPE_CHECKING:  # the joined store names parts of every package
    from billing.store import BillingStore

log = logging.getLogger(__name__)


def receive_notice(
    store: BillingStore, gateway: MarketplaceGateway, message: dict[str, Any], now: datetime
) -> Notice | None:
    notice = parse_notice(message)
    if notice is None:
        log.warning("not an AWS Marketplace notice: %s", str(message)[:200])
        return None
    store.commit(WriteBatch(notices=[notice]))
    for concerned in sorted(_registrations(store, notice)):
        reconcile_purchase(store, gateway, concerned, now)
    return notice


def _registrations(store: BillingStore, notice: Notice) -> set[str]:
    licenses = {notice.license_arn} if notice.license_arn else set()
    if notice.agreement_id:  # agreement events name no license: the license events of the agreement do
        licenses |= {n.license_arn for n in store.notices([f"agreement:{notice.agreement_id}"]) if n.license_arn}
    found = {r.id for arn in licenses if (r := store.registration_for_license(arn)) is not None}
    if notice.customer_identifier:
        registration = store.get_registration(registration_id(notice.customer_identifier))
        if registration is not None:
            found.add(registration.id)
    return found
