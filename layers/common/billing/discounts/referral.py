"""Referral (sponsorship): the referee gets the code's coupon; the referrer gets a balance credit once
the referee's first invoice is paid. One reward per referee, whatever the replays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from billing.discounts.models import PromotionCode
from billing.ledger.account_ledger import EntryKind, LedgerEntry


@dataclass(frozen=True, slots=True)
class ReferralProgram:
    referrer_credit: int  # minor units
    currency: str


def referral_reward(
    program: ReferralProgram,
    code: PromotionCode,
    referee_account_id: str,
    paid_invoice_id: str,
    referee_paid_invoices_before: int,
    at: datetime,
) -> LedgerEntry | None:
    """The referrer's credit entry when this is the referee's first paid invoice, else None."""
    if code.referrer_account_id is None or referee_paid_invoices_before > 0:
        return None
    return LedgerEntry(
        id=f"referral:{referee_account_id}",  # one per referee: a replayed payment posts nothing new
        kind=EntryKind.REFERRAL_CREDIT,
        amount=-program.referrer_credit,
        currency=program.currency,
        at=at,
        reference=paid_invoice_id,
        reason=f"Referral of {referee_account_id}",
    )
