"""Test data: valid billing profiles and API Gateway proxy events."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

from billing.accounts.access import Principal
from billing.accounts.caller_context import authorizer_context
from billing.accounts.models import Account
from billing.discounts.models import AppliedDiscount
from billing.http.examples import EXAMPLES
from billing.invoices.assemble_invoice import assemble_invoice
from billing.invoices.invoice_context import invoice_context
from billing.invoices.models import Invoice, InvoiceStatus
from billing.subscriptions.engine.create_subscription import NewItem, create_subscription
from billing.subscriptions.engine.renew_subscription import renew_subscription
from billing.subscriptions.engine.update_subscription import ItemUpdate, update_subscription
from billing.usage.models import UsageEvent, tags_of


def french_company(**overrides: Any) -> dict[str, Any]:
    """The OpenAPI document's example profile: a real, checksum-valid VAT/SIREN pair (from stdnum's test data)."""
    return copy.deepcopy(EXAMPLES["BillingProfile"]) | overrides


def german_company() -> dict[str, Any]:
    """An EU business with a checksum-valid VAT number: reverse charge."""
    return {
        "legal_name": "Beispiel GmbH",
        "address": {"line1": "Friedrichstraße 10", "postal_code": "10117", "city": "Berlin", "country": "DE"},
        "billing_email": "rechnung@beispiel.de",
        "locale": "en",
        "vat_number": "DE136695976",
    }


def spanish_consumer() -> dict[str, Any]:
    """An EU consumer: the VAT of Spain (OSS), no B2B mentions."""
    return {
        "legal_name": "Lucía García",
        "address": {"line1": "Calle Mayor 1", "postal_code": "28013", "city": "Madrid", "country": "ES"},
        "billing_email": "lucia@example.es",
        "locale": "en",
    }


def american_company() -> dict[str, Any]:
    """Outside the EU: out of scope of French VAT; a state in its address."""
    return {
        "legal_name": "Example Inc.",
        "address": {
            "line1": "1 Market St",
            "postal_code": "94105",
            "city": "San Francisco",
            "state": "CA",
            "country": "US",
        },
        "billing_email": "ap@example.com",
        "locale": "en",
        "customer_type": "business",  # no EU VAT number to tell it
    }


def public_buyer(**references: Any) -> dict[str, Any]:
    """A French public structure invoiced through Chorus Pro (a checksum-valid SIREN/SIRET pair)."""
    return french_company(
        legal_name="Commune d'Exemple",
        siret="73282932000074",
        siren="732829320",
        vat_number="FR44732829320",
        public_buyer={"service_code": "SERV-ACHATS", "engagement_number": "EJ-2026-0042"} | references,
    )


def proxy_event(
    method: str,
    path: str,
    resource: str,
    body: Any = None,
    principal: Principal | None = None,
    headers: dict[str, str] | None = None,
    path_parameters: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A REST API proxy event shaped like API Gateway's (see Powertools' tests/events/apiGatewayProxyEvent)."""
    all_headers = {"Content-Type": "application/json"} | (headers or {})
    request_context: dict[str, Any] = {
        "accountId": "123456789012",
        "apiId": "test",
        "stage": "test",
        "requestId": "req-1",
        "resourcePath": resource,
        "httpMethod": method,
        "path": f"/test{path}",
        "identity": {"sourceIp": "127.0.0.1"},
    }
    if principal is not None:
        request_context["authorizer"] = authorizer_context(principal) | {"principalId": principal.key_id}
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": request_context,
        "body": body if isinstance(body, str) or body is None else json.dumps(body),
        "isBase64Encoded": False,
    }


def aircall_like_invoice(
    account: Account, discount: AppliedDiscount | None = None, collection_method: str = "send_invoice"
) -> Invoice:
    """A finalized renewal invoice in three sections: 4 users for the coming month, the prorated 4th user of
    the past one, 120 minutes of usage; numbers, seats and minutes as in the scenario tests."""
    from tests.unit.engine.catalog import MINUTES, NUMBER, USER, at

    items = [NewItem("u", USER, 3), NewItem("n", NUMBER, 2), NewItem("m", MINUTES)]
    subscription = create_subscription("sub_sample", account.id, items, now=at(2026, 3, 10, 9)).subscription
    subscription = update_subscription(subscription, [ItemUpdate("u", quantity=4)], at(2026, 3, 25, 9)).subscription
    events = [
        UsageEvent(
            f"e{n}", "sub_sample", "outbound_minutes", Decimal(1), at(2026, 3, 12, 10, n % 60), tags_of({"team": "a"})
        )
        for n in range(120)
    ]
    renewed = renew_subscription(subscription, at(2026, 4, 10, 9), events)
    draft = assemble_invoice(
        invoice_context(account, None, at(2026, 4, 10, 9), discount),
        renewed.lines,
        renewed.billing_reason,
        at(2026, 4, 10, 9),
        "sub_sample",
        renewed.period,
    )
    return Invoice(
        "in_sample",
        draft,
        InvoiceStatus.OPEN,
        "F-2026-000042",
        at(2026, 4, 10, 10),
        at(2026, 5, 10, 10),
        collection_method=collection_method,
        days_until_due=30 if collection_method == "send_invoice" else None,
    )
