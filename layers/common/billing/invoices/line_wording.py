"""How an invoice line reads, in the buyer's language: phrased from its structured fields (item, quantity,
proration), so the API, the PDF and the e-invoice say the same words. Usage and one-off lines keep the
name they were given (a meter's or price's nickname, the operator's description)."""

from __future__ import annotations

from babel.numbers import format_decimal

from billing.invoices.models import InvoiceLine, Section

LINE_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "days": "{left}/{total} jours",
        "unused": "Temps non utilisé : {quantity} × {name}",
        "remaining": "Temps restant : {quantity} × {name}",
        "seats": "{quantity} × {name}",
    },
    "en": {
        "days": "{left}/{total} days",
        "unused": "Unused time: {quantity} × {name}",
        "remaining": "Remaining time: {quantity} × {name}",
        "seats": "{quantity} × {name}",
    },
}
MAX_DAYS = 366  # a proration counted in more units than that was counted in seconds


def describe_line(line: InvoiceLine, locale: str) -> str:
    if line.item_name is None or line.section in (Section.USAGE, Section.ONE_OFF):
        return line.item_name or line.description
    words = LINE_WORDS.get(locale, LINE_WORDS["fr"])
    quantity = format_decimal(line.quantity.normalize(), locale=locale)
    if line.section is Section.PRORATION:
        phrase = words["unused" if line.amount < 0 else "remaining"].format(quantity=quantity, name=line.item_name)
        if line.proration is not None and line.proration[1] <= MAX_DAYS:
            phrase += f" ({words['days'].format(left=line.proration[0], total=line.proration[1])})"
        return phrase
    return words["seats"].format(quantity=quantity, name=line.item_name)
