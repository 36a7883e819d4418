"""Accounts in DynamoDB: ``ACCOUNT#<id> / ACCOUNT``, versioned for optimistic concurrency."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pynamodb.attributes import MapAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import PutError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from billing.accounts.models import Account, AccountStatus
from billing.accounts.profile import STORED, BillingProfile
from billing.adapters.dynamodb_items import decode_cursor, encode_cursor
from billing.adapters.dynamodb_tables import TableItem, account_pk
from billing.errors import ConflictError, ErrorCode
from billing.ports import Page, PageRequest

# Every account is listed under one GSI1 partition, newest first: accounts are created a few per second at
# most, far below a partition's 1,000 writes/s, and only operators list them.
ACCOUNTS_LISTING = "ACCOUNTS"


class AccountListing(GlobalSecondaryIndex["AccountItem"]):
    class Meta:
        index_name = "GSI1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class AccountItem(TableItem):
    profile = MapAttribute[str, Any]()
    status = UnicodeAttribute()
    created_at = UnicodeAttribute()
    email = UnicodeAttribute(null=True)  # the billing email in lower case: the operators' filter
    version = VersionAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    listing = AccountListing()


class DynamoAccountRepository:
    def add(self, account: Account) -> None:
        _account_item(account).save(condition=AccountItem.pk.does_not_exist())

    def get(self, account_id: str) -> Account | None:
        try:
            item = AccountItem.get(account_pk(account_id), "ACCOUNT", consistent_read=True)
        except AccountItem.DoesNotExist:
            return None
        return _account(item)

    def get_accounts(self, account_ids: Iterable[str]) -> dict[str, Account]:
        keys = [(account_pk(i), "ACCOUNT") for i in sorted(set(account_ids))]
        found = AccountItem.batch_get(keys, consistent_read=True) if keys else []
        return {account.id: account for account in map(_account, found)}

    def list_accounts(self, page: PageRequest, status: str | None = None, email: str | None = None) -> Page[Account]:
        condition = None
        if status is not None:
            condition = AccountItem.status == status
        if email is not None:
            by_email = AccountItem.email == email.lower()
            condition = by_email if condition is None else condition & by_email
        results = AccountItem.listing.query(
            ACCOUNTS_LISTING,
            scan_index_forward=False,
            limit=page.limit,
            last_evaluated_key=decode_cursor(page.cursor),
            filter_condition=condition,
        )
        accounts = [_account(item) for item in results]
        return Page(accounts, encode_cursor(results.last_evaluated_key))

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


def _account(item: AccountItem) -> Account:
    return Account(
        id=item.pk.removeprefix("ACCOUNT#"),
        profile=BillingProfile.model_validate(item.profile.as_dict(), context=STORED),
        created_at=datetime.fromisoformat(item.created_at),
        status=AccountStatus(item.status),
        version=item.version or 0,
    )


def _account_item(account: Account) -> AccountItem:
    item = AccountItem(
        account_pk(account.id),
        "ACCOUNT",
        profile=account.profile.model_dump(mode="json", exclude_none=True),
        status=account.status.value,
        created_at=account.created_at.isoformat(),
        email=str(account.profile.billing_email).lower(),
        gsi1pk=ACCOUNTS_LISTING,
        gsi1sk=f"{account.created_at.isoformat()}#{account.id}",
    )
    if account.version:
        item.version = account.version
    return item
