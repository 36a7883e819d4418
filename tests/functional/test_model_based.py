"""A model-based test of the whole API (hypothesis' state machine over the functional world): any
sequence of seat changes, usage batches with repeated ids, clock moves over renewals, payments, credit
notes with or without refunds, voids, and Stripe's webhooks delivered again shuffled and duplicated keeps
the money invariants, and no step answers a 5xx.

Invariants after every step: the balance is the sum of the balance transactions, and equals a reference
computed from the documents alone (invoiced − paid − credited + refunded); one receipt per succeeded
payment; no invoice paid or credited beyond its total; a usage id is accepted once. `make soak` runs more
and longer sequences (tests/budgets.py).
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from billing.accounts.issue_api_key import issue_operator_key
from tests.api_setup import make_catalog, new_customer, ok
from tests.budgets import budget
from tests.functional.payments_setup import save_method
from tests.functional.world import START, Client, World
from tests.properties import Properties

USAGE_IDS = [f"call-{n}" for n in range(8)]
FIGURES = {"runs": 0, "steps": 0}
CHECKED: list[Properties] = []  # the running test's tally (hypothesis builds the machine itself)


def all_pages(client, path, **params):
    found, cursor = [], None
    while True:
        page = ok(client.get(path, params={**params, "limit": 100, **({"cursor": cursor} if cursor else {})}))
        found += page["data"]
        cursor = page.get("next_cursor")
        if not cursor:
            return found


class Billing(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        FIGURES["runs"] += 1
        self.world = World(START)
        self.operator = Client(self.world, issue_operator_key(self.world.keys, self.world.clock).secret)
        catalog = make_catalog(self.operator)
        self.account, self.owner = new_customer(self.operator, lambda secret: Client(self.world, secret))
        save_method(self.world, self.owner, self.account["id"])
        items = [{"price": catalog.seat["id"], "quantity": 2}, {"price": catalog.minutes["id"]}]
        self.subscription = ok(
            self.owner.post("/v1/subscriptions", json={"account": self.account["id"], "items": items}), 201
        )
        self.accepted_usage: set[str] = set()

    def answered(self, response):
        FIGURES["steps"] += 1
        assert CHECKED[0].check("no 5xx", response.status_code < 500, response.text[:300]), response.text
        return response

    def invoices(self):
        return all_pages(self.owner, "/v1/invoices", account=self.account["id"])

    @rule(quantity=st.integers(min_value=1, max_value=6))
    def change_seats(self, quantity):
        seat = self.subscription["items"][0]["id"]
        body = {"items": [{"id": seat, "quantity": quantity}]}
        self.answered(self.owner.patch(f"/v1/subscriptions/{self.subscription['id']}", json=body))

    @rule(ids=st.lists(st.sampled_from(USAGE_IDS), min_size=1, max_size=5))
    def ingest_usage(self, ids):
        at = (self.world.clock.now() - timedelta(minutes=1)).isoformat()
        events = [
            {
                "id": i,
                "subscription": self.subscription["id"],
                "meter": "outbound_minutes",
                "timestamp": at,
                "quantity": "2",
            }
            for i in ids
        ]
        answer = self.answered(self.owner.post("/v1/usage_events", json={"events": events}))
        if answer.status_code < 300:
            result = answer.json()
            assert result["accepted"] + result["duplicates"] + result["rejected"] == len(ids)
            fresh = set(ids) - self.accepted_usage
            assert result["accepted"] <= len(fresh)  # an id accepted once is a duplicate ever after
            if not result["rejected"]:
                assert result["accepted"] == len(fresh)
                self.accepted_usage |= fresh

    @rule(hours=st.integers(min_value=1, max_value=24 * 40))
    def advance_the_clock(self, hours):
        target = self.world.clock.now() + timedelta(hours=hours)
        self.answered(self.operator.post("/_local/clock", json={"advance_to": target.isoformat()}))

    @rule(amount=st.integers(min_value=1, max_value=20_000))
    def pay(self, amount):
        body = {"account": self.account["id"], "amount": amount, "currency": "EUR"}
        self.answered(self.owner.post("/v1/payments", json=body))

    @rule(share=st.floats(min_value=0.05, max_value=1.2), refund=st.booleans())
    def credit_an_invoice(self, share, refund):
        finalized = [i for i in self.invoices() if i["status"] in ("open", "paid")]
        if finalized:
            invoice = finalized[0]
            body = {
                "invoice": invoice["id"],
                "amount": max(1, int(invoice["total"] * share)),
                "reason": "goodwill",
                "refund": refund and invoice["status"] == "paid",
            }
            self.answered(self.operator.post("/v1/credit_notes", json=body))

    @rule(picks=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=6), data=st.randoms())
    def stripe_delivers_again(self, picks, data):
        """Stripe retries: events already delivered arrive again, in any order, some twice."""
        sent = self.world.gateway.events
        if sent:
            chosen = [sent[pick % len(sent)] for pick in picks]
            data.shuffle(chosen)
            for event in chosen:
                payload, signature = self.world.gateway.signed(event)
                self.world.deliver_webhook(payload, signature)

    @rule()
    def void_an_open_invoice(self):
        opened = [i for i in self.invoices() if i["status"] == "open"]
        if opened:
            self.answered(self.operator.post(f"/v1/invoices/{opened[-1]['id']}/void"))

    @invariant()
    def money_adds_up(self):
        checked = CHECKED[0]
        account = self.account["id"]
        balance = ok(self.owner.get(f"/v1/accounts/{account}/balance"))["balance"]
        entries = all_pages(self.owner, f"/v1/accounts/{account}/balance_transactions")
        assert checked.check("balance = Σ balance transactions", balance == sum(e["amount"] for e in entries))
        payments = all_pages(self.owner, "/v1/payments", account=account)
        receipts = all_pages(self.owner, "/v1/receipts", account=account)
        succeeded = sorted(p["id"] for p in payments if p["status"] == "succeeded")
        receipted = sorted(r["payment"] for r in receipts)
        assert checked.check("one receipt per payment", receipted == succeeded, f"{receipted} vs {succeeded}")
        notes = all_pages(self.operator, "/v1/credit_notes", account=account)
        invoices = self.invoices()
        for invoice in invoices:
            credited = sum(n["amount"] for n in notes if n["invoice"] == invoice["id"])
            assert checked.check("no invoice paid twice", invoice["amount_paid"] <= invoice["total"], str(invoice))
            assert checked.check("Σ credit notes ≤ invoice total", credited <= invoice["total"], str(invoice))
        # The reference: what the documents say the customer owes, the ledger's sum not used. A downgrade's
        # unused time beyond its invoice (whose total stops at 0) is the one credit no document carries yet.
        invoiced = sum(i["total"] for i in invoices if i["status"] in ("open", "paid", "uncollectible"))
        paid = sum(p["amount"] for p in payments if p["status"] == "succeeded")
        credited = sum(n["amount"] for n in notes)
        refunded = sum(p["amount_refunded"] for p in payments)
        unused_time = sum(e["amount"] for e in entries if e["type"] == "proration_credit")
        reference = invoiced - paid - credited + refunded + unused_time
        assert checked.check(
            "balance = reference model (invoiced − paid − credited + refunded − unused time)",
            balance == reference,
            f"balance {balance}, reference {reference}",
        ), (balance, reference, invoices, payments, notes)


def test_any_sequence_of_billing_operations_keeps_the_money_invariants(properties):
    CHECKED[:] = [properties]
    sequences, steps = budget(30, 200), budget(25, 50)
    for name in ("balance = Σ balance transactions", "one receipt per payment", "no 5xx"):
        properties.load(name, f"model-based: {sequences} sequences of ≤ {steps} API steps")
    properties.load(
        "balance = reference model (invoiced − paid − credited + refunded − unused time)",
        f"model-based: {sequences} sequences of ≤ {steps} API steps",
    )
    try:
        run_state_machine_as_test(
            Billing,
            settings=settings(
                max_examples=sequences,
                stateful_step_count=steps,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
                database=None,
            ),
        )
    finally:
        properties.verify()
    print(f"\nmodel-based: {FIGURES['runs']} runs, {FIGURES['steps']} API steps, 0 violations")
