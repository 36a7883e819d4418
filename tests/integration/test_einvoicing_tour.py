"""`make einvoices` against `make run`'s backend: the audited documents as Factur-X checked offline, page 1 of
the French invoice, a void neutralised by a credit note, a public buyer's invoice followed on Chorus Pro."""

from __future__ import annotations

from local.einvoicing_tour import tour
from tests.integration.conftest import OPERATOR_KEY


def test_the_einvoicing_tour_holds_every_check(running_backend, capsys):
    local = tour(running_backend, OPERATOR_KEY)
    printed = capsys.readouterr().out
    assert [label for label, held in local.checks if not held] == [], printed  # the tour's lines tell where
    assert len(local.checks) >= 20
    assert "Temps non utilisé" in printed
