"""Billing portal sessions: a one-time link, a secret kept by the page, the owner's rights on one account
without its credentials, an idle hour, and revocation by the session, its account or its key."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from tests.api_setup import new_customer, ok


def portal_link(client, account_id: str, **options) -> dict:
    return ok(client.post("/v1/portal_sessions", json={"account": account_id, **options}), 201)


def open_link(anonymous, url: str):
    fragment = urlsplit(url).fragment
    assert fragment.startswith("session=")
    return anonymous.post("/portal/session", json={"token": fragment.removeprefix("session=")})


@pytest.fixture
def customer(as_operator, client_for):
    return new_customer(as_operator, client_for, legal_name="Portail Client SAS")


def test_the_link_opens_a_session_with_the_owners_rights_on_its_account_only(
    world, as_operator, anonymous, client_for, customer
):
    # Given an account's owner asking for a portal link to send its user to
    account, owner = customer
    other, _ = new_customer(as_operator, client_for, legal_name="Autre Compte SARL")
    created = portal_link(owner, account["id"], return_url="https://app.example.com/account", locale="en")
    assert created["url"].startswith("https://billing.example.com/portal/#session=bpl_")
    assert (created["account"], created["locale"], created["opened"]) == (account["id"], "en", None)
    # When the portal page exchanges the link's token
    opened = open_link(anonymous, created["url"])
    # Then it holds a session secret, never an API key, and no cache may keep the answer
    assert opened.status_code == 200
    assert opened.headers["Cache-Control"] == "no-store"
    session = opened.json()
    assert session["secret"].startswith("bps_")
    assert (session["id"], session["account"], session["return_url"]) == (
        created["id"],
        account["id"],
        "https://app.example.com/account",
    )
    assert session["idle_timeout_seconds"] == 3600
    portal = client_for(session["secret"])
    # And it reads and changes its own account as the owner would
    assert ok(portal.get(f"/v1/accounts/{account['id']}"))["legal_name"] == "Portail Client SAS"
    assert ok(portal.patch(f"/v1/accounts/{account['id']}", json={"billing_email": "compta@portail.fr"}))
    # But another account is not found, and credentials are not its to see or make
    assert portal.get(f"/v1/accounts/{other['id']}").status_code == 404
    for refused in (
        portal.get(f"/v1/accounts/{account['id']}/api_keys"),
        portal.post(f"/v1/accounts/{account['id']}/api_keys", json={"role": "owner"}),
        portal.post("/v1/portal_sessions", json={"account": account["id"]}),
    ):
        assert (refused.status_code, refused.json()["code"]) == (403, "owner_only")


def test_a_link_opens_once_and_only_within_five_minutes(world, anonymous, customer):
    account, owner = customer
    link = portal_link(owner, account["id"])["url"]
    assert open_link(anonymous, link).status_code == 200
    again = open_link(anonymous, link)
    assert (again.status_code, again.json()["code"]) == (400, "portal_link_invalid")
    late = portal_link(owner, account["id"])["url"]
    world.clock.advance_to(world.clock.now() + timedelta(minutes=5, seconds=1))
    assert (open_link(anonymous, late).status_code, open_link(anonymous, late).json()["code"]) == (
        400,
        "portal_link_invalid",
    )
    forged = anonymous.post("/portal/session", json={"token": "bpl_" + "x" * 43})
    assert (forged.status_code, forged.json()["code"]) == (400, "portal_link_invalid")
    # Nor is the account the wiser: it has no session opened by the late or forged links
    opened = sorted(s.opened_at is not None for s in world.portal_sessions.list_sessions(account["id"]))
    assert opened == [False, True]


def test_an_idle_hour_ends_the_session_and_use_keeps_it(world, anonymous, client_for, customer):
    account, owner = customer
    portal = client_for(open_link(anonymous, portal_link(owner, account["id"])["url"]).json()["secret"])
    # Used every 50 minutes for four hours, it lasts
    for _ in range(5):
        world.clock.advance_to(world.clock.now() + timedelta(minutes=50))
        assert portal.get(f"/v1/accounts/{account['id']}").status_code == 200
    # Idle for an hour and a minute, it has ended
    world.clock.advance_to(world.clock.now() + timedelta(minutes=61))
    assert portal.get(f"/v1/accounts/{account['id']}").status_code == 401


def test_the_session_its_account_or_its_key_ends_it_at_once(world, as_operator, anonymous, client_for, customer):
    account, owner = customer

    def new_portal(creator):
        created = portal_link(creator, account["id"])
        return created["id"], client_for(open_link(anonymous, created["url"]).json()["secret"])

    def alive(portal) -> bool:
        return portal.get(f"/v1/accounts/{account['id']}").status_code == 200

    # The customer signs out with the session itself
    session_id, portal = new_portal(owner)
    ok(portal.delete(f"/v1/accounts/{account['id']}/portal_sessions/{session_id}"), 204)
    assert not alive(portal)
    # The account's owner ends another one
    session_id, portal = new_portal(owner)
    ok(owner.delete(f"/v1/accounts/{account['id']}/portal_sessions/{session_id}"), 204)
    assert not alive(portal)
    # Revoking the key that asked for a session ends that session, and only that one
    second_owner_secret = ok(owner.post(f"/v1/accounts/{account['id']}/api_keys", json={"role": "owner"}))
    second_owner = client_for(second_owner_secret["secret"])
    _, from_second = new_portal(second_owner)
    _, from_operator = new_portal(as_operator)
    ok(owner.delete(f"/v1/accounts/{account['id']}/api_keys/{second_owner_secret['id']}"), 204)
    assert not alive(from_second)
    assert alive(from_operator)
    # Ending an unknown session is "not found"; ending it twice is done
    missing = owner.delete(f"/v1/accounts/{account['id']}/portal_sessions/ps_00000000000000000000")
    assert (missing.status_code, missing.json()["code"]) == (404, "portal_session_not_found")


def test_members_cannot_open_the_portal(as_operator, client_for, customer):
    account, owner = customer
    member_key = ok(
        owner.post(f"/v1/accounts/{account['id']}/api_keys", json={"role": "member", "permissions": ["billing.read"]})
    )
    refused = client_for(member_key["secret"]).post("/v1/portal_sessions", json={"account": account["id"]})
    assert (refused.status_code, refused.json()["code"]) == (403, "owner_only")
    bad_url = as_operator.post("/v1/portal_sessions", json={"account": account["id"], "return_url": "javascript:x"})
    assert (bad_url.status_code, bad_url.json()["code"]) == (400, "invalid_parameter")
    missing = as_operator.post("/v1/portal_sessions", json={"account": "acct_00000000000000000000"})
    assert (missing.status_code, missing.json()["code"]) == (404, "account_not_found")
