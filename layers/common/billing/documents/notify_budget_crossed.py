"""Email the billing contact that a budget threshold was reached, once per threshold and month."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from billing.documents.emails import BUDGET_BASIS, BUDGET_BODY, BUDGET_SCOPE, BUDGET_SUBJECT, BUDGET_TAX
from billing.documents.services import DocumentServices, claim_once, money_text


def notify_budget_crossed(services: DocumentServices, detail: Mapping[str, Any]) -> bool:
    account = services.accounts.get(str(detail["account"]))
    key = f"{detail['budget']}:{detail['month']}:{detail['basis']}:{detail['percent']}"
    if account is None or not claim_once(services, f"email:budget:{key}"):
        return False
    locale = account.profile.locale.value
    currency = str(detail["currency"])
    if detail["measure"] == "quantity":
        unit = f" {detail['meter']}"
        value = format_decimal(Decimal(str(detail["value"])), locale=locale) + unit
        limit = format_decimal(Decimal(str(detail["limit"])), locale=locale) + unit
        tax = ""
    else:
        value = money_text(int(detail["value"]), currency, locale)
        limit = money_text(int(detail["limit"]), currency, locale)
        tax = BUDGET_TAX[locale]
    basis = BUDGET_BASIS[(locale, str(detail["basis"]))]
    month = format_date(date.fromisoformat(f"{detail['month']}-01"), "LLLL y", locale=locale)
    fields = {
        "name": detail["name"],
        "percent": detail["percent"],
        "basis": basis,
        "month": month,
        "value": value,
        "limit": limit,
        "tax": tax,
        "scope": detail["meter"] or BUDGET_SCOPE[locale],
        "seller": services.seller.legal_name,
    }
    services.mailer.send(
        to=str(account.profile.billing_email),
        subject=BUDGET_SUBJECT[locale].format(**fields),
        text=BUDGET_BODY[locale].format(**fields),
    )
    return True
