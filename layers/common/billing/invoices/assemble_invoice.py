"""Turn lines into an invoice: line amounts → discounts (before tax) → VAT by rate → credit (after tax).

The order is Lago's and the French one: discounts reduce the taxable base; prepaid credit and credit
notes are payments, applied to the total including tax. A negative total (more credit than charges)
is never an invoice: the total is zero and the excess goes back to the account balance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from billing.discounts.apply_discount import discount_amount
from billing.discounts.models import AppliedDiscount
from billing.errors import ErrorCode, InvalidInputError
from billing.invoices.line_wording import describe_line
from billing.invoices.models import BillingReason, DiscountLine, DraftInvoice, InvoiceLine, TaxLine
from billing.money import allocate, round_minor, same_currency
from billing.periods import Period
from billing.tax.vat import VatCategory, VatTreatment, exemption_mention

_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class InvoiceContext:
    """What the account contributes: its VAT, its discount, its credit and what it still owes."""

    account_id: str
    vat: VatTreatment
    locale: str = "fr"
    credit_available: int = 0
    previous_unpaid: int = 0
    discount: AppliedDiscount | None = None


def assemble_invoice(
    context: InvoiceContext,
    lines: Iterable[InvoiceLine],
    billing_reason: BillingReason,
    created: datetime,
    subscription_id: str | None = None,
    period: Period | None = None,
    currency: str | None = None,
) -> DraftInvoice:
    # Each line's rate is decided here, with the buyer's VAT treatment of the day, and kept on the line;
    # so is its wording, in the buyer's language (the API shows what the PDF prints).
    rate_for, locale = context.vat.rate_for, context.locale
    lines = tuple(
        line.assessed(rate_for(line.tax_rate, line.tax_exemption), describe_line(line, locale)) for line in lines
    )
    if not lines and currency is None:
        raise InvalidInputError(ErrorCode.EMPTY_INVOICE, "An invoice needs at least one line.", "lines")
    currency = same_currency([line.currency for line in lines] or [currency or ""])
    subtotal = sum(line.amount for line in lines)

    discounts: list[DiscountLine] = []
    discount_total = 0
    if context.discount is not None and context.discount.applies_on(created):
        discount_total = discount_amount(context.discount.coupon, max(0, subtotal), currency)
        if discount_total:
            discounts.append(
                DiscountLine(
                    context.discount.coupon.id, context.discount.coupon.describe(context.locale), discount_total
                )
            )

    taxes = _taxes(lines, discount_total, context.vat)
    total = subtotal - discount_total + sum(tax.amount for tax in taxes)
    excess_credit = max(0, -total)
    total = max(0, total)
    credit_applied = min(max(0, context.credit_available), total)
    return DraftInvoice(
        account_id=context.account_id,
        currency=currency,
        billing_reason=billing_reason,
        created=created,
        lines=lines,
        subtotal=subtotal,
        discounts=tuple(discounts),
        taxes=taxes,
        total=total,
        credit_applied=credit_applied,
        amount_due=total - credit_applied,
        excess_credit=excess_credit,
        previous_unpaid=context.previous_unpaid,
        vat_mention=_mention(context, taxes),
        subscription_id=subscription_id,
        period=period,
    )


def _taxes(lines: Sequence[InvoiceLine], discount_total: int, vat: VatTreatment) -> tuple[TaxLine, ...]:
    """VAT per rate (an exempt base apart, per exemption), on each base after its share of the discount; one
    rounding per rate."""
    shares = allocate(discount_total, [max(0, line.amount) for line in lines]) if discount_total else [0] * len(lines)
    bases: dict[tuple[Decimal, str | None], int] = defaultdict(int)
    for line, share in zip(lines, shares, strict=True):
        exemption = line.tax_exemption if vat.exempts(line.tax_exemption) else None
        # The rate assessed above: rate_for with the line's exemption, which is the one kept here wherever the
        # treatment lets exemptions hold (elsewhere rate_for answers the treatment's rate whatever it is given).
        assert line.vat_rate is not None
        bases[(line.vat_rate, exemption)] += line.amount - share
    category = vat.category
    return tuple(
        TaxLine(
            rate=rate,
            category=VatCategory.EXEMPT if exemption else category if rate == vat.rate else VatCategory.STANDARD,
            taxable_amount=base,
            amount=round_minor(Decimal(base) * rate / _HUNDRED),
            exemption=exemption,
        )
        for (rate, exemption), base in sorted(bases.items(), key=lambda item: (item[0][0], item[0][1] or ""))
    )


def _mention(context: InvoiceContext, taxes: tuple[TaxLine, ...]) -> str | None:
    """The treatment's legal mention, and each exemption's."""
    mentions = [context.vat.mention(context.locale)]
    mentions += [exemption_mention(tax.exemption, context.locale) for tax in taxes if tax.exemption]
    return " ; ".join(mention for mention in mentions if mention) or None
