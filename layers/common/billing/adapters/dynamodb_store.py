"""Accounts and API keys in the single DynamoDB table, through PynamoDB.

Key design (see docs/data-model.md): an account is ``ACCOUNT#<id> / ACCOUNT``; each of its keys is listed
under ``ACCOUNT#<id> / KEY#<key id>`` and found by the authorizer under ``APIKEY#<sha256> / APIKEY``.
The two key items are written and deleted together in one transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.attributes import MapAttribute, UnicodeAttribute, UnicodeSetAttribute, VersionAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from billing.accounts.access import Permission, Role
from billing.accounts.models import Account, AccountStatus, ApiKey
from billing.accounts.profile import BillingProfile
from billing.errors import ConflictError

_OPERATORS = "OPERATORS"


class _Item(Model):
    class Meta:
        table_name = "unbound"  # set by bind_table() on first use, never at import

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class AccountItem(_Item):
    profile = MapAttribute[str, Any]()
    status = UnicodeAttribute()
    created_at = UnicodeAttribute()
    version = VersionAttribute()


class _KeyFields(_Item):
    key_id = UnicodeAttribute()
    role = UnicodeAttribute()
    permissions = UnicodeSetAttribute(null=True)
    created_at = UnicodeAttribute()
    last4 = UnicodeAttribute()
    secret_hash = UnicodeAttribute()
    account_id = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)


class ApiKeyItem(_KeyFields):
    """Listed under its account (or under OPERATORS)."""


class ApiKeyLookupItem(_KeyFields):
    """Found by the hash of its secret."""


_MODELS: tuple[type[_Item], ...] = (AccountItem, ApiKeyItem, ApiKeyLookupItem)


def bind_table(table_name: str) -> None:
    """Point every model at the stack's table (names come from settings, not from code)."""
    for model in _MODELS:
        if model.Meta.table_name != table_name:
            model.Meta.table_name = table_name
            model._connection = None


def account_pk(account_id: str) -> str:
    return f"ACCOUNT#{account_id}"


class DynamoAccountRepository:
    def add(self, account: Account) -> None:
        item = _account_item(account)
        item.save(condition=AccountItem.pk.does_not_exist())

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
                    "concurrent_update", "The account changed meanwhile; read it again and retry."
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


class DynamoApiKeyRepository:
    def add_key(self, key: ApiKey) -> None:
        listed = _key_item(ApiKeyItem, key, _listing_pk(key.account_id), f"KEY#{key.id}")
        lookup = _key_item(ApiKeyLookupItem, key, f"APIKEY#{key.secret_hash}", "APIKEY")
        with TransactWrite(connection=Connection()) as transaction:
            transaction.save(lookup, condition=ApiKeyLookupItem.pk.does_not_exist())
            transaction.save(listed, condition=ApiKeyItem.pk.does_not_exist())

    def find_by_hash(self, secret_hash: str) -> ApiKey | None:
        try:
            return _api_key(ApiKeyLookupItem.get(f"APIKEY#{secret_hash}", "APIKEY", consistent_read=True))
        except ApiKeyLookupItem.DoesNotExist:
            return None

    def get_key(self, account_id: str, key_id: str) -> ApiKey | None:
        try:
            return _api_key(ApiKeyItem.get(_listing_pk(account_id), f"KEY#{key_id}", consistent_read=True))
        except ApiKeyItem.DoesNotExist:
            return None

    def list_keys(self, account_id: str) -> list[ApiKey]:
        items = ApiKeyItem.query(_listing_pk(account_id), ApiKeyItem.sk.startswith("KEY#"))
        return [_api_key(item) for item in items]

    def remove_key(self, key: ApiKey) -> None:
        try:
            with TransactWrite(connection=Connection()) as transaction:
                transaction.delete(
                    ApiKeyItem(_listing_pk(key.account_id), f"KEY#{key.id}"),
                    condition=ApiKeyItem.pk.exists(),
                )
                transaction.delete(ApiKeyLookupItem(f"APIKEY#{key.secret_hash}", "APIKEY"))
        except TransactWriteError as error:
            if error.cause_response_code != "TransactionCanceledException":
                raise
            # Already revoked by a concurrent request: the outcome the caller wanted.


def _listing_pk(account_id: str | None) -> str:
    return account_pk(account_id) if account_id else _OPERATORS


def _key_item(model: type[_KeyFields], key: ApiKey, pk: str, sk: str) -> _KeyFields:
    return model(
        pk,
        sk,
        key_id=key.id,
        role=key.role.value,
        permissions={p.value for p in key.permissions} or None,
        created_at=key.created_at.isoformat(),
        last4=key.last4,
        secret_hash=key.secret_hash,
        account_id=key.account_id,
        name=key.name,
    )


def _api_key(item: _KeyFields) -> ApiKey:
    return ApiKey(
        id=item.key_id,
        role=Role(item.role),
        permissions=frozenset(Permission(p) for p in item.permissions or ()),
        created_at=datetime.fromisoformat(item.created_at),
        last4=item.last4,
        secret_hash=item.secret_hash,
        account_id=item.account_id,
        name=item.name,
    )
