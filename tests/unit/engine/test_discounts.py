from dataclasses import replace
from decimal import Decimal

import pytest

from billing.discounts.models import Coupon, Duration, PromotionCode
from billing.discounts.redeem import redeem_coupon, redeem_promotion_code
from billing.discounts.referral import referral_reward
from billing.errors import BusinessRuleError, InvalidInputError
from billing.invoices.assemble_invoice import assemble_invoice
from billing.invoices.models import BillingReason, InvoiceLine, Section
from billing.ledger.account_ledger import AccountLedger
from tests.unit.engine.catalog import at, french_context

LINE = InvoiceLine(Section.RECURRING, "Plan", "EUR", 10000)


def test_percent_discount_comes_off_before_tax():
    _, applied = redeem_coupon(Coupon("c10", Duration.FOREVER, percent_off=Decimal(10)), at(2026, 1, 1))
    invoice = assemble_invoice(
        replace(french_context(), discount=applied), [LINE], BillingReason.MANUAL, at(2026, 2, 1)
    )
    assert invoice.discounts[0].amount == 1000
    assert invoice.taxes[0].taxable_amount == 9000
    assert invoice.total == 10800


def test_amount_off_never_exceeds_the_subtotal_and_only_in_its_currency():
    _, applied = redeem_coupon(Coupon("c200", Duration.ONCE, amount_off=20000, currency="EUR"), at(2026, 1, 1))
    invoice = assemble_invoice(
        replace(french_context(), discount=applied), [LINE], BillingReason.MANUAL, at(2026, 1, 2)
    )
    assert (invoice.discounts[0].amount, invoice.total, invoice.amount_due) == (10000, 0, 0)


def test_repeating_coupon_stops_after_its_months():
    _, applied = redeem_coupon(
        Coupon("c3m", Duration.REPEATING, percent_off=Decimal(50), duration_in_months=3), at(2026, 1, 31)
    )
    assert applied.end == at(2026, 4, 30)
    assert applied.applies_on(at(2026, 4, 29))
    assert not applied.applies_on(at(2026, 4, 30))


def test_limits_and_expiry():
    coupon = Coupon("c", Duration.ONCE, percent_off=Decimal(5), max_redemptions=1, redeem_by=at(2026, 6, 1))
    used, _ = redeem_coupon(coupon, at(2026, 1, 1))
    with pytest.raises(BusinessRuleError, match="fully redeemed"):
        redeem_coupon(used, at(2026, 1, 2))
    with pytest.raises(BusinessRuleError):
        redeem_coupon(coupon, at(2026, 6, 1))
    with pytest.raises(InvalidInputError):
        Coupon("bad", Duration.ONCE, percent_off=Decimal(5), amount_off=100, currency="EUR")


def test_promotion_codes_and_referrals():
    coupon = Coupon("welcome", Duration.ONCE, percent_off=Decimal(20))
    code = PromotionCode(
        "promo_1",
        "PARRAIN-ACME",
        "welcome",
        referrer_account_id="acct_referrer",
        referrer_credit=2000,
        referrer_currency="EUR",
        first_time_only=True,
    )
    with pytest.raises(BusinessRuleError, match="own referral"):
        redeem_promotion_code(code, coupon, at(2026, 1, 1), "acct_referrer", False)
    with pytest.raises(BusinessRuleError, match="new customers"):
        redeem_promotion_code(code, coupon, at(2026, 1, 1), "acct_old", True)
    code, coupon, applied = redeem_promotion_code(code, coupon, at(2026, 1, 1), "acct_new", False)
    assert (code.times_redeemed, coupon.times_redeemed, applied.promotion_code_id) == (1, 1, "promo_1")

    reward = referral_reward(code, "acct_new", "in_1", at(2026, 2, 1))
    ledger = AccountLedger("acct_referrer", "EUR")
    ledger.post(reward)
    # A replayed webhook, then the referee's second paid invoice: the same entry, posted once.
    ledger.post(referral_reward(code, "acct_new", "in_1", at(2026, 2, 2)))
    ledger.post(referral_reward(code, "acct_new", "in_2", at(2026, 3, 1)))
    assert ledger.credit_available() == 2000
    assert referral_reward(replace(code, referrer_account_id=None), "acct_new", "in_1", at(2026, 2, 1)) is None


def test_a_once_coupon_is_spent_by_the_first_invoice_it_reduces():
    from billing.discounts.apply_discount import remaining_discount

    _, once = redeem_coupon(Coupon("first", Duration.ONCE, percent_off=Decimal(50)), at(2026, 1, 1))
    _, forever = redeem_coupon(Coupon("always", Duration.FOREVER, percent_off=Decimal(5)), at(2026, 1, 1))
    assert remaining_discount(once, discounted=False) is once
    assert remaining_discount(once, discounted=True) is None
    assert remaining_discount(forever, discounted=True) is forever
