"""Gapless numbering: one series per document kind and year, advanced in the batch that issues it."""

from __future__ import annotations

from billing.batch import SeriesAdvance
from billing.invoices.ports import InvoiceStore

INVOICE_SERIES = "F"
CREDIT_NOTE_SERIES = "AV"  # "avoir"


def next_number(store: InvoiceStore, series: str, year: int) -> tuple[str, SeriesAdvance]:
    """The next number of a gapless per-year series (``F-2026-000123``), taken in the caller's batch."""
    name = f"{series}-{year}"
    last = store.series_last(name)
    return f"{name}-{last + 1:06d}", SeriesAdvance(name, last, last + 1)
