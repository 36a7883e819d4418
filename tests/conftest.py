"""The local backend, shared by every tier that needs the emulators (integration, infra's bundle test)."""

from __future__ import annotations

import json
import os
import secrets
import time

import pytest

from local.backend import LocalBackend
from local.emulators import aws_emulator_name
from tests import properties as reliability
from tests.properties import properties  # noqa: F401 - the fixture, for every tier


@pytest.fixture(scope="session")
def backend():
    """One local backend per test session: moto (or the LocalStack at AWS_ENDPOINT_URL) and localstripe."""
    started = LocalBackend(
        aws_endpoint=os.environ.get("AWS_ENDPOINT_URL") or None,
        table_prefix=f"billing-test-{secrets.token_hex(3)}",
        concurrency=4,  # concurrent requests run in parallel, as on Lambda (tests/integration/test_concurrent_http.py)
    ).start()
    yield started
    started.stop()


# The files that take longest, first (measured on moto and LocalStack; each file's tests keep their order).
# The Makefile runs pytest-xdist with --no-loadscope-reorder, so files are handed out in this order: by default
# it sorts them by their number of tests, and the fault test (one test, ~75 s) started last, alone at the end.
LONGEST_FIRST = (
    "tests/integration/test_faults.py",
    "tests/integration/test_replay_seed_stories.py",
    "tests/integration/test_schemathesis.py",
    "tests/integration/test_fault_renewals.py",
    "tests/infra/test_bundle.py",
    "tests/integration/test_einvoicing_tour.py",
    "tests/integration/test_payments.py",
    "tests/integration/test_restart.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the other files, and every file's tests, keep their order


# Per-suite figures of the emulator tiers, on LocalStack and on moto (`make pytest` runs both): with
# BILLING_SUITE_REPORT naming a file, each session appends its counts there and prints every run so far.
_SUITE_RUN: dict[str, object] = {}


def pytest_sessionstart(session: pytest.Session) -> None:
    reliability.remember_emulator()
    _SUITE_RUN.update(started=time.monotonic(), suites={})


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    reliability.collect(report)
    suites = _SUITE_RUN.get("suites")
    if not isinstance(suites, dict):
        return
    suite = report.nodeid.split("/")[1] if report.nodeid.startswith("tests/") else report.nodeid.split("/")[0]
    counts = suites.setdefault(suite, {"passed": 0, "failed": 0, "skipped": 0, "seconds": 0.0})
    counts["seconds"] += report.duration
    if report.when == "call" or not report.passed:  # a test's outcome, or its setup's or teardown's failure
        counts[report.outcome] += 1


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        reliability.print_table(terminalreporter)
    report_file = os.environ.get("BILLING_SUITE_REPORT")
    if not report_file or hasattr(config, "workerinput") or not _SUITE_RUN.get("suites"):
        return
    run = {
        "aws": aws_emulator_name(os.environ.get("AWS_ENDPOINT_URL") or None),
        "wall_s": time.monotonic() - float(_SUITE_RUN["started"]),  # type: ignore[arg-type]
        "suites": _SUITE_RUN["suites"],
    }
    with open(report_file, "a") as appended:
        appended.write(json.dumps(run) + "\n")
    with open(report_file) as written:
        runs = [json.loads(line) for line in written if line.strip()]
    write = terminalreporter.write_line
    write("")
    write(f"{'suite':<12} {'AWS emulator':<22} {'passed':>6} {'failed':>6} {'skipped':>7} {'Σ test s':>9}")
    for suite in sorted({name for each in runs for name in each["suites"]}):
        for each in runs:
            counts = each["suites"].get(suite)
            if counts:
                write(
                    f"{suite:<12} {each['aws']:<22} {counts['passed']:>6} {counts['failed']:>6} "
                    f"{counts['skipped']:>7} {counts['seconds']:>9.1f}"
                )
    for each in runs:
        write(f"{'all':<12} {each['aws']:<22} wall time {each['wall_s']:.1f} s")
