"""The computation behind each line of an invoice, in structured form (the explained bill): quantity,
period, unit price, tiers crossed, the prorated fraction and the line's share of the discount."""

from __future__ import annotations

from dataclasses import dataclass

from billing.catalog.rating import TierUse
from billing.invoices.line_wording import MAX_DAYS, explain_line
from billing.invoices.models import DraftInvoice, InvoiceLine
from billing.money import allocate


@dataclass(frozen=True, slots=True)
class Proration:
    """The part of a period a prorated line covers."""

    used: int  # days or seconds of the period the line covers
    total: int
    unit: str  # "days" or "seconds"


@dataclass(frozen=True, slots=True)
class LineExplanation:
    """How a line's amount was computed: its tiers, its proration and its share of the discount."""

    line: InvoiceLine
    tiers: tuple[TierUse, ...]
    proration: Proration | None
    discount: int  # minor units of the invoice's discount this line bears
    text: str | None  # the short line printed under the amount (None: quantity × unit price says it all)


def explain_invoice(draft: DraftInvoice, locale: str) -> list[LineExplanation]:
    discount = sum(d.amount for d in draft.discounts)
    # Shared as the VAT base is (assemble_invoice): in proportion to the positive lines.
    shares = allocate(discount, [max(0, line.amount) for line in draft.lines]) if discount else [0] * len(draft.lines)
    return [
        LineExplanation(line, line.tiers, _proration(line), share, explain_line(line, locale))
        for line, share in zip(draft.lines, shares, strict=True)
    ]


def _proration(line: InvoiceLine) -> Proration | None:
    if line.proration is None:
        return None
    used, total = line.proration
    return Proration(used, total, "days" if total <= MAX_DAYS else "seconds")
