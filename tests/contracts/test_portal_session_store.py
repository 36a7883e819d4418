"""The portal session store: a login token opens once, a secret finds its session while it lasts, a use is
recorded, and an ended session is found by neither."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from billing.accounts.portal_sessions import PortalSession
from billing.ids import new_id

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def new_session(account_id: str, login_hash: str) -> PortalSession:
    return PortalSession(
        id=new_id("ps"),
        account_id=account_id,
        created_by="key_creator",
        created_at=NOW,
        locale="fr",
        return_url="https://app.example.com/account",
        login_hash=login_hash,
    )


def test_a_login_opens_once_and_the_secret_finds_the_session(portal_sessions):
    account_id = new_id("acct")
    session = new_session(account_id, "a" * 64)
    portal_sessions.add_session(session)
    assert portal_sessions.find_by_login("a" * 64) == session
    assert portal_sessions.find_by_secret("b" * 64) is None
    # Opening consumes the login token
    opened = portal_sessions.open_session(session, "b" * 64, NOW + timedelta(minutes=1))
    assert opened == replace(session, opened_at=NOW + timedelta(minutes=1), last_seen_at=NOW + timedelta(minutes=1))
    assert portal_sessions.find_by_login("a" * 64) is None
    assert portal_sessions.open_session(session, "c" * 64, NOW + timedelta(minutes=2)) is None
    assert portal_sessions.find_by_secret("c" * 64) is None
    assert portal_sessions.find_by_secret("b" * 64) == opened
    # A use is recorded on what the secret finds
    portal_sessions.touch("b" * 64, NOW + timedelta(minutes=30))
    assert portal_sessions.find_by_secret("b" * 64).last_seen_at == NOW + timedelta(minutes=30)
    assert [s.id for s in portal_sessions.list_sessions(account_id)] == [session.id]
    assert portal_sessions.get_session(account_id, session.id).opened_at == NOW + timedelta(minutes=1)
    assert portal_sessions.get_session(new_id("acct"), session.id) is None


def test_an_ended_session_is_found_by_neither_its_login_nor_its_secret(portal_sessions):
    account_id = new_id("acct")
    unopened, opened = new_session(account_id, "d" * 64), new_session(account_id, "e" * 64)
    for session in (unopened, opened):
        portal_sessions.add_session(session)
    portal_sessions.open_session(opened, "f" * 64, NOW)
    for session in (unopened, opened):
        portal_sessions.end_session(session, NOW + timedelta(minutes=5))
    assert portal_sessions.find_by_login("d" * 64) is None
    assert portal_sessions.open_session(unopened, "g" * 64, NOW + timedelta(minutes=6)) is None
    assert portal_sessions.find_by_secret("f" * 64) is None
    portal_sessions.touch("f" * 64, NOW + timedelta(minutes=7))  # a late use does not bring it back
    assert portal_sessions.find_by_secret("f" * 64) is None
    assert portal_sessions.list_sessions(account_id) == []
    assert portal_sessions.get_session(account_id, opened.id).ended_at == NOW + timedelta(minutes=5)
