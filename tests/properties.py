"""Reliability properties as measured figures: each test that checks one counts its cases and its
violations (instead of stopping at the first), records them, then fails if any was violated.

The session prints a table: property | violations | checks | run (fakes or which emulator) | load, one
line per property and run, the checks of every test that measured it added up. With
BILLING_PROPERTY_REPORT naming a file, the rows of every session are appended there and the table shows
them all (`make test` runs three sessions: the fast tiers, then the emulator tiers on LocalStack and moto).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache

import pytest

from local.property_table import table_lines

USER_PROPERTY = "reliability"


@dataclass
class Tally:
    cases: int = 0
    violations: int = 0
    load: str = ""
    examples: list[str] = field(default_factory=list)


class Properties:
    """The properties one test checks. ``check`` counts a case; ``verify`` records and asserts."""

    def __init__(self, record_property) -> None:
        self._record = record_property
        self._tallies: dict[str, Tally] = {}

    def check(self, name: str, holds: bool, detail: str = "") -> bool:
        tally = self._tallies.setdefault(name, Tally())
        tally.cases += 1
        if not holds:
            tally.violations += 1
            if len(tally.examples) < 3:
                tally.examples.append(detail)
        return holds

    def load(self, name: str, load: str) -> None:
        """Say what exercised the property (``20 concurrent payments``), printed beside its checks."""
        self._tallies.setdefault(name, Tally()).load = load

    def verify(self) -> None:
        for name, tally in self._tallies.items():
            row = {"property": name, "load": tally.load, "checks": tally.cases, "violations": tally.violations}
            self._record(USER_PROPERTY, row)
        broken = {name: t.examples for name, t in self._tallies.items() if t.violations}
        assert not broken, f"violated: {broken}"


@pytest.fixture
def properties(record_property) -> Properties:
    return Properties(record_property)


_ROWS: list[dict[str, object]] = []


FAKE_TIERS = ("tests/unit/", "tests/scenarios/", "tests/functional/")


def collect(report: pytest.TestReport) -> None:
    """Called from pytest_runtest_logreport (on the controller under xdist: user properties travel)."""
    rows = [v for n, v in report.user_properties if n == USER_PROPERTY] if report.when == "call" else []
    if rows:
        run = "in-memory fakes" if report.nodeid.startswith(FAKE_TIERS) else _emulator()
        _ROWS.extend(row | {"run": run} for row in rows)


_SESSION: dict[str, str] = {}


def remember_emulator() -> None:
    """At session start, before a backend sets AWS_ENDPOINT_URL to the moto it starts."""
    _SESSION["aws"] = os.environ.get("AWS_ENDPOINT_URL") or ""


@cache
def _emulator() -> str:
    from local.emulators import aws_emulator_name

    return aws_emulator_name(_SESSION.get("aws") or None)


def print_table(terminalreporter) -> None:
    rows = list(_ROWS)
    report_file = os.environ.get("BILLING_PROPERTY_REPORT")
    if report_file:
        with open(report_file, "a") as appended:
            appended.writelines(json.dumps(row) + "\n" for row in rows)
        with open(report_file) as written:
            rows = [json.loads(line) for line in written if line.strip()]
    if not rows:
        return
    terminalreporter.write_line("")
    for line in table_lines(rows):
        terminalreporter.write_line(line)
