"""Catalog routes: products, prices, coupons, promotion codes. Operators write; any key reads prices."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from billing.accounts.access import require_operator
from billing.catalog.create_coupon import create_coupon
from billing.catalog.create_price import create_price
from billing.catalog.create_product import create_product
from billing.catalog.create_promotion_code import create_promotion_code
from billing.catalog.get_coupon import get_coupon
from billing.catalog.get_price import get_price
from billing.catalog.get_product import get_product
from billing.catalog.models import Meter, Package, Price, Product, Recurring, Tier
from billing.discounts.models import Coupon, PromotionCode
from billing.errors import ErrorCode, InvalidInputError
from billing.http.catalog_views import (
    CouponCreate,
    CouponView,
    PriceCreate,
    PriceView,
    ProductCreate,
    ProductView,
    PromotionCodeCreate,
    PromotionCodeView,
    TierView,
)
from billing.http.routing import BEARER, Cursor, Limit, ListOf, caller, once, page, services
from billing.http.schema import iso
from billing.ids import new_id

router = Router()
PRICE_ID = Annotated[str, Path(pattern=r"^price_[0-9a-z]{1,40}$")]
PRODUCT_ID = Annotated[str, Path(pattern=r"^prod_[0-9a-z]{1,40}$")]
COUPON_ID = Annotated[str, Path(pattern=r"^coupon_[0-9a-z]{1,40}$")]


def product_view(product: Product) -> ProductView:
    return ProductView(id=product.id, name=product.name, description=product.description, created=iso(product.created))


def price_view(price: Price) -> PriceView:
    return PriceView(
        id=price.id,
        product=price.product_id,
        currency=price.currency,
        nickname=price.nickname,
        unit=price.unit,
        tax_exemption=price.tax_exemption,
        unit_amount_decimal=f"{price.unit_amount.normalize():f}",
        recurring={
            "interval": price.recurring.interval.value,
            "interval_count": price.recurring.interval_count,
            "usage_type": price.usage_type.value,  # where Stripe's prices carry it (also at the top level)
        }
        if price.recurring
        else None,
        usage_type=price.usage_type.value,
        billing_scheme=price.scheme.value,
        tiers=[
            TierView(
                up_to=t.up_to,
                unit_amount_decimal=f"{t.unit_amount.normalize():f}",
                flat_amount_decimal=f"{t.flat_amount.normalize():f}",
            )
            for t in price.tiers
        ]
        or None,
        tiers_mode=price.tiers_mode.value if price.tiers_mode else None,
        package={
            "size": price.package.size,
            "amount_decimal": f"{price.package.amount.normalize():f}",
            "free_units": price.package.free_units,
        }
        if price.package
        else None,
        meter={"event_name": price.meter.event_name, "aggregation": price.meter.aggregation.value}
        if price.meter
        else None,
        tax_rate=None if price.tax_rate is None else f"{price.tax_rate.normalize():f}",
        lookup_key=price.lookup_key,
        created=iso(price.created),
    )


def coupon_view(coupon: Coupon) -> CouponView:
    return CouponView(
        id=coupon.id,
        name=coupon.name,
        percent_off=None if coupon.percent_off is None else f"{coupon.percent_off.normalize():f}",
        amount_off=coupon.amount_off,
        currency=coupon.currency,
        duration=coupon.duration.value,
        duration_in_months=coupon.duration_in_months,
        max_redemptions=coupon.max_redemptions,
        redeem_by=iso(coupon.redeem_by),
        times_redeemed=coupon.times_redeemed,
        created=iso(coupon.created),
    )


def promotion_code_view(code: PromotionCode) -> PromotionCodeView:
    return PromotionCodeView(
        id=code.id,
        code=code.code,
        coupon=code.coupon_id,
        active=code.active,
        max_redemptions=code.max_redemptions,
        times_redeemed=code.times_redeemed,
        expires_at=iso(code.expires_at),
        first_time_only=code.first_time_only,
        referrer_account=code.referrer_account_id,
        referrer_credit=code.referrer_credit,
        referrer_currency=code.referrer_currency,
        created=iso(code.created),
    )


@router.post(
    "/v1/products",
    status_code=201,
    security=BEARER,
    tags=["Catalog"],
)
def post_product(body: ProductCreate) -> ProductView:
    """Create a product (operators).

    Errors: ``operator_only``.
    """
    s = services(router)

    def create() -> dict[str, object]:
        product = Product(new_id("prod"), body.name, body.description)
        return product_view(create_product(s.store, s.clock, caller(router), product)).model_dump(mode="json")

    return ProductView.model_validate(once(router, body.model_dump(mode="json"), create))


@router.get(
    "/v1/products",
    security=BEARER,
    tags=["Catalog"],
)
def get_products(limit: Limit = 20, cursor: Cursor = None) -> ListOf[ProductView]:
    """List products, newest first.

    Errors: ``invalid_cursor``.
    """
    found = services(router).store.list_products(page(limit, cursor))
    return ListOf[ProductView](data=[product_view(p) for p in found.items], next_cursor=found.next_cursor)


@router.get(
    "/v1/products/<product_id>",
    security=BEARER,
    tags=["Catalog"],
)
def get_one_product(product_id: PRODUCT_ID) -> ProductView:
    """Read one product: its name, description and whether it is still sold (any key).

    Errors: ``product_not_found``.
    """
    return product_view(get_product(services(router).store, product_id))


def _price(body: PriceCreate) -> Price:
    if (body.unit_amount is None) == (body.unit_amount_decimal is None) and body.billing_scheme == "per_unit":
        raise InvalidInputError(
            ErrorCode.UNIT_AMOUNT_REQUIRED, "Give unit_amount or unit_amount_decimal.", "unit_amount"
        )
    unit = Decimal(body.unit_amount) if body.unit_amount is not None else (body.unit_amount_decimal or Decimal(0))
    return Price(
        id=new_id("price"),
        product_id=body.product,
        currency=body.currency.upper(),
        nickname=body.nickname,
        recurring=Recurring(body.recurring.interval, body.recurring.interval_count) if body.recurring else None,
        usage_type=body.usage_type,
        scheme=body.billing_scheme,
        unit_amount=unit,
        tiers=tuple(Tier(t.up_to, t.unit_amount_decimal, t.flat_amount_decimal) for t in body.tiers or ()),
        tiers_mode=body.tiers_mode,
        package=Package(body.package.size, body.package.amount_decimal, body.package.free_units)
        if body.package
        else None,
        meter=Meter(body.meter.event_name, body.meter.aggregation, body.meter.unique_by) if body.meter else None,
        tax_rate=body.tax_rate,
        lookup_key=body.lookup_key,
        unit=body.unit,
        tax_exemption=body.tax_exemption,
    )


@router.post(
    "/v1/prices",
    status_code=201,
    security=BEARER,
    tags=["Catalog"],
)
def post_price(body: PriceCreate) -> PriceView:
    """Create a price (operators). Prices never change: a new price is a new id.

    Errors: ``conflicting_parameters``, ``invalid_currency``, ``invalid_tax_exemption``, ``invalid_tiers``,
    ``invalid_unit``, ``operator_only``, ``product_not_found``, ``unit_amount_required``.
    """
    s = services(router)

    def create() -> dict[str, object]:
        return price_view(create_price(s.store, s.clock, caller(router), _price(body))).model_dump(mode="json")

    return PriceView.model_validate(once(router, body.model_dump(mode="json"), create))


@router.get(
    "/v1/prices",
    security=BEARER,
    tags=["Catalog"],
)
def get_prices(limit: Limit = 20, cursor: Cursor = None) -> ListOf[PriceView]:
    """List prices, newest first.

    Errors: ``invalid_cursor``.
    """
    found = services(router).store.list_prices(page(limit, cursor))
    return ListOf[PriceView](data=[price_view(p) for p in found.items], next_cursor=found.next_cursor)


@router.get(
    "/v1/prices/<price_id>",
    security=BEARER,
    tags=["Catalog"],
)
def get_one_price(price_id: PRICE_ID) -> PriceView:
    """Read one price: amount, currency, interval, usage type and tiers (any key).

    Errors: ``price_not_found``.
    """
    return price_view(get_price(services(router).store, price_id))


@router.post(
    "/v1/coupons",
    status_code=201,
    security=BEARER,
    tags=["Discounts"],
)
def post_coupon(body: CouponCreate) -> CouponView:
    """Create a coupon (operators): percent or amount off, once, repeating or forever.

    Errors: ``coupon_exists``, ``invalid_coupon``, ``operator_only``.
    """
    s = services(router)

    def create() -> dict[str, object]:
        coupon = Coupon(
            id=new_id("coupon"),
            duration=body.duration,
            percent_off=body.percent_off,
            amount_off=body.amount_off,
            currency=body.currency.upper() if body.currency else None,
            duration_in_months=body.duration_in_months,
            max_redemptions=body.max_redemptions,
            redeem_by=body.redeem_by,
            name=body.name,
        )
        return coupon_view(create_coupon(s.store, s.clock, caller(router), coupon)).model_dump(mode="json")

    return CouponView.model_validate(once(router, body.model_dump(mode="json"), create))


@router.get(
    "/v1/coupons",
    security=BEARER,
    tags=["Discounts"],
)
def get_coupons(limit: Limit = 20, cursor: Cursor = None) -> ListOf[CouponView]:
    """List coupons, newest first (operators).

    Errors: ``invalid_cursor``, ``operator_only``.
    """
    require_operator(caller(router))
    found = services(router).store.list_coupons(page(limit, cursor))
    return ListOf[CouponView](data=[coupon_view(c) for c in found.items], next_cursor=found.next_cursor)


@router.get(
    "/v1/coupons/<coupon_id>",
    security=BEARER,
    tags=["Discounts"],
)
def get_one_coupon(coupon_id: COUPON_ID) -> CouponView:
    """Read one coupon (operators): its terms and how often it was redeemed.

    Errors: ``coupon_not_found``, ``operator_only``.
    """
    return coupon_view(get_coupon(services(router).store, caller(router), coupon_id))


@router.post(
    "/v1/promotion_codes",
    status_code=201,
    security=BEARER,
    tags=["Discounts"],
)
def post_promotion_code(body: PromotionCodeCreate) -> PromotionCodeView:
    """Create a promotion code, or a referral code with ``referrer_account`` (operators).

    Errors: ``coupon_not_found``, ``operator_only``, ``referrer_credit_required``, ``referrer_not_found``.
    """
    s = services(router)

    def create() -> dict[str, object]:
        code = PromotionCode(
            id=new_id("promo"),
            code=body.code,
            coupon_id=body.coupon,
            max_redemptions=body.max_redemptions,
            expires_at=body.expires_at,
            first_time_only=body.first_time_only,
            referrer_account_id=body.referrer_account,
            referrer_credit=body.referrer_credit,
            referrer_currency=body.referrer_currency.upper() if body.referrer_currency else None,
        )
        created = create_promotion_code(s.store, s.accounts, s.clock, caller(router), code)
        return promotion_code_view(created).model_dump(mode="json")

    return PromotionCodeView.model_validate(once(router, body.model_dump(mode="json"), create))


@router.get(
    "/v1/promotion_codes",
    security=BEARER,
    tags=["Discounts"],
)
def get_promotion_codes(limit: Limit = 20, cursor: Cursor = None) -> ListOf[PromotionCodeView]:
    """List promotion and referral codes, newest first (operators).

    Errors: ``invalid_cursor``, ``operator_only``.
    """
    require_operator(caller(router))
    found = services(router).store.list_promotion_codes(page(limit, cursor))
    return ListOf[PromotionCodeView](data=[promotion_code_view(c) for c in found.items], next_cursor=found.next_cursor)
