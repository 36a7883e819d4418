"""Bad input at the edges: each refused with a 4xx and a stable code, and nothing stored, sent or
published (the whole backend's state compared before and after)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api_setup import make_catalog, new_customer, ok

DEEP = "[" * 5000 + "]" * 5000


@pytest.fixture
def ready(world, as_operator, client_for):
    catalog = make_catalog(as_operator)
    account, owner = new_customer(as_operator, client_for)
    subscription = ok(
        owner.post("/v1/subscriptions", json={"account": account["id"], "items": [{"price": catalog.minutes["id"]}]})
    )
    return catalog, account, subscription, owner


def cases(catalog, account, subscription, now):
    usage = {"subscription": subscription["id"], "meter": "outbound_minutes", "timestamp": now.isoformat()}
    price = {"product": catalog.product["id"], "unit_amount": 5, "recurring": {"interval": "month"}}
    return [
        ("a zero payment", "POST", "/v1/payments", {"account": account["id"], "amount": 0, "currency": "EUR"}),
        ("a negative payment", "POST", "/v1/payments", {"account": account["id"], "amount": -5, "currency": "EUR"}),
        ("10^15 cents", "POST", "/v1/payments", {"account": account["id"], "amount": 10**15, "currency": "EUR"}),
        ("a fractional cent", "POST", "/v1/payments", {"account": account["id"], "amount": 12.5, "currency": "EUR"}),
        ("an unknown currency", "POST", "/v1/prices", price | {"currency": "ZZZ"}),
        ("a mixed currency", "POST", "/v1/payments", {"account": account["id"], "amount": 100, "currency": "USD"}),
        ("a 10 KB name", "POST", "/v1/products", {"name": "é" * 10_000}),
        ("a 29 February that is not", "POST", "/v1/subscriptions", {
            "account": account["id"], "items": [{"price": catalog.seat["id"]}],
            "billing_cycle_anchor": "2027-02-29T00:00:00Z"}),
        ("a start in year 9999", "POST", "/v1/subscriptions", {
            "account": account["id"], "items": [{"price": catalog.seat["id"]}], "start_date": "9999-12-31T00:00:00Z"}),
        ("1,001 usage events", "POST", "/v1/usage_events", {
            "events": [usage | {"id": f"e{n}"} for n in range(1001)]}),
        ("an adjustment of 10^13", "POST", f"/v1/accounts/{account['id']}/balance_transactions", {
            "amount": 10**13, "currency": "EUR", "reason": "x"}),
        ("a 6 MB body", "POST", "/v1/products", '{"name": "' + "x" * (6 * 1024 * 1024) + '"}'),
        ("5,000 nested arrays", "POST", "/v1/products", DEEP),
        ("a nested body where a name goes", "POST", "/v1/products", '{"name": ' + DEEP + "}"),
        ("not JSON", "POST", "/v1/products", "{name: 'x'"),
        ("a mass-assigned status", "PATCH", f"/v1/accounts/{account['id']}", {"status": "active"}),
        ("a mass-assigned amount_paid", "POST", "/v1/payments", {
            "account": account["id"], "amount": 100, "currency": "EUR", "amount_paid": 100}),
        ("a mass-assigned role", "POST", f"/v1/accounts/{account['id']}/api_keys", {"role": "operator"}),
    ]  # fmt: skip


def owners_cases(catalog, account):
    """Fields only an operator may set, sent with the account owner's key."""
    return [
        ("an owner's managed_by", "POST", "/v1/subscriptions", {
            "account": account["id"], "items": [{"price": catalog.seat["id"]}], "managed_by": "aws_marketplace"}),
    ]  # fmt: skip


def test_every_edge_is_refused_with_a_stable_code_and_changes_nothing(world, as_operator, ready, properties):
    catalog, account, subscription, owner = ready
    rows = []
    edges = [
        (as_operator, *edge) for edge in cases(catalog, account, subscription, world.clock.now() - timedelta(minutes=1))
    ]
    edges += [(owner, *edge) for edge in owners_cases(catalog, account)]
    properties.load("bad input: 4xx with a stable code", f"{len(edges)} targeted edges")
    properties.load("bad input: nothing written", f"{len(edges)} targeted edges, whole state compared")
    for client, label, method, path, body in edges:
        before = world.snapshot()
        kwargs = {"data": body} if isinstance(body, str) else {"json": body}
        answer = getattr(client, method.lower())(path, **kwargs)
        code = answer.json().get("code")
        rows.append((label, answer.status_code, code))
        refused = 400 <= answer.status_code < 500 and bool(code)
        refused = refused and answer.headers["Content-Type"] == "application/problem+json"
        properties.check("bad input: 4xx with a stable code", refused, f"{label}: {answer.status_code} {code}")
        properties.check("bad input: nothing written", world.snapshot() == before, label)
    properties.verify()
    print("\n" + "\n".join(f"  {label:<32} {status} {code}" for label, status, code in rows))
    codes = dict((label, code) for label, _, code in rows)
    assert codes["not JSON"] == codes["5,000 nested arrays"] == "invalid_payload"
    assert (codes["an unknown currency"], codes["a start in year 9999"]) == ("invalid_currency", "date_out_of_range")
