"""AWS Marketplace routes: the fulfillment URL the buyer's browser posts to, and the link of a registration
to an account."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated
from urllib.parse import parse_qs, urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import AwareDatetime

from billing.http.marketplace_views import MeteringHourView, MeteringList, RegistrationLink, RegistrationView
from billing.http.routing import BEARER, caller, services
from billing.marketplace.link_registration import link_registration
from billing.marketplace.list_metering import list_metering
from billing.marketplace.register_buyer import register_buyer

router = Router()
REGISTRATION_ID = Annotated[str, Path(pattern=r"^mpreg_[0-9a-f]{20}$")]
TOKEN_FIELD = "x-amzn-marketplace-token"  # noqa: S105 - the form field AWS posts, not a secret


@router.post("/marketplace/register", tags=["AWS Marketplace"])
def post_marketplace_register() -> Response[None]:
    """The fulfillment URL of the AWS Marketplace listing: the buyer's browser posts the
    ``x-amzn-marketplace-token`` form field here. The token is resolved at AWS (ResolveCustomer) and the
    buyer is sent (303) to the seller's landing page with ``registration`` and a one-time ``link_token``,
    which the signed-in owner uses to link the purchase to their account.

    Who may call: anyone (AWS sends the buyer's browser; the token is the credential).

    Errors: ``marketplace_token_invalid``, ``marketplace_already_registered``.
    """
    event = router.current_event
    raw = event.body or ""
    if event.is_base64_encoded:
        try:
            raw = base64.b64decode(raw, validate=True).decode("utf-8", "replace")
        except binascii.Error:
            raw = ""  # no readable token: refused as missing (400), not a 500
    token = (parse_qs(raw).get(TOKEN_FIELD) or [""])[0]
    s = services(router)
    registered = register_buyer(s.store, s.marketplace(), s.clock, token)
    query = urlencode({"registration": registered.registration.id, "link_token": registered.link_token})
    separator = "&" if "?" in s.marketplace_landing_url else "?"
    return Response(303, headers={"Location": f"{s.marketplace_landing_url}{separator}{query}"})


@router.post(
    "/v1/marketplace/registrations/<registration_id>/link",
    security=BEARER,
    tags=["AWS Marketplace"],
)
def post_registration_link(registration_id: REGISTRATION_ID, body: RegistrationLink) -> RegistrationView:
    """Link an AWS Marketplace purchase to an account: the owner key of the account with the ``link_token``
    its landing page received, or an operator key naming the ``account`` created for the buyer. Linking it
    again to the same account answers the same; another account is refused.

    Errors: ``registration_not_found``, ``link_token_invalid``, ``marketplace_already_registered``,
    ``account_not_found``, ``permission_denied``, ``invalid_parameter``.
    """
    s = services(router)
    linked = link_registration(
        s.store, s.marketplace(), s.accounts, s.clock, caller(router), registration_id, body.link_token, body.account
    )
    return RegistrationView.of(linked)


@router.get(
    "/v1/subscriptions/<subscription_id>/marketplace_metering",
    security=BEARER,
    tags=["AWS Marketplace"],
)
def get_marketplace_metering(
    subscription_id: Annotated[str, Path(pattern=r"^sub_[0-9a-z]{1,40}$")],
    start: Annotated[AwareDatetime, Query(alias="from")],
    end: Annotated[AwareDatetime, Query(alias="to")],
) -> MeteringList:
    """The hours reported to AWS Marketplace (BatchMeterUsage) for a subscription it manages: each hour once,
    quantity 0 included, with its allocations by tag, AWS's metering record id and status; hours found too
    late for AWS (over 6 hours) are listed as ``expired``.

    Errors: ``subscription_not_found``, ``invalid_range``.
    """
    hours = list_metering(services(router).store, caller(router), subscription_id, start, end)
    return MeteringList(subscription=subscription_id, data=[MeteringHourView.of(h) for h in hours])
