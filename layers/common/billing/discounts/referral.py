"""Referral (sponsorship): the referee gets the code's coupon; the referrer gets a balance credit once
the referee's first invoice is paid. One reward per referee, whatever the replays."""

from __future__ import annotations

from datetime import datetime

from billing.discounts.models import PromotionCode
from billing.ledger.account_ledger import EntryKind, LedgerEntry


def referral_reward(
    code: PromotionCode, referee_account_id: str, paid_invoice_id: str, at: datetime
) -> LedgerEntry | None:
    """The referrer's credit entry for the referee's first paid invoice (None for a plain promotion code).
    Its id names the referee: the referrer's ledger takes it once, whichever invoice and however often."""
    if code.referrer_account_id is None or not code.referrer_credit or code.referrer_currency is None:
        return None
    return LedgerEntry(
        id=referral_entry_id(referee_account_id),
        kind=EntryKind.REFERRAL_CREDIT,
        amount=-code.referrer_credit,
        currency=code.referrer_currency,
        at=at,
        reference=paid_invoice_id,
        reason=f"Referral of {referee_account_id}",
    )


def referral_entry_id(referee_account_id: str) -> str:
    return f"referral:{referee_account_id}"
