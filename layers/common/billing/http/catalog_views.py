"""Request and response bodies of the catalog routes: products, prices, coupons, promotion codes."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from billing.catalog.models import Aggregation, BillingScheme, Interval, TiersMode, UsageType
from billing.discounts.models import Duration
from billing.http.schema import (
    Amount,
    Currency,
    Identifier,
    Name,
    PositiveAmount,
    Strict,
    Text,
    UnitDecimal,
    take_stripe_places,
)


class ProductCreate(Strict):
    name: Name
    description: Text | None = None


class ProductView(BaseModel):
    id: str
    object: Literal["product"] = "product"
    name: str
    description: str | None
    created: str | None


class MeterIn(Strict):
    event_name: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:\-]+$")]
    aggregation: Aggregation = Aggregation.SUM
    unique_by: Annotated[str, Field(max_length=100)] | None = None


class RecurringIn(Strict):
    interval: Interval
    interval_count: Annotated[int, Field(ge=1, le=36)] = 1
    usage_type: UsageType | None = Field(default=None, description="Where Stripe puts it: the same as usage_type.")
    meter: MeterIn | None = Field(default=None, description="Where Stripe puts it: the same as meter.")


class TierIn(Strict):
    up_to: Annotated[int, Field(ge=1, le=10**12)] | None
    unit_amount_decimal: UnitDecimal = Decimal(0)
    flat_amount_decimal: UnitDecimal = Decimal(0)


class PackageIn(Strict):
    size: Annotated[int, Field(ge=1, le=10**9)]
    amount_decimal: UnitDecimal
    free_units: Annotated[int, Field(ge=0, le=10**12)] = 0


class PriceCreate(Strict):
    product: Identifier
    currency: Currency
    nickname: Name | None = None
    unit_amount: Amount | None = Field(default=None, description="Minor units per unit.")
    unit_amount_decimal: UnitDecimal | None = Field(default=None, description="Minor units, up to 12 decimals.")
    recurring: RecurringIn | None = Field(default=None, description="Absent: a one-off price.")
    usage_type: UsageType = UsageType.LICENSED
    billing_scheme: BillingScheme = BillingScheme.PER_UNIT
    tiers: Annotated[list[TierIn], Field(max_length=50)] | None = None
    tiers_mode: TiersMode | None = None
    package: PackageIn | None = None
    meter: MeterIn | None = None
    tax_rate: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)] | None = None
    lookup_key: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None,
        description="A stable name for the price (Stripe's); an AWS Marketplace dimension is sold at the price "
        "whose lookup_key is the dimension's name.",
    )
    tax_exemption: Annotated[str, Field(min_length=1, max_length=40)] | None = Field(
        default=None,
        description="Exempt from French VAT, by the provision its VATEX code names: VATEX-EU-132-1I vocational "
        "training (art. 261-4-4°-a CGI), VATEX-EU-132-1J private tuition. Printed and e-invoiced (category E).",
    )
    unit: Annotated[str, Field(min_length=1, max_length=3)] = Field(
        default="C62",
        description="What a unit is, as a UN/ECE Recommendation 20 code (e-invoices state it): C62 one (seats, "
        "calls), MIN minute, HUR hour, DAY, MON month, ANN year, E34 gigabyte, E35 terabyte, 4L megabyte, "
        "KWH, E48 service unit, SEC, H87 piece.",
    )

    @model_validator(mode="after")
    def _stripe_places(self) -> Self:
        """Stripe nests usage_type and meter under recurring: accept them there too."""
        take_stripe_places(self, self.recurring, ("usage_type", "meter"))
        return self


class TierView(BaseModel):
    up_to: int | None
    unit_amount_decimal: str
    flat_amount_decimal: str


class PriceView(BaseModel):
    id: str
    object: Literal["price"] = "price"
    product: str
    currency: str
    nickname: str | None
    unit_amount_decimal: str
    recurring: dict[str, Any] | None
    usage_type: str
    billing_scheme: str
    tiers: list[TierView] | None
    tiers_mode: str | None
    package: dict[str, Any] | None
    meter: dict[str, Any] | None
    tax_rate: str | None = Field(
        default=None,
        description="The price's own VAT rate in percent (a French reduced rate). It applies to French buyers "
        "only: reverse charge, exports and EU consumers (OSS) keep the rate their treatment gives.",
    )
    lookup_key: str | None = Field(default=None, description="Its stable name (AWS Marketplace dimensions).")
    unit: str = Field(default="C62", description="Its unit of measure (UN/ECE Recommendation 20).")
    tax_exemption: str | None = Field(default=None, description="Its VAT exemption (VATEX code), if any.")
    created: str | None


class CouponCreate(Strict):
    name: Name | None = None
    percent_off: Annotated[Decimal, Field(gt=0, le=100, decimal_places=4)] | None = None
    amount_off: Annotated[int, Field(gt=0, le=10**12)] | None = None
    currency: Currency | None = None
    duration: Duration
    duration_in_months: Annotated[int, Field(ge=1, le=120)] | None = None
    max_redemptions: Annotated[int, Field(ge=1, le=10**9)] | None = None
    redeem_by: AwareDatetime | None = None


class CouponView(BaseModel):
    id: str
    object: Literal["coupon"] = "coupon"
    name: str | None
    percent_off: str | None
    amount_off: int | None
    currency: str | None
    duration: str
    duration_in_months: int | None
    max_redemptions: int | None
    redeem_by: str | None
    times_redeemed: int
    created: str | None


class PromotionCodeCreate(Strict):
    code: Annotated[str, Field(min_length=3, max_length=40, pattern=r"^[A-Za-z0-9_\-]+$")]
    coupon: Identifier
    max_redemptions: Annotated[int, Field(ge=1, le=10**9)] | None = None
    expires_at: AwareDatetime | None = None
    first_time_only: bool = False
    referrer_account: Identifier | None = Field(default=None, description="Makes it a referral code.")
    referrer_credit: PositiveAmount | None = Field(
        default=None,
        description="Referral codes: the credit (minor units) put on the referrer's balance once, when the "
        "referee's first invoice is paid.",
    )
    referrer_currency: Currency | None = None


class PromotionCodeView(BaseModel):
    id: str
    object: Literal["promotion_code"] = "promotion_code"
    code: str
    coupon: str
    active: bool
    max_redemptions: int | None
    times_redeemed: int
    expires_at: str | None
    first_time_only: bool
    referrer_account: str | None
    referrer_credit: int | None = None
    referrer_currency: str | None = None
    created: str | None


# --- subscriptions -----------------------------------------------------------------------------------
