"""API key secrets: generated here, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets

SECRET_PREFIX = "bk_"  # noqa: S105 - a prefix, not a secret


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    # 256 random bits need no slow password hash: a plain SHA-256 cannot be brute-forced, and the
    # authorizer can look the key up by its hash in one read.
    return hashlib.sha256(secret.encode()).hexdigest()
