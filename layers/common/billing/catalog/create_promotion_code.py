"""An operator gives a coupon a code customers type (case-insensitive, unique)."""

from __future__ import annotations

from dataclasses import replace

from billing.accounts.access import Principal, require_operator
from billing.accounts.ports import AccountRepository
from billing.batch import WriteBatch
from billing.catalog.ports import CatalogStore
from billing.clock import Clock
from billing.discounts.models import PromotionCode
from billing.errors import BusinessRuleError, ConflictError, ErrorCode, InvalidInputError


def create_promotion_code(
    store: CatalogStore, accounts: AccountRepository, clock: Clock, principal: Principal, code: PromotionCode
) -> PromotionCode:
    require_operator(principal)
    if code.is_referral:
        _check_referral(accounts, code)
    if store.get_coupon(code.coupon_id) is None:
        raise InvalidInputError(ErrorCode.COUPON_NOT_FOUND, f"No coupon {code.coupon_id}.", "coupon")
    if store.find_promotion_code(code.code) is not None:
        raise ConflictError(ErrorCode.PROMOTION_CODE_EXISTS, f"Code {code.code} is taken.", "code")
    code = replace(code, code=code.code.upper(), created=clock.now(), times_redeemed=0)
    store.commit(WriteBatch(promotion_codes=[(code, 0)]))
    return code


def _check_referral(accounts: AccountRepository, code: PromotionCode) -> None:
    """A referral code credits a referrer who exists, with an amount said up front."""
    if not code.referrer_credit or code.referrer_currency is None:
        raise InvalidInputError(
            ErrorCode.REFERRER_CREDIT_REQUIRED,
            "Say what the referrer gets: referrer_credit and referrer_currency.",
            "referrer_credit",
        )
    assert code.referrer_account_id is not None
    if accounts.get(code.referrer_account_id) is None:
        raise BusinessRuleError(
            ErrorCode.REFERRER_NOT_FOUND,
            f"No account {code.referrer_account_id} to credit for this referral code.",
            "referrer_account",
        )
