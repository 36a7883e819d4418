"""The OpenAPI document is what sellers generate clients from: it must be a valid OpenAPI 3.1 document."""

from __future__ import annotations

import re

from openapi_spec_validator import OpenAPIV31SpecValidator

from billing.http.app import build_app
from billing.settings import ApiSettings
from infra.manifest import ROUTES


def test_the_openapi_document_is_valid(anonymous):
    document = anonymous.get("/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in OpenAPIV31SpecValidator(document).iter_errors()
    ]
    assert errors == []


def test_every_reference_in_the_document_points_somewhere(anonymous):
    document = anonymous.get("/v1/openapi.json").json()
    schemas = document["components"]["schemas"]

    def refs(node):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    dangling = {ref for ref in refs(document) if ref.removeprefix("#/components/schemas/") not in schemas}
    assert dangling == set()
    # Two models of one name are qualified by their module: generated clients then drop both.
    assert [name for name in schemas if "__" in name] == []


def test_every_operation_has_a_written_summary_a_description_and_a_resource_action_id(anonymous):
    document = anonymous.get("/v1/openapi.json").json()
    operations = [(m.upper(), p, op) for p, item in document["paths"].items() for m, op in item.items()]
    undocumented = [
        f"{method} {path}"
        for method, path, op in operations
        if not op.get("description")
        or op.get("summary", "").startswith(method)
        or "Who may call:" not in op["description"]
    ]
    assert undocumented == [], undocumented
    ids = [op["operationId"] for _, _, op in operations]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)+", i) for i in ids), ids
    named = {(method, path): op["operationId"] for method, path, op in operations}
    assert named[("GET", "/v1/invoices/{invoice_id}")] == "invoices_retrieve"
    assert named[("GET", "/v1/invoices")] == "invoices_list"
    assert named[("POST", "/v1/accounts/{account_id}/api_keys")] == "accounts_api_keys_create"
    assert named[("POST", "/v1/invoices/{invoice_id}/finalize")] == "invoices_finalize"
    assert named[("DELETE", "/v1/subscriptions/{subscription_id}/discount")] == "subscriptions_discount_delete"
    callers = {(m, p): op["description"].split("Who may call: ")[1] for m, p, op in operations}
    assert callers[("POST", "/v1/prices")].startswith("operators only")
    assert callers[("GET", "/v1/prices")].startswith("any API key")
    assert callers[("GET", "/v1/invoices/{invoice_id}")].startswith("operators, and the owner and member keys")


def test_the_reference_page_renders_this_document_with_no_asset_from_a_cdn(anonymous):
    page = anonymous.get("/v1/docs")
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    html = page.text
    assert "<title>Billing API reference</title>" in html
    assert "SwaggerUIBundle(" in html  # the script is inlined
    assert "webhook_endpoints_create" in html  # the spec is ours, with our operation ids
    assert "<script src=" not in html
    assert "<link rel='stylesheet'" not in html
    assert anonymous.get("/v1/docs", params={"format": "json"}).json()["info"]["title"] == "Billing API"


def test_every_event_type_is_a_webhook_of_the_document_with_its_declared_fields(anonymous):
    from billing.events import FIELDS, EventType

    webhooks = anonymous.get("/v1/openapi.json").json()["webhooks"]
    assert set(webhooks) == {str(t) for t in EventType}
    finalized = webhooks["invoice.finalized"]["post"]
    body = finalized["requestBody"]["content"]["application/json"]["schema"]
    fields = body["properties"]["data"]["properties"]["object"]["properties"]
    assert set(fields) == {"object", "account", *FIELDS[EventType.INVOICE_FINALIZED]}
    assert fields["due_at"] == {"type": ["string", "null"], "format": "date-time", "description": "when payment is due"}
    assert finalized["parameters"][0]["name"] == "Billing-Signature"


def test_every_field_and_parameter_is_described(anonymous):
    document = anonymous.get("/v1/openapi.json").json()
    bare = [
        f"{name}.{field}"
        for name, component in document["components"]["schemas"].items()
        for field, prop in (component.get("properties") or {}).items()
        if not prop.get("description")
    ]
    bare += [
        f"{method.upper()} {path} ?{parameter['name']}"
        for path, item in document["paths"].items()
        for method, operation in item.items()
        for parameter in operation.get("parameters", [])
        if not parameter.get("description")
    ]
    assert bare == [], bare


def test_every_request_body_has_an_example_its_own_model_accepts(anonymous):
    import importlib
    import pkgutil

    import billing.http
    from billing.http.examples import EXAMPLES

    document = anonymous.get("/v1/openapi.json").json()
    bodies = {
        f"{method.upper()} {path}": operation["requestBody"]["content"]["application/json"]
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    }
    assert [route for route, content in bodies.items() if "example" not in content] == []
    # Each example passes the validation the route itself applies (the body's pydantic model)
    modules = [importlib.import_module(f"billing.http.{m.name}") for m in pkgutil.iter_modules(billing.http.__path__)]
    models = {name: getattr(module, name) for module in modules for name in EXAMPLES if hasattr(module, name)}
    assert set(models) == set(EXAMPLES)
    for name, example in EXAMPLES.items():
        models[name].model_validate(example)


def test_every_listed_problem_code_exists(anonymous):
    from billing.errors import ErrorCode

    document = anonymous.get("/v1/openapi.json").json()
    listed = {c for item in document["paths"].values() for op in item.values() for c in op["x-problem-codes"]}
    assert listed <= {str(code) for code in ErrorCode}
    assert "invoice_not_found" in document["paths"]["/v1/invoices/{invoice_id}"]["get"]["x-problem-codes"]


def test_the_api_code_implements_every_declared_route():
    # Here, not in tests/infra: building a second API app in a process whose local gateway serves the API
    # re-points the shared routers at it (Powertools' include_router), and the gateway then answers 500.
    app = build_app(ApiSettings(table="unused", idempotency_table="unused"))
    app.include_every_router()
    document = app.get_openapi_schema().model_dump(by_alias=True, exclude_none=True)
    implemented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    undocumented = {"/v1/openapi.json", "/v1/docs"}  # the document and its rendering, outside the document
    declared = {(r.method, r.path) for r in ROUTES if r.function == "api" and r.path not in undocumented}
    assert implemented == declared
