"""Identifiers prefixed by type (``acct_``, ``key_``), random and URL-safe."""

from __future__ import annotations

import secrets


def new_id(prefix: str) -> str:
    # 80 random bits in lowercase hex: unguessable and readable in logs.
    return f"{prefix}_{secrets.token_hex(10)}"
