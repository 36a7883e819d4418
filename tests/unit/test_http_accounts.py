"""The REST routes over in-memory services: status codes, problem bodies, authorization, idempotency."""

import json
from datetime import UTC, datetime

import pytest

from billing.accounts.access import Permission, Principal, Role
from billing.clock import FixedClock
from billing.http.app import build_app
from billing.http.services import ApiServices
from billing.settings import ApiSettings
from tests.builders import french_company, proxy_event
from tests.fakes import InMemoryAccounts, InMemoryIdempotency, InMemoryKeys, InMemoryPortalSessions

OPERATOR = Principal(role=Role.OPERATOR, key_id="key_operator")


class Api:
    def __init__(self, max_body_bytes: int = 262_144) -> None:
        settings = ApiSettings(table="t-main", idempotency_table="t-idem", max_body_bytes=max_body_bytes)
        self.app = build_app(settings)
        self.services = ApiServices(
            clock=FixedClock(datetime(2026, 3, 1, tzinfo=UTC)),
            accounts=InMemoryAccounts(),
            keys=InMemoryKeys(),
            idempotency=InMemoryIdempotency(),
            store=None,  # type: ignore[arg-type]  # the account routes never touch it
            usage=None,  # type: ignore[arg-type]
            documents=None,  # type: ignore[arg-type]
            payment_gateway=lambda: None,  # type: ignore[arg-type,return-value]
            webhook_store=None,  # type: ignore[arg-type]
            webhook_queue=None,  # type: ignore[arg-type]
            marketplace=lambda: None,  # type: ignore[arg-type,return-value]
            marketplace_landing_url="https://app.example.com/aws/welcome",
            portal_sessions=InMemoryPortalSessions(),
            portal_url="https://billing.example.com/portal/",
        )

    def call(self, method, path, resource, principal=OPERATOR, body=None, headers=None, params=None):
        self.app.append_context(services=self.services)
        event = proxy_event(method, path, resource, body, principal, headers, params)
        response = self.app.resolve(event, None)
        payload = json.loads(response["body"]) if response.get("body") else None
        headers = dict(response.get("headers") or {})
        headers |= {k: v[0] for k, v in (response.get("multiValueHeaders") or {}).items()}
        return response["statusCode"], headers.get("Content-Type"), payload

    def create_account(self, **overrides):
        status, _, body = self.call("POST", "/v1/accounts", "/v1/accounts", body=french_company(**overrides))
        assert status == 201, body
        return body

    def account_route(self, method, account_id, principal, body=None):
        return self.call(
            method,
            f"/v1/accounts/{account_id}",
            "/v1/accounts/{account_id}",
            principal,
            body,
            params={"account_id": account_id},
        )


@pytest.fixture
def api():
    return Api()


def owner(account_id):
    return Principal(role=Role.OWNER, key_id="key_o", account_id=account_id, permissions=frozenset(Permission))


def test_operator_creates_and_reads_an_account(api):
    created = api.create_account()
    assert created["id"].startswith("acct_")
    assert created["object"] == "account"
    assert created["created"] == "2026-03-01T00:00:00Z"
    status, _, read = api.account_route("GET", created["id"], OPERATOR)
    assert status == 200
    assert read == created


def test_invalid_vat_number_is_a_400_problem_naming_the_field(api):
    status, content_type, problem = api.call(
        "POST", "/v1/accounts", "/v1/accounts", body=french_company(vat_number="FR00000000000")
    )
    assert status == 400
    assert content_type == "application/problem+json"
    assert problem["code"] == "invalid_vat_number"
    assert problem["param"] == "vat_number"
    assert api.services.accounts.items == {}


@pytest.mark.parametrize(
    ("body", "code", "param"),
    [
        ("{not json", "invalid_payload", None),  # docs/errors.md: "The body is not JSON."
        ({"legal_name": "x"}, "invalid_parameter", "address"),
        (
            french_company(address={"line1": "a", "postal_code": "1", "city": "c", "country": "QQ"}),
            "invalid_country",
            "address.country",
        ),
        (french_company(role="operator"), "invalid_parameter", "role"),
        (
            french_company(
                siret="73282932000074",
                siren=None,
                address={"line1": "a", "postal_code": "1", "city": "c", "country": "DE"},
            ),
            "french_identifier_outside_france",
            "siret",
        ),
    ],
)
def test_bad_bodies_answer_400_with_code_and_param(api, body, code, param):
    status, content_type, problem = api.call("POST", "/v1/accounts", "/v1/accounts", body=body)
    assert (status, content_type) == (400, "application/problem+json")
    assert problem["code"] == code
    if param:
        assert problem["param"] == param


def test_only_operators_open_accounts(api):
    status, _, problem = api.call("POST", "/v1/accounts", "/v1/accounts", owner("acct_a"), french_company())
    assert (status, problem["code"]) == (403, "operator_only")


def test_owner_reads_its_account_and_not_another(api):
    mine, theirs = api.create_account(), api.create_account(legal_name="Autre SARL")
    assert api.account_route("GET", mine["id"], owner(mine["id"]))[0] == 200
    status, _, problem = api.account_route("GET", theirs["id"], owner(mine["id"]))
    assert (status, problem["code"]) == (404, "account_not_found")
    assert "Autre" not in json.dumps(problem)


def test_member_without_manage_cannot_write(api):
    account = api.create_account()
    reader = Principal(
        role=Role.MEMBER, key_id="key_r", account_id=account["id"], permissions=frozenset({Permission.BILLING_READ})
    )
    status, _, problem = api.account_route("PATCH", account["id"], reader, {"locale": "en"})
    assert (status, problem["code"]) == (403, "permission_denied")
    manager = Principal(
        role=Role.MEMBER, key_id="key_w", account_id=account["id"], permissions=frozenset({Permission.BILLING_MANAGE})
    )
    status, _, changed = api.account_route("PATCH", account["id"], manager, {"locale": "en", "time_zone": "UTC"})
    assert status == 200
    assert (changed["locale"], changed["time_zone"], changed["vat_number"]) == ("en", "UTC", "FR40303265045")


def test_patch_receipt_settings(api):
    account = api.create_account()
    settings = {"email_receipts": "monthly", "extra_text": "PO 2026-118, TVA FR40303265045"}
    status, _, changed = api.account_route("PATCH", account["id"], owner(account["id"]), {"receipt_settings": settings})
    assert status == 200
    assert changed["receipt_settings"] == settings
    status, _, problem = api.account_route(
        "PATCH", account["id"], owner(account["id"]), {"receipt_settings": {"email_receipts": "weekly"}}
    )
    assert (status, problem["param"]) == (400, "receipt_settings.email_receipts")


def test_malformed_account_id_is_a_400_not_a_lookup(api):
    status, _, problem = api.account_route("GET", "ACCT;DROP", OPERATOR)
    assert status == 400
    assert problem["param"] == "account_id"


def test_same_idempotency_key_same_body_replays_other_body_conflicts(api):
    headers = {"Idempotency-Key": "create-exemple-1"}
    first = api.call("POST", "/v1/accounts", "/v1/accounts", body=french_company(), headers=headers)
    again = api.call("POST", "/v1/accounts", "/v1/accounts", body=french_company(), headers=headers)
    assert first == again
    assert len(api.services.accounts.items) == 1
    status, _, problem = api.call(
        "POST", "/v1/accounts", "/v1/accounts", body=french_company(legal_name="Other"), headers=headers
    )
    assert (status, problem["code"]) == (409, "idempotency_key_reused")
    assert len(api.services.accounts.items) == 1


def test_body_size_is_limited():
    api = Api(max_body_bytes=200)
    status, _, problem = api.call("POST", "/v1/accounts", "/v1/accounts", body=french_company(legal_name="x" * 150))
    assert (status, problem["code"]) == (413, "body_too_large")


def test_api_key_lifecycle_through_routes(api):
    account = api.create_account()
    path, resource = f"/v1/accounts/{account['id']}/api_keys", "/v1/accounts/{account_id}/api_keys"
    params = {"account_id": account["id"]}
    status, _, created = api.call(
        "POST", path, resource, body={"role": "member", "permissions": ["billing.read"]}, params=params
    )
    assert status == 201
    assert created["secret"].startswith("bk_")
    assert created["permissions"] == ["billing.read"]
    status, _, listed = api.call("GET", path, resource, owner(account["id"]), params=params)
    assert status == 200
    assert [k["id"] for k in listed["data"]] == [created["id"]]
    assert "secret" not in listed["data"][0]
    delete = api.call(
        "DELETE",
        f"{path}/{created['id']}",
        "/v1/accounts/{account_id}/api_keys/{key_id}",
        owner(account["id"]),
        params=params | {"key_id": created["id"]},
    )
    assert delete[0] == 204
    assert api.services.keys.by_hash == {}


def test_health_and_openapi(api):
    assert api.call("GET", "/v1/health", "/v1/health", principal=None)[:2] == (200, "application/json")
    status, _, document = api.call("GET", "/v1/openapi.json", "/v1/openapi.json", principal=None)
    assert status == 200
    assert document["openapi"].startswith("3.")
    assert "/v1/accounts/{account_id}" in document["paths"]
    assert "apiKey" in document["components"]["securitySchemes"]


def test_unknown_route_is_a_404_problem(api):
    status, content_type, problem = api.call("GET", "/v1/nothing", "/v1/nothing")
    assert (status, content_type, problem["code"]) == (404, "application/problem+json", "route_not_found")
