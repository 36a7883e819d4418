"""`make costs` against `make run`'s backend (its own process: the tour moves the clock past a period's
end): usage, CSV, forecast, budget crossings announced once with their emails, chargeback adding up."""

from __future__ import annotations

from local.cost_management_tour import tour
from tests.integration.conftest import OPERATOR_KEY


def test_the_cost_management_tour_holds_its_figures(running_backend, capsys):
    local = tour(running_backend, OPERATOR_KEY)
    printed = capsys.readouterr().out
    assert [label for label, held in local.checks if not held] == [], printed  # the tour's lines tell where
    assert len(local.checks) == 6
    assert "budget.threshold_crossed: 50 %" in printed
    assert "chargeback" in printed
