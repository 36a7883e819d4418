"""Errors with stable codes; the HTTP layer maps each class to one status in one place."""

from __future__ import annotations


class BillingError(Exception):
    """Base of every error the API reports to callers.

    Parameters
    ----------
    code
        Stable, machine-readable code (``account_not_found``); clients branch on it.
    message
        Human-readable explanation.
    param
        The request field at fault, dotted (``address.country``), when there is one.
    """

    status = 400

    def __init__(self, code: str, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.param = param


class InvalidInputError(BillingError):
    status = 400


class AuthenticationError(BillingError):
    status = 401


class ForbiddenError(BillingError):
    status = 403


class NotFoundError(BillingError):
    status = 404


class ConflictError(BillingError):
    status = 409


class PayloadTooLargeError(BillingError):
    status = 413


class BusinessRuleError(BillingError):
    status = 422


class PaymentDeclinedError(BillingError):
    status = 402


class ProviderUnavailableError(BillingError):
    status = 503
