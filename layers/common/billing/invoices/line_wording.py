"""How an invoice line reads, in the buyer's language: phrased from its structured fields (item, quantity,
proration), so the API, the PDF and the e-invoice say the same words. Usage and one-off lines keep the
name they were given (a meter's or price's nickname, the operator's description)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import format_currency, format_decimal, format_percent

from billing.invoices.models import InvoiceLine, Section
from billing.money import minor_unit_exponent

LINE_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "days": "{left}/{total} jours",
        "unused": "Temps non utilisé : {quantity} × {name}",
        "remaining": "Temps restant : {quantity} × {name}",
        "seats": "{quantity} × {name}",
        "units": "{quantity} unités : {parts}",
        "flat": "{amount} forfait",
    },
    "en": {
        "days": "{left}/{total} days",
        "unused": "Unused time: {quantity} × {name}",
        "remaining": "Remaining time: {quantity} × {name}",
        "seats": "{quantity} × {name}",
        "units": "{quantity} units: {parts}",
        "flat": "{amount} flat",
    },
}
# Unit prices printed and e-invoiced: two decimals beyond the currency's (four for the euro, Factur-X's most).
_PRICE_EXTRA_PLACES = 2
MAX_DAYS = 366  # a proration counted in more units than that was counted in seconds


def describe_line(line: InvoiceLine, locale: str) -> str:
    if line.item_name is None or line.section in (Section.USAGE, Section.ONE_OFF):
        return line.item_name or line.description
    words = LINE_WORDS.get(locale, LINE_WORDS["fr"])
    quantity = quantity_text(line.quantity, locale)
    if line.section is Section.PRORATION:
        phrase = words["unused" if line.amount < 0 else "remaining"].format(quantity=quantity, name=line.item_name)
        if line.proration is not None and line.proration[1] <= MAX_DAYS:
            phrase += f" ({words['days'].format(left=line.proration[0], total=line.proration[1])})"
        return phrase
    return words["seats"].format(quantity=quantity, name=line.item_name)


@lru_cache(maxsize=4096)
def quantity_text(quantity: Decimal, locale: str) -> str:
    """Babel's formatting is a third of rating a subscription; invoices repeat a few quantities (equal
    Decimals share one entry: they normalize alike)."""
    return format_decimal(quantity.normalize(), locale=locale)


def explain_line(line: InvoiceLine, locale: str) -> str | None:
    """The computation behind the amount, in one short line: tiers crossed ("20 unités : 5 × 7,00 € +
    5 × 6,50 € + 10 × 6,00 €"), or unit price × quantity × the prorated fraction; None when the amount is
    simply the quantity at its unit price (nothing to explain)."""
    words = LINE_WORDS.get(locale, LINE_WORDS["fr"])

    def money(minor: Decimal) -> str:
        major = minor.scaleb(-minor_unit_exponent(line.currency))
        return format_currency(major, line.currency, locale=locale, decimal_quantization=False)

    if line.tiers:
        parts = []
        for tier in line.tiers:
            parts.append(f"{quantity_text(tier.units, locale)} × {money(tier.unit_amount)}")
            if tier.flat_amount:
                parts.append(words["flat"].format(amount=money(tier.flat_amount)))
        text = words["units"].format(quantity=quantity_text(line.quantity, locale), parts=" + ".join(parts))
    elif line.unit_amount is not None and line.proration is not None:
        text = f"{quantity_text(line.quantity, locale)} × {money(line.unit_amount)}"
    elif line.prorated_from is not None and line.proration is not None:
        text = money(Decimal(line.prorated_from))  # a credit: a fraction of what the span was charged
    else:
        return None
    if line.proration is not None:
        left, total = line.proration
        if total <= MAX_DAYS:
            text += f" × {words['days'].format(left=left, total=total)}"
        else:
            text += f" × {format_percent(Decimal(left) / Decimal(total), '#,##0.##%', locale=locale)}"
    return text


def quantity_and_unit_price(line: InvoiceLine) -> tuple[Decimal, Decimal]:
    """Quantity × unit price (minor units) that give the line's amount to the cent, as the PDF prints it and the
    e-invoice states it. A credit is a negative quantity at a positive price (EN 16931 BR-27); a prorated line's
    price is the unit price times the fraction, two decimals beyond the currency's. When no such price rebuilds
    the amount (tiers, a sub-cent price on a large count) the line is one unit at its amount, and its
    explanation (``explain_line``) keeps the computation."""
    sign = Decimal(-1) if line.amount < 0 else Decimal(1)
    count = abs(line.quantity)
    if line.unit_amount is not None and line.proration is None:
        price = line.unit_amount
    elif count:
        price = Decimal(abs(line.amount)) / count
    else:
        price = Decimal(0)
    price = price.quantize(Decimal(1).scaleb(-_PRICE_EXTRA_PLACES), rounding=ROUND_HALF_UP).normalize()
    if (price * count).quantize(Decimal(1), rounding=ROUND_HALF_UP) == abs(line.amount):
        return sign * count, price
    return sign, Decimal(abs(line.amount))
