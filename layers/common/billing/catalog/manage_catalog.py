"""The seller's catalog: products, prices, coupons and promotion codes (operators write, all read)."""

from __future__ import annotations

from dataclasses import replace

from billing.accounts.access import Principal, require_operator
from billing.batch import WriteBatch
from billing.catalog.models import Price, Product
from billing.clock import Clock
from billing.discounts.models import Coupon, PromotionCode
from billing.errors import ConflictError, ErrorCode, InvalidInputError, NotFoundError
from billing.ports import BillingStore


def create_product(store: BillingStore, clock: Clock, principal: Principal, product: Product) -> Product:
    require_operator(principal)
    product = replace(product, created=clock.now())
    store.commit(WriteBatch(products=[product]))
    return product


def create_price(store: BillingStore, clock: Clock, principal: Principal, price: Price) -> Price:
    """Prices are immutable once created: a new price is a new id (grandfathering)."""
    require_operator(principal)
    if store.get_product(price.product_id) is None:
        raise InvalidInputError(ErrorCode.PRODUCT_NOT_FOUND, f"No product {price.product_id}.", "product")
    price = replace(price, created=clock.now())
    store.commit(WriteBatch(prices=[price]))
    return price


def get_price(store: BillingStore, price_id: str) -> Price:
    price = store.get_price(price_id)
    if price is None:
        raise NotFoundError(ErrorCode.PRICE_NOT_FOUND, f"No price {price_id}.", "price_id")
    return price


def create_coupon(store: BillingStore, clock: Clock, principal: Principal, coupon: Coupon) -> Coupon:
    require_operator(principal)
    if store.get_coupon(coupon.id) is not None:
        raise ConflictError(ErrorCode.COUPON_EXISTS, f"Coupon {coupon.id} already exists.", "id")
    coupon = replace(coupon, created=clock.now(), times_redeemed=0)
    store.commit(WriteBatch(coupons=[(coupon, 0)]))
    return coupon


def create_promotion_code(
    store: BillingStore, clock: Clock, principal: Principal, code: PromotionCode
) -> PromotionCode:
    require_operator(principal)
    if store.get_coupon(code.coupon_id) is None:
        raise InvalidInputError(ErrorCode.COUPON_NOT_FOUND, f"No coupon {code.coupon_id}.", "coupon")
    if store.find_promotion_code(code.code) is not None:
        raise ConflictError(ErrorCode.PROMOTION_CODE_EXISTS, f"Code {code.code} is taken.", "code")
    code = replace(code, code=code.code.upper(), created=clock.now(), times_redeemed=0)
    store.commit(WriteBatch(promotion_codes=[(code, 0)]))
    return code
