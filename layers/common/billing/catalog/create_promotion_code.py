"""An operator gives a coupon a code customers type (case-insensitive, unique)."""

from __future__ import annotations

from dataclasses import replace

from billing.accounts.access import Principal, require_operator
from billing.batch import WriteBatch
from billing.catalog.ports import CatalogStore
from billing.clock import Clock
from billing.discounts.models import PromotionCode
from billing.errors import ConflictError, ErrorCode, InvalidInputError


def create_promotion_code(
    store: CatalogStore, clock: Clock, principal: Principal, code: PromotionCode
) -> PromotionCode:
    require_operator(principal)
    if store.get_coupon(code.coupon_id) is None:
        raise InvalidInputError(ErrorCode.COUPON_NOT_FOUND, f"No coupon {code.coupon_id}.", "coupon")
    if store.find_promotion_code(code.code) is not None:
        raise ConflictError(ErrorCode.PROMOTION_CODE_EXISTS, f"Code {code.code} is taken.", "code")
    code = replace(code, code=code.code.upper(), created=clock.now(), times_redeemed=0)
    store.commit(WriteBatch(promotion_codes=[(code, 0)]))
    return code
