"""In-memory implementations of the ports: the reference models the DynamoDB adapters must match."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from billing.accounts.models import Account, ApiKey
from billing.accounts.portal_sessions import PortalSession
from billing.errors import ConflictError
from billing.ports import Page, PageRequest


class InMemoryAccounts:
    def __init__(self) -> None:
        self.items: dict[str, Account] = {}

    def add(self, account: Account) -> None:
        assert account.id not in self.items
        self.items[account.id] = replace(account, version=1)

    def get(self, account_id: str) -> Account | None:
        return self.items.get(account_id)

    def get_accounts(self, account_ids: Iterable[str]) -> dict[str, Account]:
        return {i: self.items[i] for i in set(account_ids) if i in self.items}

    def list_accounts(self, page: PageRequest, status: str | None = None, email: str | None = None) -> Page[Account]:
        from tests.fakes.billing_store import listed_page  # that module imports this one

        def keep(account: Account) -> bool:
            return (status is None or account.status.value == status) and (
                email is None or str(account.profile.billing_email).lower() == email.lower()
            )

        return listed_page(list(self.items.values()), lambda a: f"{a.created_at.isoformat()}#{a.id}", page, keep)

    def save(self, account: Account) -> Account:
        stored = self.items[account.id]
        if stored.version != account.version:
            raise ConflictError("concurrent_update", "changed meanwhile")
        saved = replace(account, version=account.version + 1)
        self.items[account.id] = saved
        return saved


class InMemoryKeys:
    def __init__(self) -> None:
        self.by_hash: dict[str, ApiKey] = {}

    def add_key(self, key: ApiKey) -> None:
        assert key.secret_hash not in self.by_hash
        self.by_hash[key.secret_hash] = key

    def find_by_hash(self, secret_hash: str) -> ApiKey | None:
        return self.by_hash.get(secret_hash)

    def get_key(self, account_id: str, key_id: str) -> ApiKey | None:
        return next((k for k in self.by_hash.values() if k.id == key_id and k.account_id == account_id), None)

    def list_keys(self, account_id: str) -> list[ApiKey]:
        return [k for k in self.by_hash.values() if k.account_id == account_id]

    def remove_key(self, key: ApiKey) -> None:
        self.by_hash.pop(key.secret_hash, None)


class InMemoryPortalSessions:
    def __init__(self) -> None:
        self.sessions: dict[str, PortalSession] = {}
        self.by_secret: dict[str, str] = {}  # secret hash → session id

    def add_session(self, session: PortalSession) -> None:
        assert session.id not in self.sessions
        self.sessions[session.id] = session

    def find_by_login(self, login_hash: str) -> PortalSession | None:
        return next(
            (
                s
                for s in self.sessions.values()
                if s.login_hash == login_hash and s.opened_at is None and s.ended_at is None
            ),
            None,
        )

    def open_session(self, session: PortalSession, secret_hash: str, at: datetime) -> PortalSession | None:
        stored = self.sessions.get(session.id)
        if stored is None or stored.opened_at is not None or stored.ended_at is not None:
            return None
        opened = replace(stored, opened_at=at, last_seen_at=at)
        self.sessions[session.id] = opened
        self.by_secret[secret_hash] = session.id
        return opened

    def find_by_secret(self, secret_hash: str) -> PortalSession | None:
        found = self.sessions.get(self.by_secret.get(secret_hash, ""))
        return found if found is not None and found.ended_at is None else None

    def touch(self, secret_hash: str, at: datetime) -> None:
        stored = self.sessions.get(self.by_secret.get(secret_hash, ""))
        if stored is not None and stored.ended_at is None:
            self.sessions[stored.id] = replace(stored, last_seen_at=at)

    def get_session(self, account_id: str, session_id: str) -> PortalSession | None:
        found = self.sessions.get(session_id)
        return found if found is not None and found.account_id == account_id else None

    def list_sessions(self, account_id: str) -> list[PortalSession]:
        listed = [s for s in self.sessions.values() if s.account_id == account_id and s.ended_at is None]
        return sorted(listed, key=lambda s: (s.created_at, s.id))

    def end_session(self, session: PortalSession, at: datetime) -> None:
        stored = self.sessions[session.id]
        if stored.ended_at is None:
            self.sessions[session.id] = replace(stored, ended_at=at)
        self.by_secret = {h: i for h, i in self.by_secret.items() if i != session.id}


class InMemoryIdempotency:
    def __init__(self) -> None:
        self.records: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}

    def register_lambda_context(self, context: Any) -> None:
        self.context = context

    def run(self, scope: str, key: str, body: Any, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        fingerprint = json.dumps(body, sort_keys=True)
        if (scope, key) in self.records:
            stored_fingerprint, response = self.records[(scope, key)]
            if stored_fingerprint != fingerprint:
                raise ConflictError("idempotency_key_reused", "other body", "Idempotency-Key")
            return copy.deepcopy(response)
        response = compute()
        self.records[(scope, key)] = (fingerprint, copy.deepcopy(response))
        return response
