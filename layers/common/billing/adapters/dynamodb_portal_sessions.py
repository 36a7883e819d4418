"""Portal sessions in DynamoDB (docs/data-model.md).

A session is ``ACCOUNT#<id> / PORTAL#<session id>`` (listed under its account, ended ones kept a while for
the record), plus one lookup item at a time for a single GetItem: ``PORTALLOGIN#<sha256>`` until the login
token is used, then ``PORTALSESSION#<sha256>`` of the secret. Opening swaps them in one transaction, so a
token opens one session once; ending deletes the lookups, so nothing authenticates after it returns.
DynamoDB's TTL clears what expired (the code checks expiry itself: TTL deletes late).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from billing.accounts.portal_sessions import IDLE_LIMIT, LOGIN_WINDOW, PortalSession
from billing.adapters.dynamodb_tables import TableItem, account_pk, transaction_connection

KEPT_FOR = timedelta(days=90)  # an ended session stays listed this long, for the account's record


class _SessionFields(TableItem):
    session_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    locale = UnicodeAttribute()
    return_url = UnicodeAttribute(null=True)
    login_hash = UnicodeAttribute()
    secret_hash = UnicodeAttribute(null=True)
    opened_at = UnicodeAttribute(null=True)
    last_seen_at = UnicodeAttribute(null=True)
    ended_at = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)  # DynamoDB TTL, epoch seconds


class PortalSessionItem(_SessionFields):
    """Listed under its account."""


class PortalLoginItem(_SessionFields):
    """Found by its login token's hash, until it is opened."""


class PortalSecretItem(_SessionFields):
    """Found by its secret's hash, while it lasts."""


def _listed_key(account_id: str, session_id: str) -> tuple[str, str]:
    return account_pk(account_id), f"PORTAL#{session_id}"


def _login_key(login_hash: str) -> tuple[str, str]:
    return f"PORTALLOGIN#{login_hash}", "PORTALLOGIN"


def _secret_key(secret_hash: str) -> tuple[str, str]:
    return f"PORTALSESSION#{secret_hash}", "PORTALSESSION"


class DynamoPortalSessionStore:
    def add_session(self, session: PortalSession) -> None:
        with TransactWrite(connection=transaction_connection()) as transaction:
            transaction.save(
                _item(PortalSessionItem, session, _listed_key(session.account_id, session.id), KEPT_FOR),
                condition=PortalSessionItem.pk.does_not_exist(),
            )
            transaction.save(
                _item(PortalLoginItem, session, _login_key(session.login_hash), LOGIN_WINDOW),
                condition=PortalLoginItem.pk.does_not_exist(),
            )

    def find_by_login(self, login_hash: str) -> PortalSession | None:
        try:
            return _session(PortalLoginItem.get(*_login_key(login_hash), consistent_read=True))
        except PortalLoginItem.DoesNotExist:
            return None

    def open_session(self, session: PortalSession, secret_hash: str, at: datetime) -> PortalSession | None:
        opened = replace(session, opened_at=at, last_seen_at=at)
        listed = PortalSessionItem(*_listed_key(session.account_id, session.id))
        try:
            with TransactWrite(connection=transaction_connection()) as transaction:
                transaction.delete(
                    PortalLoginItem(*_login_key(session.login_hash)), condition=PortalLoginItem.pk.exists()
                )
                transaction.save(
                    _item(PortalSecretItem, opened, _secret_key(secret_hash), IDLE_LIMIT, secret_hash),
                    condition=PortalSecretItem.pk.does_not_exist(),
                )
                transaction.update(
                    listed,
                    actions=[
                        PortalSessionItem.secret_hash.set(secret_hash),
                        PortalSessionItem.opened_at.set(at.isoformat()),
                        PortalSessionItem.last_seen_at.set(at.isoformat()),
                    ],
                    condition=PortalSessionItem.opened_at.does_not_exist()
                    & PortalSessionItem.ended_at.does_not_exist(),
                )
        except TransactWriteError as error:
            if error.cause_response_code != "TransactionCanceledException":
                raise
            return None  # opened (or ended) meanwhile: the token was one-time
        return opened

    def find_by_secret(self, secret_hash: str) -> PortalSession | None:
        try:
            return _session(PortalSecretItem.get(*_secret_key(secret_hash), consistent_read=True))
        except PortalSecretItem.DoesNotExist:
            return None

    def touch(self, secret_hash: str, at: datetime) -> None:
        try:
            PortalSecretItem(*_secret_key(secret_hash)).update(
                actions=[
                    PortalSecretItem.last_seen_at.set(at.isoformat()),
                    PortalSecretItem.expires_at.set(int((at + IDLE_LIMIT).timestamp())),
                ],
                condition=PortalSecretItem.pk.exists(),
            )
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise  # else ended meanwhile: it stays ended

    def get_session(self, account_id: str, session_id: str) -> PortalSession | None:
        try:
            return _session(PortalSessionItem.get(*_listed_key(account_id, session_id), consistent_read=True))
        except PortalSessionItem.DoesNotExist:
            return None

    def list_sessions(self, account_id: str) -> list[PortalSession]:
        items = PortalSessionItem.query(
            account_pk(account_id),
            PortalSessionItem.sk.startswith("PORTAL#"),
            filter_condition=PortalSessionItem.ended_at.does_not_exist(),
            consistent_read=True,
        )
        return sorted((_session(item) for item in items), key=lambda s: (s.created_at, s.id))

    def end_session(self, session: PortalSession, at: datetime) -> None:
        listed = PortalSessionItem.get(*_listed_key(session.account_id, session.id), consistent_read=True)
        with TransactWrite(connection=transaction_connection()) as transaction:
            transaction.update(
                listed,
                actions=[
                    PortalSessionItem.ended_at.set(at.isoformat()),
                    PortalSessionItem.expires_at.set(int((at + KEPT_FOR).timestamp())),
                ],
            )
            transaction.delete(PortalLoginItem(*_login_key(listed.login_hash)))
            if listed.secret_hash is not None:
                transaction.delete(PortalSecretItem(*_secret_key(listed.secret_hash)))


def _item(
    model: type[_SessionFields],
    session: PortalSession,
    key: tuple[str, str],
    lasts: timedelta,
    secret_hash: str | None = None,
) -> _SessionFields:
    since = session.last_seen_at or session.created_at
    return model(
        *key,
        session_id=session.id,
        account_id=session.account_id,
        created_by=session.created_by,
        created_at=session.created_at.isoformat(),
        locale=session.locale,
        return_url=session.return_url,
        login_hash=session.login_hash,
        secret_hash=secret_hash,
        opened_at=session.opened_at.isoformat() if session.opened_at else None,
        last_seen_at=session.last_seen_at.isoformat() if session.last_seen_at else None,
        ended_at=None,
        expires_at=int((since + lasts).timestamp()),
    )


def _session(item: _SessionFields) -> PortalSession:
    def instant(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    return PortalSession(
        id=item.session_id,
        account_id=item.account_id,
        created_by=item.created_by,
        created_at=datetime.fromisoformat(item.created_at),
        locale=item.locale,
        return_url=item.return_url,
        login_hash=item.login_hash,
        opened_at=instant(item.opened_at),
        last_seen_at=instant(item.last_seen_at),
        ended_at=instant(item.ended_at),
    )
