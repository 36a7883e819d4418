"""Accounts, billing profiles and API keys."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from billing.accounts.access import Role
from billing.accounts.create_account import create_account
from billing.accounts.get_account import get_account
from billing.accounts.issue_api_key import issue_api_key
from billing.accounts.list_accounts import list_accounts
from billing.accounts.list_api_keys import list_api_keys
from billing.accounts.models import AccountStatus
from billing.accounts.profile import BillingProfile, BillingProfileChanges
from billing.accounts.revoke_api_key import revoke_api_key
from billing.accounts.update_account import update_account
from billing.http.account_views import (
    ACCOUNT_ID_PATTERN,
    KEY_ID_PATTERN,
    AccountView,
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyList,
    ApiKeyView,
)
from billing.http.routing import BEARER, Cursor, Limit, ListOf, caller, once, page, services

router = Router()
ACCOUNT_ID = Annotated[str, Path(pattern=ACCOUNT_ID_PATTERN, examples=["acct_0a1b2c3d4e5f60718293"])]
KEY_ID = Annotated[str, Path(pattern=KEY_ID_PATTERN, examples=["key_0a1b2c3d4e5f60718293"])]


@router.post(
    "/v1/accounts",
    status_code=201,
    security=BEARER,
    tags=["Accounts"],
)
def post_account(body: BillingProfile) -> AccountView:
    """Open an account with its billing profile (operators).

    Errors: ``invalid_vat_number``, ``operator_only``.
    """
    s = services(router)

    def create() -> dict[str, object]:
        account = create_account(s.accounts, s.clock, caller(router), body)
        return AccountView.of(account).model_dump(mode="json")

    return AccountView.model_validate(once(router, body.model_dump(mode="json"), create))


@router.get(
    "/v1/accounts",
    security=BEARER,
    tags=["Accounts"],
)
def get_accounts(
    status: AccountStatus | None = None,
    email: Annotated[str | None, Query(max_length=254, description="The billing email, in any case.")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> ListOf[AccountView]:
    """Every account, newest first (operators); filtered by dunning status or billing email, a page may
    hold fewer accounts than its limit and still have a next one.

    Errors: ``invalid_cursor``, ``operator_only``.
    """
    found = list_accounts(services(router).accounts, caller(router), page(limit, cursor), status, email)
    return ListOf[AccountView](data=[AccountView.of(a) for a in found.items], next_cursor=found.next_cursor)


@router.get(
    "/v1/accounts/<account_id>",
    security=BEARER,
    tags=["Accounts"],
)
def get_account_route(account_id: ACCOUNT_ID) -> AccountView:
    """Read an account's billing profile.

    Errors: ``account_not_found``.
    """
    return AccountView.of(get_account(services(router).accounts, caller(router), account_id))


@router.patch(
    "/v1/accounts/<account_id>",
    security=BEARER,
    tags=["Accounts"],
)
def patch_account(account_id: ACCOUNT_ID, body: BillingProfileChanges) -> AccountView:
    """Change some fields of the billing profile; nested objects are replaced whole.

    Errors: ``account_not_found``, ``permission_denied``.
    """
    account = update_account(services(router).accounts, caller(router), account_id, body)
    return AccountView.of(account)


@router.post(
    "/v1/accounts/<account_id>/api_keys",
    status_code=201,
    security=BEARER,
    tags=["API keys"],
)
def post_api_key(account_id: ACCOUNT_ID, body: ApiKeyCreate) -> ApiKeyCreated:
    """Create an owner or member key; the secret is in this answer only.

    Errors: ``account_not_found``, ``owner_only``.
    """
    s = services(router)

    def issue() -> dict[str, object]:
        issued = issue_api_key(
            s.keys, s.clock, caller(router), account_id, Role(body.role), body.permissions, body.name
        )
        return ApiKeyCreated.issued(issued).model_dump(mode="json")

    return ApiKeyCreated.model_validate(once(router, body.model_dump(mode="json"), issue))


@router.get(
    "/v1/accounts/<account_id>/api_keys",
    security=BEARER,
    tags=["API keys"],
)
def get_api_keys(account_id: ACCOUNT_ID) -> ApiKeyList:
    """List an account's keys (never their secrets).

    Errors: ``account_not_found``, ``owner_only``.
    """
    keys = list_api_keys(services(router).keys, caller(router), account_id)
    return ApiKeyList(data=[ApiKeyView.of(key) for key in keys])


@router.delete(
    "/v1/accounts/<account_id>/api_keys/<key_id>",
    status_code=204,
    security=BEARER,
    tags=["API keys"],
)
def delete_api_key(account_id: ACCOUNT_ID, key_id: KEY_ID) -> Response[None]:
    """Revoke a key at once.

    Errors: ``account_not_found``, ``api_key_not_found``, ``last_owner_key``, ``owner_only``.
    """
    s = services(router)
    revoke_api_key(s.keys, s.portal_sessions, s.clock, caller(router), account_id, key_id)
    return Response(status_code=204)
