"""Accounts and API keys through the API: the authorizer's checks, the routes, problem bodies, idempotency."""

from __future__ import annotations

from tests.builders import french_company


def new_account(as_operator, **overrides) -> dict:
    response = as_operator.post("/v1/accounts", json=french_company(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


def new_key(client, account_id: str, **body) -> dict:
    response = client.post(f"/v1/accounts/{account_id}/api_keys", json=body or {"role": "owner"})
    assert response.status_code == 201, response.text
    return response.json()


def test_health_needs_no_key(anonymous):
    # When anyone asks for the health check, without a key
    response = anonymous.get("/v1/health")
    # Then it answers, with no key asked for
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_document_is_served(anonymous):
    # When the OpenAPI document is asked for without a key
    document = anonymous.get("/v1/openapi.json").json()
    # Then it lists the account routes
    assert {"/v1/accounts", "/v1/accounts/{account_id}", "/v1/accounts/{account_id}/api_keys"} <= set(document["paths"])


def test_no_key_and_bad_key_are_401_problems(anonymous, client_for):
    # Given a caller with no key, and one with a key we never issued
    for client in (anonymous, client_for("bk_not-a-real-key-at-all-000")):
        # When each reads an account
        response = client.get("/v1/accounts/acct_0123")
        # Then each gets a 401 problem saying the key is invalid
        assert response.status_code == 401
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "invalid_api_key"


def test_owner_reads_own_account_and_gets_404_for_another(as_operator, client_for):
    # Given two accounts and an owner key of the first
    mine, other = new_account(as_operator), new_account(as_operator, legal_name="Concurrent SA")
    owner = client_for(new_key(as_operator, mine["id"])["secret"])
    # When the owner reads its own account, then it gets it
    assert owner.get(f"/v1/accounts/{mine['id']}").json()["legal_name"] == "Exemple SAS"
    # When it reads the other account
    response = owner.get(f"/v1/accounts/{other['id']}")
    # Then that account does not exist for it, nor may it issue keys there or create accounts
    assert response.status_code == 404
    assert response.json()["code"] == "account_not_found"
    assert owner.post(f"/v1/accounts/{other['id']}/api_keys", json={"role": "owner"}).status_code == 404
    assert owner.post("/v1/accounts", json=french_company()).status_code == 403


def test_invalid_vat_number_is_refused_and_nothing_is_written(as_operator):
    # When an account is created with a VAT number whose check digits are wrong
    response = as_operator.post("/v1/accounts", json=french_company(vat_number="FR99999999999"))
    # Then it is refused with a 400 problem naming the field
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert (response.json()["code"], response.json()["param"]) == ("invalid_vat_number", "vat_number")


def test_member_permissions_and_revocation(as_operator, client_for):
    # Given an account, its owner, and a member key that may only read billing
    account = new_account(as_operator)
    owner = client_for(new_key(as_operator, account["id"])["secret"])
    reader_key = new_key(owner, account["id"], role="member", permissions=["billing.read"])
    reader = client_for(reader_key["secret"])
    # When the member reads, changes the profile and issues a key
    assert reader.get(f"/v1/accounts/{account['id']}").status_code == 200
    # Then reading works, the change and the key are refused for lack of permission
    refused = reader.patch(f"/v1/accounts/{account['id']}", json={"locale": "en"})
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    assert reader.post(f"/v1/accounts/{account['id']}/api_keys", json={"role": "owner"}).status_code == 403

    # When the owner lists the keys and revokes the member's
    listed = owner.get(f"/v1/accounts/{account['id']}/api_keys").json()["data"]
    assert {k["role"] for k in listed} == {"owner", "member"}
    assert owner.delete(f"/v1/accounts/{account['id']}/api_keys/{reader_key['id']}").status_code == 204
    # Then the revoked key no longer authenticates
    assert reader.get(f"/v1/accounts/{account['id']}").status_code == 401


def test_owner_updates_the_billing_profile(as_operator, client_for):
    # Given an account and its owner
    account = new_account(as_operator)
    owner = client_for(new_key(as_operator, account["id"])["secret"])
    # When the owner asks for monthly receipts with an extra mention, in English
    response = owner.patch(
        f"/v1/accounts/{account['id']}",
        json={"receipt_settings": {"email_receipts": "monthly", "extra_text": "TVA FR40303265045"}, "locale": "en"},
    )
    # Then the profile keeps both
    assert response.status_code == 200, response.text
    stored = owner.get(f"/v1/accounts/{account['id']}").json()
    assert stored["receipt_settings"] == {"email_receipts": "monthly", "extra_text": "TVA FR40303265045"}
    assert stored["locale"] == "en"


def test_idempotency_key_replays_and_conflicts(as_operator):
    # Given one Idempotency-Key
    headers = {"Idempotency-Key": "integration-create-1"}
    # When the same creation is sent twice with it
    first = as_operator.post("/v1/accounts", json=french_company(), headers=headers)
    second = as_operator.post("/v1/accounts", json=french_company(), headers=headers)
    # Then the second is the first one replayed: one account
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    # When another body is sent with the same key
    other = as_operator.post("/v1/accounts", json=french_company(legal_name="Autre"), headers=headers)
    # Then it is refused as a reused key
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")


def test_unknown_route_is_a_404_problem(anonymous):
    # When a route that does not exist is called
    response = anonymous.get("/v1/nowhere")
    # Then the answer is a 404 problem, not a gateway error
    assert response.status_code == 404
    assert response.json()["code"] == "route_not_found"
