"""The caller, as the Lambda authorizer describes it in the request context (flat strings, as API Gateway
carries them). Outside billing.http, whose package imports pydantic: the authorizer needs neither."""

from __future__ import annotations

from typing import Any

from billing.accounts.access import Permission, Principal, Role
from billing.errors import AuthenticationError, ErrorCode


def principal_from_event(event: dict[str, Any]) -> Principal:
    context = (event.get("requestContext") or {}).get("authorizer") or {}
    try:
        role = Role(context["role"])
        key_id = str(context["key_id"])
    except (KeyError, ValueError) as error:
        # Only reachable if a route was declared without the authorizer: fail closed.
        raise AuthenticationError(ErrorCode.MISSING_API_KEY, "This route needs an API key.") from error
    permissions = frozenset(Permission(p) for p in str(context.get("permissions") or "").split(",") if p)
    return Principal(role=role, key_id=key_id, account_id=context.get("account_id") or None, permissions=permissions)


def authorizer_context(principal: Principal) -> dict[str, str]:
    """What the authorizer passes on: API Gateway only carries flat string values."""
    return {
        "role": principal.role.value,
        "key_id": principal.key_id,
        "account_id": principal.account_id or "",
        "permissions": ",".join(sorted(p.value for p in principal.permissions)),
    }
