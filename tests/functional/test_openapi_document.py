"""The OpenAPI document is what sellers generate clients from: it must be a valid OpenAPI 3.1 document."""

from __future__ import annotations

from openapi_spec_validator import OpenAPIV31SpecValidator


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
