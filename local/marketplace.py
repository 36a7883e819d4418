"""AWS Marketplace's ResolveCustomer, GetEntitlements and BatchMeterUsage on a loopback server beside the AWS
emulator (moto answers them with HTTP 500, LocalStack's community edition not at all), shaped as AWS documents
them, plus the local routes that play the buyer's side. local/emulators.py starts it.

- ``AWSMPMeteringService.ResolveCustomer`` ``{"RegistrationToken"}`` → ``{"CustomerIdentifier",
  "CustomerAWSAccountId", "ProductCode", "LicenseArn"}``; an unknown token answers 400
  ``InvalidTokenException``, an expired one 400 ``ExpiredTokenException``. A token stays valid, as AWS's
  does, until it expires (replays are the backend's to refuse).
- ``AWSMPEntitlementService.GetEntitlements`` ``{"ProductCode", "Filter", "MaxResults", "NextToken"}`` →
  ``{"Entitlements": [{"ProductCode", "Dimension", "CustomerIdentifier", "CustomerAWSAccountId",
  "LicenseArn", "Value": {"IntegerValue"}, "ExpirationDate"}], "NextToken"}``; filters
  ``CUSTOMER_IDENTIFIER``, ``CUSTOMER_AWS_ACCOUNT_ID``, ``LICENSE_ARN``, ``DIMENSION``.
- ``POST /_aws/marketplace/buyers`` ``{"product_code", "entitlements": {dimension: quantity}}`` creates a buyer
  and its registration token (what the buyer's browser posts to the fulfillment URL); ``POST
  /_aws/marketplace/entitlements`` ``{"license_arn", "entitlements"}`` replaces a license's entitlements
  (a contract upgrade).
- ``AWSMPMeteringService.BatchMeterUsage``: moto's fails (HTTP 500) on records naming a LicenseArn and no
  CustomerIdentifier (AWS's required shape since June 2026), so it is answered here: ``Results`` with a
  ``MeteringRecordId`` and ``Success``, ``DuplicateRecord`` (same license, dimension and hour) or
  ``CustomerNotSubscribed``. ``POST /_aws/marketplace/failures`` ``{"throttle": n, "unprocessed": n}`` makes
  the next calls answer ``ThrottlingException`` or leave every record in ``UnprocessedRecords``.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
TOKEN_LIFETIME_S = 3600  # long enough for a buyer to finish the seller's sign-up page
DEFAULT_PAGE = 25


@dataclass
class Buyer:
    customer_identifier: str
    aws_account_id: str
    product_code: str
    license_arn: str
    token: str
    token_expires_at: float
    entitlements: dict[str, int] = field(default_factory=dict)
    expires_at: float = field(default_factory=lambda: time.time() + 365 * 86400)


class MarketplaceState:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.buyers: list[Buyer] = []
        self.metered: dict[tuple[str, str, float], dict[str, Any]] = {}  # (license or customer, dimension, hour)
        self.failures = {"throttle": 0, "unprocessed": 0}  # the next calls fail so (a test asked)

    def new_buyer(self, product_code: str, entitlements: dict[str, int], lifetime_s: float) -> Buyer:
        account = "".join(secrets.choice("0123456789") for _ in range(12))
        buyer = Buyer(
            customer_identifier=secrets.token_hex(6),
            aws_account_id=account,
            product_code=product_code,
            license_arn=f"arn:aws:license-manager::{account}:license:l-{secrets.token_hex(16)}",
            token=secrets.token_urlsafe(48),
            token_expires_at=time.time() + lifetime_s,
            entitlements=dict(entitlements),
        )
        with self._lock:
            self.buyers.append(buyer)
        return buyer

    def by_token(self, token: str) -> Buyer | None:
        return next((b for b in self.buyers if secrets.compare_digest(b.token, token)), None)

    def by_license(self, license_arn: str) -> Buyer | None:
        return next((b for b in self.buyers if b.license_arn == license_arn), None)


STATE = MarketplaceState()


def _json(start_response: Callable[..., Any], status: str, payload: dict[str, Any]) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(body)))])
    return [body]


def _error(start_response: Callable[..., Any], kind: str, message: str) -> list[bytes]:
    return _json(start_response, "400 Bad Request", {"__type": kind, "message": message})


def resolve_customer(body: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    token = body.get("RegistrationToken")
    buyer = STATE.by_token(token) if isinstance(token, str) and token else None
    if buyer is None:
        return _error(start_response, "InvalidTokenException", "Registration token is invalid")
    if time.time() > buyer.token_expires_at:
        return _error(start_response, "ExpiredTokenException", "Registration token is expired")
    return _json(
        start_response,
        "200 OK",
        {
            "CustomerIdentifier": buyer.customer_identifier,
            "CustomerAWSAccountId": buyer.aws_account_id,
            "ProductCode": buyer.product_code,
            "LicenseArn": buyer.license_arn,
        },
    )


_FILTERS: dict[str, Callable[[Buyer], str]] = {
    "CUSTOMER_IDENTIFIER": lambda b: b.customer_identifier,
    "CUSTOMER_AWS_ACCOUNT_ID": lambda b: b.aws_account_id,
    "LICENSE_ARN": lambda b: b.license_arn,
}


def get_entitlements(body: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    product = body.get("ProductCode")
    if not isinstance(product, str) or not product:
        return _error(start_response, "InvalidParameterException", "ProductCode is required")
    filters: dict[str, list[str]] = body.get("Filter") or {}
    rows = []
    for buyer in STATE.buyers:
        if buyer.product_code != product:
            continue
        if any(name in _FILTERS and _FILTERS[name](buyer) not in values for name, values in filters.items()):
            continue
        for dimension, quantity in sorted(buyer.entitlements.items()):
            if "DIMENSION" in filters and dimension not in filters["DIMENSION"]:
                continue
            rows.append(
                {
                    "ProductCode": product,
                    "Dimension": dimension,
                    "CustomerIdentifier": buyer.customer_identifier,
                    "CustomerAWSAccountId": buyer.aws_account_id,
                    "LicenseArn": buyer.license_arn,
                    "Value": {"IntegerValue": quantity},
                    "ExpirationDate": buyer.expires_at,
                }
            )
    start = int(body.get("NextToken") or 0)
    size = int(body.get("MaxResults") or DEFAULT_PAGE)
    page = rows[start : start + size]
    answer: dict[str, Any] = {"Entitlements": page}
    if start + size < len(rows):
        answer["NextToken"] = str(start + size)
    return _json(start_response, "200 OK", answer)


def batch_meter_usage(body: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    records = body.get("UsageRecords") or []
    if not isinstance(records, list) or not 1 <= len(records) <= 25:
        return _error(start_response, "InvalidParameterException", "UsageRecords holds 1 to 25 records")
    with STATE._lock:
        if STATE.failures["throttle"] > 0:
            STATE.failures["throttle"] -= 1
            return _error(start_response, "ThrottlingException", "Rate exceeded")
        if STATE.failures["unprocessed"] > 0:
            STATE.failures["unprocessed"] -= 1
            return _json(start_response, "200 OK", {"Results": [], "UnprocessedRecords": records})
        results = []
        for record in records:
            who = record.get("LicenseArn") or record.get("CustomerIdentifier") or ""
            known = any(who in (b.license_arn, b.customer_identifier) for b in STATE.buyers)
            key = (who, str(record.get("Dimension")), float(record.get("Timestamp") or 0))
            if not known:
                status = "CustomerNotSubscribed"
            elif key in STATE.metered:
                status = "DuplicateRecord"
            else:
                status = "Success"
                STATE.metered[key] = {"record": record, "MeteringRecordId": secrets.token_hex(16)}
            found = STATE.metered.get(key, {})
            results.append({"UsageRecord": record, "MeteringRecordId": found.get("MeteringRecordId"), "Status": status})
    return _json(start_response, "200 OK", {"Results": results, "UnprocessedRecords": []})


def failures_route(body: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    with STATE._lock:
        for kind in STATE.failures:
            STATE.failures[kind] = int(body.get(kind) or 0)
    return _json(start_response, "200 OK", dict(STATE.failures))


TARGETS = {
    "AWSMPMeteringService.BatchMeterUsage": batch_meter_usage,
    "AWSMPMeteringService.ResolveCustomer": resolve_customer,
    "AWSMPEntitlementService.GetEntitlements": get_entitlements,
}


def _read(environ: dict[str, Any]) -> dict[str, Any]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    loaded = json.loads(raw or b"{}")
    return loaded if isinstance(loaded, dict) else {}


def buyers_route(body: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    entitlements = {str(k): int(v) for k, v in (body.get("entitlements") or {}).items()}
    buyer = STATE.new_buyer(
        str(body.get("product_code") or "prod-local"),
        entitlements,
        float(body.get("token_lifetime_s") or TOKEN_LIFETIME_S),
    )
    return _json(
        start_response,
        "201 Created",
        {
            "token": buyer.token,
            "CustomerIdentifier": buyer.customer_identifier,
            "CustomerAWSAccountId": buyer.aws_account_id,
            "ProductCode": buyer.product_code,
            "LicenseArn": buyer.license_arn,
            "entitlements": buyer.entitlements,
        },
    )


def entitlements_route(body: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    buyer = STATE.by_license(str(body.get("license_arn")))
    if buyer is None:
        return _error(start_response, "ResourceNotFoundException", "No such license")
    buyer.entitlements = {str(k): int(v) for k, v in (body.get("entitlements") or {}).items()}
    return _json(start_response, "200 OK", {"LicenseArn": buyer.license_arn, "entitlements": buyer.entitlements})


LOCAL_ROUTES = {
    "/_aws/marketplace/buyers": buyers_route,
    "/_aws/marketplace/entitlements": entitlements_route,
    "/_aws/marketplace/failures": failures_route,
}


def with_marketplace(app: WsgiApp) -> WsgiApp:
    """The emulator's app, answering the two Marketplace operations moto lacks and the buyer routes."""

    def marketplace_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target in TARGETS:
            return TARGETS[target](_read(environ), start_response)
        route = LOCAL_ROUTES.get(environ.get("PATH_INFO", ""))
        if route is not None and environ.get("REQUEST_METHOD") == "POST":
            return route(_read(environ), start_response)
        return app(environ, start_response)

    return marketplace_app


def marketplace_routes(aws_endpoint: str, marketplace_endpoint: str, queue_url: str) -> dict[tuple[str, str], Any]:
    """``make run``'s ``/_local/marketplace/…`` routes: play the buyer (``buyers``: a registration token and
    entitlements; ``entitlements``: a contract upgrade) and AWS delivering a notice (``events``: an
    EventBridge event or an SNS envelope, put on the Marketplace queue as the rule or the topic would)."""
    import boto3

    def forward(path: str) -> Callable[[object, bytes], tuple[int, dict[str, str], bytes]]:
        def route(_: object, body: bytes) -> tuple[int, dict[str, str], bytes]:
            request = urllib.request.Request(  # noqa: S310 - the loopback emulator
                f"{marketplace_endpoint}{path}", data=body, method="POST", headers={"Content-Type": "application/json"}
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                    return answer.status, {"Content-Type": "application/json"}, answer.read()
            except urllib.error.HTTPError as refused:
                return refused.code, {"Content-Type": "application/json"}, refused.read()

        return route

    def deliver(_: object, body: bytes) -> tuple[int, dict[str, str], bytes]:
        try:
            json.loads(body or b"")
        except json.JSONDecodeError:
            return 400, {"Content-Type": "application/json"}, b'{"error": "the body is a JSON event"}'
        sent = boto3.client("sqs", endpoint_url=aws_endpoint).send_message(
            QueueUrl=queue_url, MessageBody=body.decode()
        )
        return 202, {"Content-Type": "application/json"}, json.dumps({"queued": sent["MessageId"]}).encode()

    return {
        ("POST", "/_local/marketplace/buyers"): forward("/_aws/marketplace/buyers"),
        ("POST", "/_local/marketplace/entitlements"): forward("/_aws/marketplace/entitlements"),
        ("POST", "/_local/marketplace/failures"): forward("/_aws/marketplace/failures"),
        ("POST", "/_local/marketplace/events"): deliver,
    }
