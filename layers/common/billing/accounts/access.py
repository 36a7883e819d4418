"""Who is calling, and what they may touch.

Object-level authorization lives here, in one function every use case calls: another account's object
answers "not found" (never "forbidden", which would confirm it exists).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from billing.errors import ErrorCode, ForbiddenError, NotFoundError


class Role(StrEnum):
    OPERATOR = "operator"  # the seller's back office: every account, the catalog
    OWNER = "owner"  # everything on its own account, including keys and plan changes
    MEMBER = "member"  # what its permissions say, on its own account


class Permission(StrEnum):
    BILLING_READ = "billing.read"
    BILLING_MANAGE = "billing.manage"


PORTAL_SESSION_ID_PREFIX = "ps_"  # billing/accounts/portal_sessions.py names its sessions so

# What each role may do on its own account; a member's key carries its own subset.
OWNER_PERMISSIONS = frozenset(Permission)


@dataclass(frozen=True)
class Principal:
    """Who is calling: an API key's role, the account it is bound to (none: the operator's) and what it may do."""

    role: Role
    key_id: str
    account_id: str | None = None
    permissions: frozenset[Permission] = field(default_factory=frozenset)

    @property
    def is_operator(self) -> bool:
        return self.role is Role.OPERATOR

    @property
    def is_portal_session(self) -> bool:
        """A customer in the billing portal (billing/accounts/portal_sessions.py): the owner's rights on
        its account, but no say over credentials."""
        return self.key_id.startswith(PORTAL_SESSION_ID_PREFIX)

    def can(self, permission: Permission) -> bool:
        if self.role in (Role.OPERATOR, Role.OWNER):
            return True
        # Managing implies reading what one manages.
        return permission in self.permissions or Permission.BILLING_MANAGE in self.permissions


def require_operator(principal: Principal) -> None:
    if not principal.is_operator:
        raise ForbiddenError(ErrorCode.OPERATOR_ONLY, "Only the seller's operators may do this.")


def require_access(principal: Principal, account_id: str, permission: Permission) -> None:
    """Raise unless the principal may act on ``account_id`` with ``permission``."""
    if principal.is_operator:
        return
    if principal.account_id != account_id:
        raise NotFoundError(ErrorCode.ACCOUNT_NOT_FOUND, f"No account {account_id}.", "account_id")
    if not principal.can(permission):
        raise ForbiddenError(ErrorCode.PERMISSION_DENIED, f"This key lacks the {permission.value} permission.", None)


def require_owner(principal: Principal, account_id: str) -> None:
    """Keys and portal sessions are managed by the account's owners (and operators), never by members, and
    never from the portal: no key reaches the browser."""
    require_access(principal, account_id, Permission.BILLING_READ)
    if principal.role is Role.MEMBER or principal.is_portal_session:
        raise ForbiddenError(
            ErrorCode.OWNER_ONLY, "Only the account owner's API keys may manage API keys and portal sessions."
        )
