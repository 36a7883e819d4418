"""Idempotency-Key on the emulated idempotency table, through HTTP: the same key and body answer the first
answer (also when the retries race each other in concurrent containers), another body is a 409, another
tenant's identical key is never the first tenant's answer, and a key is kept at least 24 hours."""

from __future__ import annotations

import time

import boto3
import pytest

from tests.api_setup import make_catalog, new_customer, ok
from tests.integration.test_concurrent_http import at_once, until_settled

pytestmark = pytest.mark.integration
DAY_S = 24 * 3600


def test_idempotency_keys_replay_refuse_stay_apart_and_last_a_day(backend, as_operator, client_for, properties):
    catalog = make_catalog(as_operator)
    key = {"Idempotency-Key": f"subscribe-{time.time_ns()}"}
    tenants = [new_customer(as_operator, client_for, legal_name=name) for name in ("Premier SAS", "Second SARL")]
    sent_at = time.time()
    first_answers = []
    for account, owner in tenants:
        body = {"account": account["id"], "items": [{"price": catalog.seat["id"]}]}
        retry = until_settled(lambda owner=owner, body=body: owner.post("/v1/subscriptions", json=body, headers=key))
        retries = at_once([retry] * 6)
        ids = {answer.json().get("id") for answer in retries}
        properties.load("same key + same body = the first answer", "6 concurrent retries per tenant, 2 tenants")
        properties.check("same key + same body = the first answer", len(ids) == 1, str(ids))
        properties.check("same key + same body = the first answer", {a.status_code for a in retries} == {201})
        subscriptions = ok(owner.get("/v1/subscriptions", params={"account": account["id"]}))["data"]
        properties.check("same key + same body = the first answer", len(subscriptions) == 1, str(subscriptions))
        first_answers.append((account["id"], retries[0].json()))
        other = owner.post("/v1/subscriptions", json=body | {"collection_method": "send_invoice"}, headers=key)
        properties.load("same key + other body = 409", "per tenant")
        properties.check(
            "same key + other body = 409",
            (other.status_code, other.json().get("code")) == (409, "idempotency_key_reused"),
            other.text[:200],
        )
    properties.load("a key is scoped to its caller", "2 tenants sending the same key")
    for account_id, answer in first_answers:
        properties.check("a key is scoped to its caller", answer["account"] == account_id, str(answer))
    properties.check("a key is scoped to its caller", first_answers[0][1]["id"] != first_answers[1][1]["id"])
    # The records of these requests, as DynamoDB keeps them (Powertools' expiration attribute: epoch seconds)
    table = boto3.resource("dynamodb", endpoint_url=backend.aws_endpoint_url).Table(backend.tables["Idempotency"])
    records = [item for item in table.scan()["Items"] if float(item.get("expiration", 0)) >= sent_at + DAY_S - 60]
    properties.load("a key is kept ≥ 24 h", "the records written by this test")
    properties.check("a key is kept ≥ 24 h", len(records) >= 2, f"{len(records)} records kept a day")
    properties.verify()
