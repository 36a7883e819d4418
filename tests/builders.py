"""Test data: valid billing profiles and API Gateway proxy events."""

from __future__ import annotations

import copy
import json
from typing import Any

from billing.accounts.access import Principal
from billing.http.examples import EXAMPLES
from billing.http.principal import authorizer_context


def french_company(**overrides: Any) -> dict[str, Any]:
    """The OpenAPI document's example profile: a real, checksum-valid VAT/SIREN pair (from stdnum's test data)."""
    return copy.deepcopy(EXAMPLES["BillingProfile"]) | overrides


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
