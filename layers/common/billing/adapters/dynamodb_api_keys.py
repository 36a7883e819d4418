"""API keys in DynamoDB.

Each key is two items written and deleted in one transaction: ``ACCOUNT#<id> / KEY#<key id>`` to list an
account's keys (operator keys under ``OPERATORS``), and ``APIKEY#<sha256> / APIKEY`` for the
authorizer's single GetItem.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from billing.accounts.access import Permission, Role
from billing.accounts.models import ApiKey
from billing.adapters.dynamodb_tables import TableItem, account_pk, transaction_connection

_OPERATORS = "OPERATORS"


class _KeyFields(TableItem):
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


class DynamoApiKeyRepository:
    def add_key(self, key: ApiKey) -> None:
        listed = _key_item(ApiKeyItem, key, _listing_pk(key.account_id), f"KEY#{key.id}")
        lookup = _key_item(ApiKeyLookupItem, key, f"APIKEY#{key.secret_hash}", "APIKEY")
        with TransactWrite(connection=transaction_connection()) as transaction:
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
            with TransactWrite(connection=transaction_connection()) as transaction:
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
