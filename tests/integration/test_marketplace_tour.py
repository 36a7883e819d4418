"""`make marketplace` against `make run`'s backend: the fulfillment URL, the link, AWS's notices through the
queue and the marketplace function, a contract upgrade and the end, all through HTTP."""

from __future__ import annotations

from local.marketplace_tour import tour
from tests.integration.conftest import OPERATOR_KEY


def test_a_marketplace_purchase_plays_end_to_end(running_backend, capsys):
    local = tour(running_backend, OPERATOR_KEY)
    printed = capsys.readouterr().out
    assert [label for label, held in local.checks if not held] == [], printed  # the tour's lines tell where
    assert len(local.checks) == 13
    assert "managed_by aws_marketplace" in printed
