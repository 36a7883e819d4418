"""Registration ids and link tokens: what ties an AWS buyer to one registration, and a registration to an
account, without the token ever being stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def registration_id(customer_identifier: str) -> str:
    """One registration per AWS customer: a token replayed, or resolved twice, lands on the same id."""
    return "mpreg_" + hashlib.sha256(customer_identifier.encode()).hexdigest()[:20]


def new_link_token() -> tuple[str, str]:
    """(the token for the landing page, its hash to store)."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash(token), stored_hash)
