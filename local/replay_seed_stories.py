"""Replay four of the sellers' stories against a running local backend (`make run`), printing the amounts.

    BILLING_OPERATOR_KEY=bk_... make run &
    BILLING_OPERATOR_KEY=bk_... make stories        # or: .venv/bin/python -m local.replay_seed_stories

1. IBM Cloud: a one-time partial payment with a card typed for it: the card is not saved, and no dunning
   retry charges it afterwards.
2. alwaysdata: during the grace hour of a renewal draft, an invoice item and late usage land on the draft,
   which is then finalized and paid with them.
3. A referral: the referrer is credited once, when the referee's first invoice is paid, whatever Stripe's
   webhooks replay and whatever the next invoices.
4. A recurring price at the reduced 10 % VAT rate is invoiced at 10 % (beside a seat at 20 %).

Everything goes through the public API, except what a browser or Stripe would do (confirming a SetupIntent,
typing a card, Stripe delivering a webhook again) and moving the local clock forward (`/_local/` routes).
Each story checks its figures; the exit status says whether all held.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import requests
from babel.numbers import format_currency

TIMEOUT = 30


class StoryFailed(AssertionError):
    pass


@dataclass
class Local:
    """The running backend: its API as the operator or a customer, its local routes, its emulated Stripe."""

    url: str
    operator_key: str
    endpoints: dict[str, str] = field(default_factory=dict)
    checks: list[tuple[str, bool]] = field(default_factory=list)

    def call(self, method: str, path: str, key: str | None = None, expect: int = 200, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {key or self.operator_key}"}
        answer = requests.request(method, f"{self.url}{path}", headers=headers, timeout=TIMEOUT, **kwargs)
        if answer.status_code != expect:
            raise StoryFailed(f"{method} {path}: {answer.status_code} {answer.text}")
        return answer.json() if answer.content else None

    def stripe(self, path: str, data: dict[str, Any]) -> Any:
        """What Stripe.js does in the customer's browser."""
        answer = requests.post(
            f"{self.endpoints['stripe']}{path}", auth=(self.endpoints["stripe_secret_key"], ""), data=data, timeout=10
        )
        answer.raise_for_status()
        return answer.json()

    def now(self) -> datetime:
        return datetime.fromisoformat(requests.get(f"{self.url}/_local/clock", timeout=TIMEOUT).json()["now"])

    def advance_to(self, instant: datetime) -> None:
        """Move the backend's clock (the hourly billing run fires wherever something falls due)."""
        body = {"advance_to": instant.isoformat()}
        requests.post(f"{self.url}/_local/clock", json=body, timeout=600).raise_for_status()

    def settle(self, done: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
        """Wait for Stripe's webhooks (they come about a second after Stripe acts) to be handled."""
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                raise StoryFailed(f"still waiting for {what}")
            self.advance_to(self.now())  # runs what is queued at once (make run also does so every second)
            time.sleep(0.3)

    def check(self, label: str, actual: object, expected: object) -> None:
        held = actual == expected
        self.checks.append((label, held))
        shown = json.dumps(actual, ensure_ascii=False)
        print(f"    {'ok ' if held else 'NOT'} {label}: {shown}" + ("" if held else f" (expected {expected!r})"))

    # --- customers and catalog -----------------------------------------------------------------------
    def customer(self, legal_name: str) -> tuple[dict[str, Any], str]:
        """A French company and its owner key."""
        contact = f"compta-{secrets.token_hex(3)}@exemple.fr"
        profile = {
            "legal_name": legal_name,
            "address": {"line1": "10 rue de la Paix", "postal_code": "75002", "city": "Paris", "country": "FR"},
            "billing_email": contact,
            "locale": "fr",
            "vat_number": "FR40303265045",
            "siren": "303265045",
        }
        account = self.call("POST", "/v1/accounts", json=profile, expect=201)
        key = self.call("POST", f"/v1/accounts/{account['id']}/api_keys", json={"role": "owner"}, expect=201)
        return account, key["secret"]

    def save_card(self, account_id: str, key: str) -> None:
        """The customer confirms a SetupIntent in the browser; Stripe's webhook saves the card."""
        intent = self.call("POST", f"/v1/accounts/{account_id}/setup_intents", key, expect=201)
        self.stripe(f"/v1/setup_intents/{intent['id']}/confirm", {"payment_method": "pm_card_visa"})
        self.settle(lambda: bool(self.methods(account_id, key)), "the saved card")

    def methods(self, account_id: str, key: str) -> list[dict[str, Any]]:
        return self.call("GET", f"/v1/accounts/{account_id}/payment_methods", key)["data"]

    def price(self, product: str, nickname: str, unit_amount: int, **extra: Any) -> dict[str, Any]:
        body = {"product": product, "currency": "EUR", "unit_amount": unit_amount, "nickname": nickname}
        return self.call("POST", "/v1/prices", json=body | {"recurring": {"interval": "month"}} | extra, expect=201)

    def invoice(self, invoice_id: str, key: str) -> dict[str, Any]:
        return self.call("GET", f"/v1/invoices/{invoice_id}", key)


def euros(minor: int) -> str:
    return format_currency(Decimal(minor).scaleb(-2), "EUR", locale="fr_FR")


def sign(payload: bytes, secret: str) -> str:
    """A Stripe-Signature header: Stripe's SDK only verifies signatures, so the scheme is written here."""
    stamp = int(time.time())
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def ibm_partial_payment(local: Local, seat: dict[str, Any]) -> None:
    print("1. IBM Cloud: a one-time partial payment with a card typed for it")
    account, key = local.customer("Partiel SAS")
    subscription = local.call(
        "POST", "/v1/subscriptions", key, json={"account": account["id"], "items": [{"price": seat["id"]}]}, expect=201
    )
    local.advance_to(local.now() + timedelta(hours=1, minutes=1))  # the grace hour: finalized, nothing to charge
    invoice = local.invoice(subscription["latest_invoice"], key)
    print(f"    invoice {invoice['number']}: {euros(invoice['total'])}, {invoice['status']}, no card saved")
    typed = local.stripe(
        "/v1/payment_methods",
        {
            "type": "card",
            "card[number]": "4242424242424242",
            "card[exp_month]": 12,
            "card[exp_year]": 2030,
            "card[cvc]": "123",
        },
    )
    body = {"account": account["id"], "amount": 1000, "currency": "EUR", "payment_method": typed["id"]}
    payment = local.call("POST", "/v1/payments", key, json=body, expect=201)
    local.settle(lambda: local.invoice(invoice["id"], key)["amount_remaining"] < invoice["total"], "the payment")
    print(f"    paid {euros(payment['amount'])} with {payment['method_label']}, typed for this payment only")
    local.check("cards saved after the payment", len(local.methods(account["id"], key)), 0)
    local.advance_to(local.now() + timedelta(days=10))  # every dunning retry falls due
    remaining = local.invoice(invoice["id"], key)["amount_remaining"]
    payments = local.call("GET", "/v1/payments", key, params={"account": account["id"]})["data"]
    charged = [p["amount"] for p in payments if p["status"] == "succeeded"]
    local.check("still owed after ten days of retries", euros(remaining), euros(3600 - 1000))
    local.check("charges made", [euros(amount) for amount in charged], [euros(1000)])


def alwaysdata_draft_edit(local: Local, seat: dict[str, Any], minutes: dict[str, Any]) -> None:
    print("2. alwaysdata: an item and late usage land on the renewal draft during its grace hour")
    account, key = local.customer("Hébergé SARL")
    local.save_card(account["id"], key)
    items = [{"price": seat["id"]}, {"price": minutes["id"]}]
    subscription = local.call(
        "POST", "/v1/subscriptions", key, json={"account": account["id"], "items": items}, expect=201
    )
    end = datetime.fromisoformat(subscription["current_period_end"])
    local.advance_to(end - timedelta(days=1))

    def used(at: datetime, count: int, prefix: str) -> dict[str, Any]:
        events = [
            {
                "id": f"{prefix}-{n}",
                "subscription": subscription["id"],
                "meter": "outbound_minutes",
                "quantity": 1,
                "timestamp": at.isoformat(),
            }
            for n in range(count)
        ]
        return local.call("POST", "/v1/usage_events", key, json={"events": events})

    used(end - timedelta(days=1), 100, "early")
    local.advance_to(end + timedelta(minutes=5))
    draft_id = local.call("GET", f"/v1/subscriptions/{subscription['id']}", key)["latest_invoice"]
    draft = local.invoice(draft_id, key)
    print(
        f"    renewal drafted: {euros(draft['total'])} ({draft['status']}, "
        f"to be finalized at {draft['automatically_finalizes_at']})"
    )
    late = used(end - timedelta(minutes=30), 20, "late")
    item = {"account": account["id"], "unit_amount_decimal": "9000", "currency": "EUR", "description": "Migration"}
    added = local.call("POST", "/v1/invoice_items", json=item, expect=201)
    revised = local.invoice(draft_id, key)
    print(f"    20 late minutes ({late['accepted']} accepted) and a 90,00 € item: draft now {euros(revised['total'])}")
    local.check("the item's invoice", added["invoice"], draft_id)
    local.check("minutes on the draft", [line["quantity"] for line in revised["sections"]["usage"]], ["120"])
    local.advance_to(end + timedelta(hours=1, minutes=5))
    local.settle(lambda: local.invoice(draft_id, key)["status"] == "paid", "the renewal's payment")
    final = local.invoice(draft_id, key)
    print(f"    finalized as {final['number']}: {euros(final['total'])}, {final['status']}")
    local.check(
        "total (30 € + 120 × 0,05 € + 90 €, VAT 20 %)", euros(final["total"]), euros((3000 + 600 + 9000) * 12 // 10)
    )


def referral_paid_once(local: Local, seat: dict[str, Any]) -> None:
    print("3. A referral: the referrer is credited once, when the referee's first invoice is paid")
    referrer, referrer_key = local.customer("Parrain SARL")
    coupon = local.call("POST", "/v1/coupons", json={"duration": "once", "percent_off": "10"}, expect=201)
    code = f"PARRAIN-{secrets.token_hex(3).upper()}"
    referral = {
        "code": code,
        "coupon": coupon["id"],
        "referrer_account": referrer["id"],
        "referrer_credit": 2000,
        "referrer_currency": "EUR",
    }
    local.call("POST", "/v1/promotion_codes", json=referral, expect=201)
    referee, key = local.customer("Filleul SAS")
    local.save_card(referee["id"], key)
    body = {"account": referee["id"], "items": [{"price": seat["id"]}], "promotion_code": code}
    subscription = local.call("POST", "/v1/subscriptions", key, json=body, expect=201)
    local.advance_to(local.now() + timedelta(hours=1, minutes=1))
    first = subscription["latest_invoice"]
    local.settle(lambda: local.invoice(first, key)["status"] == "paid", "the referee's first payment")
    print(f"    referee's first invoice: {euros(local.invoice(first, key)['total'])} paid (36,00 € less 10 %)")

    def credit() -> int:
        return local.call("GET", f"/v1/accounts/{referrer['id']}/balance", referrer_key)["credit_available"]

    local.settle(lambda: credit() > 0, "the referrer's credit")
    print(f"    referrer's credit: {euros(credit())}")
    replayed = 0
    events = requests.get(
        f"{local.endpoints['stripe']}/v1/events",
        auth=(local.endpoints["stripe_secret_key"], ""),
        params={"limit": 100},
        timeout=10,
    ).json()["data"]
    for event in [e for e in events if e["type"] == "payment_intent.succeeded"]:
        payload = json.dumps(event).encode()
        headers = {
            "Stripe-Signature": sign(payload, local.endpoints["stripe_webhook_secret"]),
            "Content-Type": "application/json",
        }
        replayed += requests.post(f"{local.url}/webhooks/stripe", data=payload, headers=headers, timeout=TIMEOUT).ok
    local.advance_to(datetime.fromisoformat(subscription["current_period_end"]) + timedelta(hours=2))

    def invoices() -> list[dict[str, Any]]:
        return local.call("GET", "/v1/invoices", key, params={"account": referee["id"]})["data"]

    local.settle(lambda: [i["status"] for i in invoices()] == ["paid", "paid"], "the second payment")
    print(f"    Stripe's {replayed} payment webhooks delivered again, then the referee's second invoice paid")
    local.check(
        "referee's invoices",
        [(euros(i["total"]), i["status"]) for i in invoices()][::-1],
        [(euros(3240), "paid"), (euros(3600), "paid")],
    )
    local.check("referrer's credit", euros(credit()), euros(2000))


def reduced_rate_price(local: Local, product: str, seat: dict[str, Any]) -> None:
    print("4. A recurring price at 10 % VAT, beside a seat at 20 %")
    training = local.price(product, "Formation", 5000, tax_rate="10")
    account, key = local.customer("Formée SAS")
    items = [{"price": seat["id"]}, {"price": training["id"]}]
    subscription = local.call(
        "POST", "/v1/subscriptions", key, json={"account": account["id"], "items": items}, expect=201
    )
    invoice = local.invoice(subscription["latest_invoice"], key)
    for tax in invoice["taxes"]:
        print(f"    VAT {tax['rate']} % on {euros(tax['taxable_amount'])}: {euros(tax['amount'])}")
    print(f"    total {euros(invoice['total'])}")
    taxes = [(t["rate"], euros(t["taxable_amount"]), euros(t["amount"])) for t in invoice["taxes"]]
    local.check("VAT lines", taxes, [("10", euros(5000), euros(500)), ("20", euros(3000), euros(600))])
    local.check("total", euros(invoice["total"]), euros(9100))


def replay(url: str, operator_key: str) -> Local:
    local = Local(url.rstrip("/"), operator_key)
    local.endpoints = requests.get(f"{local.url}/_local/endpoints", timeout=TIMEOUT).json()
    product = local.call("POST", "/v1/products", json={"name": "Téléphonie cloud"}, expect=201)
    seat = local.price(product["id"], "Seat", 3000)
    minutes = local.price(
        product["id"], "Outbound minutes", 5, usage_type="metered", meter={"event_name": "outbound_minutes"}
    )
    ibm_partial_payment(local, seat)
    alwaysdata_draft_edit(local, seat, minutes)
    referral_paid_once(local, seat)
    reduced_rate_price(local, product["id"], seat)
    return local


def run_script(description: str, play: Callable[[str, str], Local]) -> None:
    """What every `make run` companion script does around its play: arguments, the operator key, the
    checks' summary and the exit status (1 if a check did not hold)."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('BILLING_PORT', '3000')}")
    parser.add_argument(
        "--key", default=os.environ.get("BILLING_OPERATOR_KEY"), help="the operator key make run printed"
    )
    arguments = parser.parse_args()
    if not arguments.key:
        raise SystemExit("Give the operator key make run printed: --key bk_... (or BILLING_OPERATOR_KEY)")
    try:
        local = play(arguments.url, arguments.key)
    except requests.ConnectionError as error:
        raise SystemExit(f"No backend answers at {arguments.url}: start `make run` first.") from error
    failed = [label for label, held in local.checks if not held]
    print(
        f"\n{len(local.checks) - len(failed)}/{len(local.checks)} checks held" + (f"; not: {failed}" if failed else "")
    )
    sys.exit(1 if failed else 0)


def main() -> None:
    run_script(__doc__ or "", replay)


if __name__ == "__main__":
    main()
