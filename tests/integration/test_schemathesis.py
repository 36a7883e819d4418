"""Property-based API testing from our own OpenAPI document: no 5xx, answers that match the schema.

Bounded and deterministic: a fixed number of cases per operation (20 in `make test`, 100 in `make soak`),
derandomized, so CI time is stable.
Schemathesis' pytest plugin does not run under pytest 9 yet, so each operation's hypothesis strategy is
driven here directly.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_setup import make_catalog
from tests.budgets import budget

pytestmark = pytest.mark.integration

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, status_code_conformance]
EXAMPLES_PER_OPERATION = budget(20, 100)
PROPERTY = "generated input: no 5xx, answers as documented"


def test_api_conforms_to_its_openapi_document(backend, as_operator, properties):
    make_catalog(as_operator)  # something to find, so reads go past the empty case
    schema = schemathesis.openapi.from_url(f"{backend.url}/v1/openapi.json")
    headers = {"Authorization": f"Bearer {backend.operator_key}"}
    failures: list[str] = []
    operations = 0
    cases = [0]
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        failed_before = len(failures)

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def exercise(case):
            # A loaded CI machine may be slow; a timeout would read as a flaky failure, not a finding.
            response = case.call(base_url=backend.url, headers=headers, timeout=60)
            cases[0] += 1
            case.validate_response(response, checks=CHECKS)

        try:
            exercise()
        except BaseException as error:  # FailureGroup is a BaseExceptionGroup; collect them all
            if isinstance(error, KeyboardInterrupt):
                raise
            failures.append(f"{operation.method.upper()} {operation.path}: {str(error)[:1500]}")
        properties.check(PROPERTY, len(failures) == failed_before, failures[-1][:300] if failures else "")
    assert operations >= 30
    properties.load(PROPERTY, f"schemathesis: {operations} operations, {cases[0]} generated requests")
    properties.verify()
