"""Request and response bodies of the balance routes: an account's balance, its transactions, adjustments."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator

from billing.clock import isoformat
from billing.http.schema import (
    Currency,
    Strict,
    Text,
)
from billing.ledger.account_ledger import LedgerEntry


class BalanceView(BaseModel):
    object: Literal["balance"] = "balance"
    account: str
    currency: str
    balance: int = Field(description="What the account owes; negative: credit in its favour.")
    credit_available: int
    amount_owed: int


class BalanceTransactionView(BaseModel):
    id: str
    object: Literal["balance_transaction"] = "balance_transaction"
    type: str
    amount: int
    currency: str
    created: str
    reference: str | None
    reason: str | None

    @classmethod
    def of(cls, entry: LedgerEntry) -> BalanceTransactionView:
        return cls(
            id=entry.id,
            type=entry.kind.value,
            amount=entry.amount,
            currency=entry.currency,
            created=isoformat(entry.at),
            reference=entry.reference,
            reason=entry.reason,
        )


class AdjustmentCreate(Strict):
    amount: Annotated[int, Field(ge=-(10**12), le=10**12)] = Field(
        description="Positive: the account owes more; negative: credit in its favour."
    )
    currency: Currency
    reason: Text

    @field_validator("amount")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("an adjustment is not zero")
        return value


# --- usage -------------------------------------------------------------------------------------------
