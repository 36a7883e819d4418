"""Gapless numbering: one series per document kind and year, advanced in the batch that issues it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from billing.batch import SeriesAdvance
from billing.invoices.ports import InvoiceStore
from billing.tax.vat import SELLER_TIME_ZONE

INVOICE_SERIES = "F"
CREDIT_NOTE_SERIES = "AV"  # "avoir"
_SELLER_ZONE = ZoneInfo(SELLER_TIME_ZONE)


def next_number(store: InvoiceStore, series: str, issued: datetime) -> tuple[str, SeriesAdvance]:
    """The next number of a gapless per-year series (``F-2026-000123``), taken in the caller's batch. The
    year is the seller's: issued at 00:30 on 1 January in Paris, it is 2027's first, though still 2026 in UTC."""
    name = f"{series}-{issued.astimezone(_SELLER_ZONE).year}"
    last = store.series_last(name)
    return f"{name}-{last + 1:06d}", SeriesAdvance(name, last, last + 1)


def seller_month(instant: datetime) -> str:
    """The month a document belongs to in reports ("2026-11"), on the seller's calendar as its number's year."""
    return instant.astimezone(_SELLER_ZONE).strftime("%Y-%m")
