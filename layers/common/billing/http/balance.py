"""Account balance routes: the balance, its transactions, operators' adjustments."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from billing.balance.adjust_balance import adjust_balance
from billing.errors import ErrorCode, InvalidInputError
from billing.http.account_views import ACCOUNT_ID_PATTERN
from billing.http.balance_views import AdjustmentCreate, BalanceTransactionView, BalanceView
from billing.http.routing import BEARER, Cursor, Limit, ListOf, caller, once, services
from billing.ledger.read_balance import balance_of, read_ledger

router = Router()
ACCOUNT_ID = Annotated[str, Path(pattern=ACCOUNT_ID_PATTERN)]


@router.get(
    "/v1/accounts/<account_id>/balance",
    security=BEARER,
    tags=["Balance"],
)
def get_balance(account_id: ACCOUNT_ID) -> BalanceView:
    """The balance is the sum of the account's ledger entries (one read).

    Errors: ``account_not_found``.
    """
    balance = balance_of(read_ledger(services(router).store, caller(router), account_id))
    return BalanceView(
        account=account_id,
        currency=balance.currency,
        balance=balance.balance,
        credit_available=balance.credit_available,
        amount_owed=balance.amount_owed,
    )


@router.get(
    "/v1/accounts/<account_id>/balance_transactions",
    security=BEARER,
    tags=["Balance"],
)
def get_balance_transactions(
    account_id: ACCOUNT_ID, limit: Limit = 20, cursor: Cursor = None
) -> ListOf[BalanceTransactionView]:
    """Ledger entries, newest first.

    Errors: ``account_not_found``, ``invalid_cursor``.
    """
    entries = list(reversed(read_ledger(services(router).store, caller(router), account_id).entries))
    try:
        start = int(cursor) if cursor else 0
    except ValueError as error:
        raise InvalidInputError(ErrorCode.INVALID_CURSOR, "This cursor is not one we issued.", "cursor") from error
    chunk = entries[start : start + limit]
    following = str(start + limit) if start + limit < len(entries) else None
    return ListOf[BalanceTransactionView](data=[BalanceTransactionView.of(e) for e in chunk], next_cursor=following)


@router.post(
    "/v1/accounts/<account_id>/balance_transactions",
    status_code=201,
    security=BEARER,
    tags=["Balance"],
)
def post_adjustment(account_id: ACCOUNT_ID, body: AdjustmentCreate) -> BalanceTransactionView:
    """A manual adjustment with its reason (operators); a credit settles open invoices first.

    Errors: ``account_not_found``, ``operator_only``.
    """
    s = services(router)

    def run() -> dict[str, object]:
        entry = adjust_balance(
            s.store, s.clock, caller(router), account_id, body.amount, body.currency.upper(), body.reason
        )
        return BalanceTransactionView.of(entry).model_dump(mode="json")

    return BalanceTransactionView.model_validate(once(router, body.model_dump(mode="json"), run))
