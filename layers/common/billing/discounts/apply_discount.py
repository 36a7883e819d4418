from __future__ import annotations

from decimal import Decimal

from billing.discounts.models import AppliedDiscount, Coupon, Duration
from billing.money import round_minor


def discount_amount(coupon: Coupon, subtotal: int, currency: str) -> int:
    """What ``coupon`` takes off a (non-negative) subtotal: never more than the subtotal."""
    if subtotal <= 0:
        return 0
    if coupon.percent_off is not None:
        return min(subtotal, round_minor(Decimal(subtotal) * coupon.percent_off / Decimal(100)))
    if coupon.currency != currency or coupon.amount_off is None:
        return 0  # an amount-off coupon only applies to invoices in its currency
    return min(subtotal, coupon.amount_off)


def remaining_discount(discount: AppliedDiscount | None, discounted: bool) -> AppliedDiscount | None:
    """The discount left after an invoice: a ``once`` coupon is spent by the first invoice it reduced."""
    if discount is not None and discounted and discount.coupon.duration is Duration.ONCE:
        return None
    return discount
