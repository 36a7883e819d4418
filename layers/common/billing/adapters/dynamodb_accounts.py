"""Accounts in DynamoDB: ``ACCOUNT#<id> / ACCOUNT``, versioned for optimistic concurrency."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.attributes import MapAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import PutError

from billing.accounts.models import Account, AccountStatus
from billing.accounts.profile import BillingProfile
from billing.adapters.dynamodb_tables import TableItem, account_pk
from billing.errors import ConflictError, ErrorCode


class AccountItem(TableItem):
    profile = MapAttribute[str, Any]()
    status = UnicodeAttribute()
    created_at = UnicodeAttribute()
    version = VersionAttribute()


class DynamoAccountRepository:
    def add(self, account: Account) -> None:
        _account_item(account).save(condition=AccountItem.pk.does_not_exist())

    def get(self, account_id: str) -> Account | None:
        try:
            item = AccountItem.get(account_pk(account_id), "ACCOUNT", consistent_read=True)
        except AccountItem.DoesNotExist:
            return None
        return Account(
            id=account_id,
            profile=BillingProfile.model_validate(item.profile.as_dict()),
            created_at=datetime.fromisoformat(item.created_at),
            status=AccountStatus(item.status),
            version=item.version or 0,
        )

    def save(self, account: Account) -> Account:
        item = _account_item(account)
        try:
            item.save()  # VersionAttribute adds "version = <read version>" to the condition
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise ConflictError(
                    ErrorCode.CONCURRENT_UPDATE, "The account changed meanwhile; read it again and retry."
                ) from error
            raise
        return Account(
            id=account.id,
            profile=account.profile,
            created_at=account.created_at,
            status=account.status,
            version=item.version or 0,
        )


def _account_item(account: Account) -> AccountItem:
    item = AccountItem(
        account_pk(account.id),
        "ACCOUNT",
        profile=account.profile.model_dump(mode="json", exclude_none=True),
        status=account.status.value,
        created_at=account.created_at.isoformat(),
    )
    if account.version:
        item.version = account.version
    return item
