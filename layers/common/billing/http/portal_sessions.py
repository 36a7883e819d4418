"""The customer billing portal's sessions: created by the seller's server, opened by the portal page."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from billing.accounts.create_portal_session import create_portal_session
from billing.accounts.end_portal_session import end_portal_session
from billing.accounts.open_portal_session import open_portal_session
from billing.http.account_views import ACCOUNT_ID_PATTERN
from billing.http.portal_session_views import (
    SESSION_ID_PATTERN,
    OpenedPortalSessionView,
    PortalLogin,
    PortalSessionCreate,
    PortalSessionView,
)
from billing.http.routing import BEARER, caller, once, services

router = Router()
ACCOUNT_ID = Annotated[str, Path(pattern=ACCOUNT_ID_PATTERN, examples=["acct_0a1b2c3d4e5f60718293"])]
SESSION_ID = Annotated[str, Path(pattern=SESSION_ID_PATTERN, examples=["ps_0a1b2c3d4e5f60718293"])]


@router.post(
    "/v1/portal_sessions",
    status_code=201,
    security=BEARER,
    tags=["Billing portal"],
)
def post_portal_session(body: PortalSessionCreate) -> PortalSessionView:
    """Open the customer billing portal for an account (operators, or the account's owner key): send the
    customer to ``url`` at once. It works once, within 5 minutes; the session it opens acts with the owner's
    rights on that account (never on API keys), and ends after an idle hour, when ended, or when the key that
    created it is revoked.

    Errors: ``account_not_found``, ``owner_only``.
    """
    s = services(router)

    def create() -> dict[str, object]:
        created = create_portal_session(
            s.portal_sessions,
            s.accounts,
            s.clock,
            caller(router),
            body.account,
            s.portal_url,
            body.return_url,
            body.locale,
        )
        return PortalSessionView.created_now(created).model_dump(mode="json")

    return PortalSessionView.model_validate(once(router, body.model_dump(mode="json"), create))


@router.post("/portal/session", tags=["Billing portal"])
def post_portal_login(body: PortalLogin) -> Response[OpenedPortalSessionView]:
    """The portal page exchanges the one-time token of its URL's fragment for the session's secret, which it
    keeps in memory and sends as ``Authorization: Bearer`` (no API key ever reaches the browser).

    Who may call: anyone (the token is the credential).

    Errors: ``portal_link_invalid``.
    """
    s = services(router)
    opened = open_portal_session(s.portal_sessions, s.clock, body.token)
    return Response(
        200,
        content_type="application/json",
        body=OpenedPortalSessionView.of(opened),
        headers={"Cache-Control": "no-store"},
    )


@router.delete(
    "/v1/accounts/<account_id>/portal_sessions/<session_id>",
    status_code=204,
    security=BEARER,
    tags=["Billing portal"],
)
def delete_portal_session(account_id: ACCOUNT_ID, session_id: SESSION_ID) -> Response[None]:
    """End a portal session at once: the customer signing out (with the session's own secret), or the
    account's owner key or an operator.

    Errors: ``account_not_found``, ``owner_only``, ``portal_session_not_found``.
    """
    s = services(router)
    end_portal_session(s.portal_sessions, s.clock, caller(router), account_id, session_id)
    return Response(status_code=204)
