"""Coupons (what is taken off), promotion codes (how customers get them) and referral codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from babel.numbers import format_decimal

from billing.errors import ErrorCode, InvalidInputError
from billing.money import format_money


class Duration(StrEnum):
    ONCE = "once"  # the next invoice only
    REPEATING = "repeating"  # invoices during duration_in_months
    FOREVER = "forever"


@dataclass(frozen=True, slots=True)
class Coupon:
    """A discount a customer can be given: a percentage or an amount, once, for some months or forever."""

    id: str
    duration: Duration
    percent_off: Decimal | None = None
    amount_off: int | None = None  # minor units of ``currency``
    currency: str | None = None
    duration_in_months: int | None = None
    max_redemptions: int | None = None
    redeem_by: datetime | None = None
    times_redeemed: int = 0
    name: str | None = None
    created: datetime | None = None

    def __post_init__(self) -> None:
        if (self.percent_off is None) == (self.amount_off is None):
            raise InvalidInputError(ErrorCode.INVALID_COUPON, "A coupon has percent_off or amount_off.", "percent_off")
        if self.percent_off is not None and not Decimal(0) < self.percent_off <= Decimal(100):
            raise InvalidInputError(ErrorCode.INVALID_COUPON, "percent_off is in (0, 100].", "percent_off")
        if self.amount_off is not None and (self.amount_off <= 0 or self.currency is None):
            raise InvalidInputError(ErrorCode.INVALID_COUPON, "amount_off is positive, with a currency.", "amount_off")
        if (self.duration is Duration.REPEATING) != (self.duration_in_months is not None):
            raise InvalidInputError(
                ErrorCode.INVALID_COUPON,
                "duration_in_months goes with duration 'repeating' only.",
                "duration_in_months",
            )

    def describe(self, locale: str) -> str:
        """ "Bienvenue (−10 %)", "Bienvenue (−5,00 €)": as the buyer writes numbers and amounts."""
        what = f"{format_decimal(self.percent_off.normalize(), locale=locale)} %" if self.percent_off else ""
        if self.amount_off is not None and self.currency is not None:
            what = format_money(self.amount_off, self.currency, locale)
        return f"{self.name or self.id} (−{what})"


@dataclass(frozen=True, slots=True)
class PromotionCode:
    """A customer-facing code for a coupon; with ``referrer_account_id`` it is a referral code."""

    id: str
    code: str
    coupon_id: str
    active: bool = True
    max_redemptions: int | None = None
    times_redeemed: int = 0
    expires_at: datetime | None = None
    first_time_only: bool = False
    referrer_account_id: str | None = None
    referrer_credit: int | None = None  # minor units credited to the referrer, once per referee
    referrer_currency: str | None = None
    created: datetime | None = None

    @property
    def is_referral(self) -> bool:
        return self.referrer_account_id is not None


@dataclass(frozen=True, slots=True)
class AppliedDiscount:
    """A coupon on a subscription: from ``start``, until ``end`` (repeating) or its first use (once)."""

    coupon: Coupon
    start: datetime
    end: datetime | None = None
    promotion_code_id: str | None = None

    def applies_on(self, instant: datetime) -> bool:
        return instant >= self.start and (self.end is None or instant < self.end)
