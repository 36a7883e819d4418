"""Errors with stable codes; the HTTP layer maps each class to one status in one place.

Every code is a member of ``ErrorCode``: producers raise members, never free strings, and docs/errors.md
is generated from the catalogue (``python -m billing.errors > docs/errors.md``; a test keeps it current).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Every code an answer or an error can carry: stable, machine-readable, documented in docs/errors.md."""

    ACCESS_DENIED = "access_denied"
    ACCOUNT_CURRENCY_MISMATCH = "account_currency_mismatch"
    ACCOUNT_NOT_FOUND = "account_not_found"
    ACCOUNT_RESTRICTED = "account_restricted"
    AMOUNT_REQUIRED = "amount_required"
    ANCHOR_BEFORE_START = "anchor_before_start"
    API_KEY_NOT_FOUND = "api_key_not_found"
    BATCH_TOO_LARGE = "batch_too_large"
    BODY_TOO_LARGE = "body_too_large"
    CARD_DECLINED = "card_declined"
    CHORUS_REFERENCE_REQUIRED = "chorus_reference_required"
    CONCURRENT_UPDATE = "concurrent_update"
    CONFLICTING_PARAMETERS = "conflicting_parameters"
    COUPON_CURRENCY_MISMATCH = "coupon_currency_mismatch"
    COUPON_EXHAUSTED = "coupon_exhausted"
    COUPON_EXISTS = "coupon_exists"
    COUPON_EXPIRED = "coupon_expired"
    COUPON_MISMATCH = "coupon_mismatch"
    BUDGET_NOT_FOUND = "budget_not_found"
    COUPON_NOT_FOUND = "coupon_not_found"
    CREDIT_EXCEEDS_INVOICE = "credit_exceeds_invoice"
    CREDIT_NOTE_NOT_FOUND = "credit_note_not_found"
    CURRENCY_MISMATCH = "currency_mismatch"
    CURRENCY_REQUIRED = "currency_required"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    DESCRIPTION_REQUIRED = "description_required"
    DISCOUNT_REQUIRED = "discount_required"
    DOCUMENT_CONFLICT = "document_conflict"
    DUPLICATE_ITEM = "duplicate_item"
    EMPTY_INVOICE = "empty_invoice"
    EVENT_NOT_FOUND = "event_not_found"
    FIRST_TIME_ONLY = "first_time_only"
    FRENCH_IDENTIFIER_OUTSIDE_FRANCE = "french_identifier_outside_france"
    IDEMPOTENCY_KEY_IN_PROGRESS = "idempotency_key_in_progress"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    INTERNAL_ERROR = "internal_error"
    INTERVAL_CHANGE = "interval_change"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_API_KEY = "invalid_api_key"
    INVALID_BUDGET = "invalid_budget"
    INVALID_COUNTRY = "invalid_country"
    INVALID_COUPON = "invalid_coupon"
    INVALID_CURRENCY = "invalid_currency"
    INVALID_CURSOR = "invalid_cursor"
    INVALID_EVENT = "invalid_event"
    INVALID_GROUP_BY = "invalid_group_by"
    INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key"
    INVALID_INTERVAL_COUNT = "invalid_interval_count"
    INVALID_METHOD = "invalid_method"
    INVALID_PARAMETER = "invalid_parameter"
    INVALID_PAYLOAD = "invalid_payload"
    INVALID_PAYMENT_METHOD = "invalid_payment_method"
    INVALID_MONTH = "invalid_month"
    INVALID_PERIOD = "invalid_period"
    INVALID_QUANTITY = "invalid_quantity"
    INVALID_RANGE = "invalid_range"
    INVALID_REQUEST = "invalid_request"
    INVALID_ROLE = "invalid_role"
    INVALID_SIGNATURE = "invalid_signature"
    INVALID_SIREN = "invalid_siren"
    INVALID_SIRET = "invalid_siret"
    INVALID_TAX_EXEMPTION = "invalid_tax_exemption"
    INVALID_TIERS = "invalid_tiers"
    INVALID_TIME_ZONE = "invalid_time_zone"
    INVALID_TRIAL = "invalid_trial"
    INVALID_UNIT = "invalid_unit"
    INVALID_UNIT_AMOUNT = "invalid_unit_amount"
    INVALID_VAT_NUMBER = "invalid_vat_number"
    INVALID_WEBHOOK_URL = "invalid_webhook_url"
    INVOICE_NOT_DRAFT = "invoice_not_draft"
    INVOICE_NOT_FINALIZED = "invoice_not_finalized"
    INVOICE_NOT_FOUND = "invoice_not_found"
    INVOICE_NOT_OPEN = "invoice_not_open"
    INVOICE_NOT_PAID = "invoice_not_paid"
    ITEMS_REQUIRED = "items_required"
    ITEM_NOT_FOUND = "item_not_found"
    LAST_OWNER_KEY = "last_owner_key"
    LEDGER_ENTRY_CONFLICT = "ledger_entry_conflict"
    LINK_TOKEN_INVALID = "link_token_invalid"  # noqa: S105 - an error code, not a secret
    MANAGED_BY_MARKETPLACE = "managed_by_marketplace"
    MARKETPLACE_ALREADY_REGISTERED = "marketplace_already_registered"
    MARKETPLACE_TOKEN_INVALID = "marketplace_token_invalid"  # noqa: S105 - an error code, not a secret
    METERED_NEEDS_INTERVAL = "metered_needs_interval"
    METER_REQUIRED = "meter_required"
    MISSING_API_KEY = "missing_api_key"
    MISSING_SIGNATURE = "missing_signature"
    MIXED_INTERVALS = "mixed_intervals"
    NAIVE_DATETIME = "naive_datetime"
    NEGATIVE_INVOICE = "negative_invoice"
    NOT_AN_EU_COUNTRY = "not_an_eu_country"
    NOT_DUE = "not_due"
    NOT_REFUNDABLE = "not_refundable"
    NO_PAYMENT_METHOD = "no_payment_method"
    ONE_DISCOUNT = "one_discount"
    ONE_OFF_PRICE = "one_off_price"
    OPERATOR_ONLY = "operator_only"
    OWNER_ONLY = "owner_only"
    PORTAL_LINK_INVALID = "portal_link_invalid"
    PORTAL_SESSION_EXPIRED = "portal_session_expired"
    PORTAL_SESSION_NOT_FOUND = "portal_session_not_found"
    PACKAGE_REQUIRED = "package_required"
    PAYMENT_ALREADY_RECORDED = "payment_already_recorded"
    PAYMENT_CONFLICT = "payment_conflict"
    PAYMENT_INCOMPLETE = "payment_incomplete"
    PAYMENT_METHOD_NOT_FOUND = "payment_method_not_found"
    PAYMENT_NOT_BOOKED = "payment_not_booked"
    PAYMENT_NOT_FOUND = "payment_not_found"
    PDF_NOT_READY = "pdf_not_ready"
    PERMISSIONS_REQUIRED = "permissions_required"
    PERMISSION_DENIED = "permission_denied"
    PRICE_NOT_FOUND = "price_not_found"
    PRICE_REQUIRED = "price_required"
    PRODUCT_NOT_FOUND = "product_not_found"
    PROMOTION_CODE_EXHAUSTED = "promotion_code_exhausted"
    PROMOTION_CODE_EXISTS = "promotion_code_exists"
    PROMOTION_CODE_INACTIVE = "promotion_code_inactive"
    PROMOTION_CODE_NOT_FOUND = "promotion_code_not_found"
    PRORATION_DATE_OUTSIDE_PERIOD = "proration_date_outside_period"
    PROVIDER_UNAVAILABLE = "provider_unavailable"
    REASON_REQUIRED = "reason_required"
    RECEIPT_NOT_FOUND = "receipt_not_found"
    RECEIVED_IN_FUTURE = "received_in_future"
    RECURRING_PRICE = "recurring_price"
    REFERENCE_REQUIRED = "reference_required"
    REFERRER_CREDIT_REQUIRED = "referrer_credit_required"
    REFERRER_NOT_FOUND = "referrer_not_found"
    REGISTRATION_NOT_FOUND = "registration_not_found"
    RENEWAL_DUE = "renewal_due"
    ROUTE_NOT_FOUND = "route_not_found"
    SAME_INTERVAL = "same_interval"
    SELF_REFERRAL = "self_referral"
    SETUP_REFUSED = "setup_refused"
    SIREN_REQUIRED = "siren_required"
    SIRET_SIREN_MISMATCH = "siret_siren_mismatch"
    SUBSCRIPTION_CANCELED = "subscription_canceled"
    SUBSCRIPTION_NOT_FOUND = "subscription_not_found"
    THROTTLED = "throttled"
    TIERS_REQUIRED = "tiers_required"
    TOO_MANY_CHANGES = "too_many_changes"
    TOO_MANY_DOCUMENTS = "too_many_documents"
    UNIT_AMOUNT_REQUIRED = "unit_amount_required"
    UNKNOWN_EVENT_TYPE = "unknown_event_type"
    WEBHOOK_ENDPOINT_NOT_FOUND = "webhook_endpoint_not_found"


# What each code means, for docs/errors.md (generated; a test keeps it current).
MEANINGS: dict[ErrorCode, str] = {
    ErrorCode.ACCESS_DENIED: "This API key may not call this route.",
    ErrorCode.ACCOUNT_CURRENCY_MISMATCH: "This account is billed in <expected>: all it buys is in that currency.",
    ErrorCode.ACCOUNT_NOT_FOUND: "No account <account_id>.",
    ErrorCode.ACCOUNT_RESTRICTED: "This account is <status>: pay what is overdue before subscribing again.",
    ErrorCode.AMOUNT_REQUIRED: "Without a price, give unit_amount, currency and description.",
    ErrorCode.ANCHOR_BEFORE_START: "The billing anchor cannot precede the start.",
    ErrorCode.API_KEY_NOT_FOUND: "No API key <key_id>.",
    ErrorCode.BATCH_TOO_LARGE: "At most <limit> events per request.",
    ErrorCode.BODY_TOO_LARGE: "Request bodies are limited to <limit> bytes.",
    ErrorCode.CARD_DECLINED: "The card was declined (a 402 may carry Stripe's own decline code instead).",
    ErrorCode.CONCURRENT_UPDATE: "The account changed meanwhile; read it again and retry.",
    ErrorCode.CONFLICTING_PARAMETERS: "<param> is given twice, under Stripe's name and ours, with different values.",
    ErrorCode.COUPON_CURRENCY_MISMATCH: "The coupon is in <currency>: not for a subscription in another currency.",
    ErrorCode.COUPON_EXHAUSTED: "Coupon <id> has been fully redeemed.",
    ErrorCode.COUPON_EXISTS: "Coupon <id> already exists.",
    ErrorCode.COUPON_EXPIRED: "Coupon <id> can no longer be redeemed.",
    ErrorCode.COUPON_MISMATCH: "This code belongs to another coupon.",
    ErrorCode.BUDGET_NOT_FOUND: "No budget <budget_id>.",
    ErrorCode.COUPON_NOT_FOUND: "No coupon <coupon_id>.",
    ErrorCode.CREDIT_EXCEEDS_INVOICE: "At most <creditable> can still be credited on this invoice.",
    ErrorCode.CREDIT_NOTE_NOT_FOUND: "No credit note <note_id>.",
    ErrorCode.CURRENCY_MISMATCH: "This account is billed in <expected>.",
    ErrorCode.CURRENCY_REQUIRED: "No amount to take a currency from.",
    ErrorCode.DATE_OUT_OF_RANGE: "<param> must fall within <years> years of today.",
    ErrorCode.DESCRIPTION_REQUIRED: "An invoice item needs a description.",
    ErrorCode.DISCOUNT_REQUIRED: "Give a coupon or a promotion code.",
    ErrorCode.DOCUMENT_CONFLICT: "Invoice <invoice_id> kept changing; the message will retry.",
    ErrorCode.DUPLICATE_ITEM: "Item ids are unique.",
    ErrorCode.EMPTY_INVOICE: "An invoice needs at least one line.",
    ErrorCode.EVENT_NOT_FOUND: "No event <event_id> (events are kept 30 days).",
    ErrorCode.FIRST_TIME_ONLY: "This code is for new customers only.",
    ErrorCode.FRENCH_IDENTIFIER_OUTSIDE_FRANCE: "<param> applies to French companies only (address.country must be FR)",
    ErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS: "A request with this Idempotency-Key is still running; retry shortly.",
    ErrorCode.IDEMPOTENCY_KEY_REUSED: "This Idempotency-Key was used with another request body.",
    ErrorCode.INTERNAL_ERROR: "Something went wrong on our side; it has been logged.",
    ErrorCode.INTERVAL_CHANGE: "Changing the billing interval is a plan switch (switch_interval).",
    ErrorCode.INVALID_AMOUNT: "A credit note amount is positive.",
    ErrorCode.INVALID_API_KEY: "This API key is unknown or revoked.",
    ErrorCode.INVALID_BUDGET: "A budget has an amount or a quantity alert on a meter, and 1 to 10 thresholds.",
    ErrorCode.INVALID_COUNTRY: "country must be an ISO 3166-1 alpha-2 code",
    ErrorCode.INVALID_COUPON: "A coupon has percent_off or amount_off.",
    ErrorCode.INVALID_CURRENCY: "<currency> is not an ISO 4217 code.",
    ErrorCode.INVALID_CURSOR: "This cursor is not one we issued.",
    ErrorCode.INVALID_EVENT: "The payload is not a provider event.",
    ErrorCode.INVALID_GROUP_BY: "group_by takes meter, subscription and one tag:<key>, comma-separated.",
    ErrorCode.INVALID_IDEMPOTENCY_KEY: "Idempotency-Key must be 1 to 255 characters.",
    ErrorCode.INVALID_INTERVAL_COUNT: "interval_count must be 1 to <limit>.",
    ErrorCode.INVALID_METHOD: "Manual payments are bank_transfer or cheque.",
    ErrorCode.INVALID_PARAMETER: "A parameter is missing or malformed; `errors` lists each one.",
    ErrorCode.INVALID_PAYLOAD: "The body is not JSON.",
    ErrorCode.INVALID_PAYMENT_METHOD: "Stripe does not know this payment method: <method_id>.",
    ErrorCode.INVALID_MONTH: "period is a month: YYYY-MM.",
    ErrorCode.INVALID_TAX_EXEMPTION: "tax_exemption is a VATEX code we know (VATEX-EU-132-1I…).",
    ErrorCode.INVALID_UNIT: "unit is a UN/ECE Recommendation 20 code we know (C62, MIN, HUR, E34…).",
    ErrorCode.CHORUS_REFERENCE_REQUIRED: "Chorus Pro requires <param> for this public buyer.",
    ErrorCode.INVALID_PERIOD: "A period ends after it starts.",
    ErrorCode.INVALID_QUANTITY: "Quantities cannot be negative.",
    ErrorCode.INVALID_RANGE: "from must precede to.",
    ErrorCode.INVALID_REQUEST: "The request is not valid.",
    ErrorCode.INVALID_ROLE: "Account keys are owner or member keys.",
    ErrorCode.INVALID_SIGNATURE: "The signature does not match.",
    ErrorCode.INVALID_SIREN: "SIREN is not valid (format or checksum).",
    ErrorCode.INVALID_SIRET: "SIRET is not valid (format or checksum).",
    ErrorCode.INVALID_TIERS: "Only the last tier is open-ended (up_to null).",
    ErrorCode.INVALID_TIME_ZONE: "time_zone must be an IANA zone name",
    ErrorCode.INVALID_TRIAL: "trial_period_days must be 1 to 730.",
    ErrorCode.INVALID_UNIT_AMOUNT: "Unit amounts carry at most <limit> decimals.",
    ErrorCode.INVALID_VAT_NUMBER: "VAT number is not valid (<reason>)",
    ErrorCode.INVALID_WEBHOOK_URL: "A webhook endpoint URL is an absolute http or https URL.",
    ErrorCode.INVOICE_NOT_DRAFT: "Invoice <invoice_id> is already <status>.",
    ErrorCode.INVOICE_NOT_FINALIZED: "Credit notes apply to finalized invoices.",
    ErrorCode.INVOICE_NOT_FOUND: "No invoice <invoice_id>.",
    ErrorCode.INVOICE_NOT_OPEN: "Only open invoices can be voided (<status>).",
    ErrorCode.INVOICE_NOT_PAID: "An open invoice is settled by the credit note itself: nothing to refund.",
    ErrorCode.ITEM_NOT_FOUND: "No item <id> on this subscription.",
    ErrorCode.ITEMS_REQUIRED: "A subscription has at least one item.",
    ErrorCode.LAST_OWNER_KEY: "The last owner key of an account cannot be revoked: create another owner key first.",
    ErrorCode.LEDGER_ENTRY_CONFLICT: "Entry <id> was already posted with another amount.",
    ErrorCode.LINK_TOKEN_INVALID: "The link token does not match this registration.",
    ErrorCode.MANAGED_BY_MARKETPLACE: "This subscription is managed in AWS Marketplace: change it there.",
    ErrorCode.MARKETPLACE_ALREADY_REGISTERED: "This AWS Marketplace purchase is already registered.",
    ErrorCode.MARKETPLACE_TOKEN_INVALID: "AWS Marketplace did not recognise this registration token "
    "(invalid or expired).",
    ErrorCode.METER_REQUIRED: "A metered price names its meter.",
    ErrorCode.METERED_NEEDS_INTERVAL: "Metered prices are recurring.",
    ErrorCode.MISSING_API_KEY: "Send an API key as 'Authorization: Bearer <key>'.",
    ErrorCode.MISSING_SIGNATURE: "The Stripe-Signature header is required.",
    ErrorCode.MIXED_INTERVALS: "Licensed items share one interval, metered items another.",
    ErrorCode.NAIVE_DATETIME: "Instants must carry a time zone (UTC).",
    ErrorCode.NEGATIVE_INVOICE: "An invoice total is never negative.",
    ErrorCode.NO_PAYMENT_METHOD: "Add a payment method first, or pass payment_method.",
    ErrorCode.NOT_AN_EU_COUNTRY: "<country> is not an EU member state.",
    ErrorCode.NOT_DUE: "The period ends at <ending>.",
    ErrorCode.NOT_REFUNDABLE: "At most <available> was paid by card or debit on this invoice.",
    ErrorCode.ONE_DISCOUNT: "Give a coupon or a promotion code, not both.",
    ErrorCode.ONE_OFF_PRICE: "One-off prices go on invoice items, not subscriptions.",
    ErrorCode.OPERATOR_ONLY: "Only the seller's operators may do this.",
    ErrorCode.OWNER_ONLY: "Only the account owner's API keys may manage API keys and portal sessions.",
    ErrorCode.PORTAL_LINK_INVALID: "This billing portal link is unknown, expired or already used.",
    ErrorCode.PORTAL_SESSION_EXPIRED: "This billing portal session has ended (an idle hour, revoked, or its key).",
    ErrorCode.PORTAL_SESSION_NOT_FOUND: "No portal session <session_id>.",
    ErrorCode.PACKAGE_REQUIRED: "A package price needs a block size ≥ 1.",
    ErrorCode.PAYMENT_ALREADY_RECORDED: "A <method_type> with reference <reference> is recorded.",
    ErrorCode.PAYMENT_CONFLICT: "Payment <payment_id> kept changing; retrying.",
    ErrorCode.PAYMENT_INCOMPLETE: "Stripe gave no outcome for this payment; retry.",
    ErrorCode.PAYMENT_METHOD_NOT_FOUND: "No payment method <method_id>.",
    ErrorCode.PAYMENT_NOT_BOOKED: "Payment <payment_id> is not booked yet; retrying.",
    ErrorCode.PAYMENT_NOT_FOUND: "No payment <payment_id>.",
    ErrorCode.PDF_NOT_READY: "The PDF is made right after finalization; retry in a few seconds.",
    ErrorCode.PERMISSION_DENIED: "This key lacks the <permission> permission.",
    ErrorCode.PERMISSIONS_REQUIRED: "A member key needs permissions.",
    ErrorCode.PRICE_NOT_FOUND: "No price <price_id>.",
    ErrorCode.PRICE_REQUIRED: "Each item names a price.",
    ErrorCode.PRODUCT_NOT_FOUND: "No product <product_id>.",
    ErrorCode.PROMOTION_CODE_EXHAUSTED: "Code <code> is used up.",
    ErrorCode.PROMOTION_CODE_EXISTS: "Code <code> is taken.",
    ErrorCode.PROMOTION_CODE_INACTIVE: "Code <code> is not active.",
    ErrorCode.PROMOTION_CODE_NOT_FOUND: "Unknown promotion code.",
    ErrorCode.PRORATION_DATE_OUTSIDE_PERIOD: "proration_date must fall in the current period.",
    ErrorCode.PROVIDER_UNAVAILABLE: "Stripe did not answer: <error>",
    ErrorCode.REASON_REQUIRED: "Say why the balance is adjusted.",
    ErrorCode.RECEIPT_NOT_FOUND: "No receipt <receipt_id>.",
    ErrorCode.RECEIVED_IN_FUTURE: "A payment is recorded once received.",
    ErrorCode.RECURRING_PRICE: "Invoice items use one-off prices.",
    ErrorCode.REFERENCE_REQUIRED: "Give the transfer's or cheque's reference.",
    ErrorCode.REFERRER_CREDIT_REQUIRED: "Say what the referrer gets: referrer_credit and referrer_currency.",
    ErrorCode.REFERRER_NOT_FOUND: "No account <referrer_account> to credit for this referral code.",
    ErrorCode.REGISTRATION_NOT_FOUND: "No registration <registration_id>.",
    ErrorCode.RENEWAL_DUE: "This usage period closes with the renewal.",
    ErrorCode.ROUTE_NOT_FOUND: "No such route.",
    ErrorCode.SAME_INTERVAL: "The interval does not change: update the subscription.",
    ErrorCode.SELF_REFERRAL: "An account cannot use its own referral code.",
    ErrorCode.SETUP_REFUSED: "Stripe refused the setup: <user_message>",
    ErrorCode.SIREN_REQUIRED: "A French business gives its siren: its invoices must name it.",
    ErrorCode.SIRET_SIREN_MISMATCH: "<param> must start with the siren",
    ErrorCode.SUBSCRIPTION_CANCELED: "A canceled subscription cannot change.",
    ErrorCode.SUBSCRIPTION_NOT_FOUND: "No subscription <subscription_id>.",
    ErrorCode.THROTTLED: "Too many requests; retry with backoff.",
    ErrorCode.TIERS_REQUIRED: "A tiered price needs tiers and tiers_mode.",
    ErrorCode.TOO_MANY_CHANGES: "This change is too large for one transaction.",
    ErrorCode.TOO_MANY_DOCUMENTS: "At most <limit> documents per zip.",
    ErrorCode.UNIT_AMOUNT_REQUIRED: "Give unit_amount or unit_amount_decimal.",
    ErrorCode.UNKNOWN_EVENT_TYPE: "<type> is not an event type we send (docs/events.md lists them), nor *.",
    ErrorCode.WEBHOOK_ENDPOINT_NOT_FOUND: "No webhook endpoint <endpoint_id>.",
}


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

    def __init__(self, code: ErrorCode, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.code: str = code
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
    """``code`` is the provider's decline code when it gives one (``insufficient_funds``, ...): an open
    set that Stripe documents, passed through for clients that branch on it."""

    status = 402

    def __init__(self, code: ErrorCode | str, message: str, param: str | None = None) -> None:
        super().__init__(ErrorCode.CARD_DECLINED, message, param)
        self.code = code


class ProviderUnavailableError(BillingError):
    status = 503


PROBLEM_JSON = "application/problem+json"
# RFC 9110's reason phrases (Python's HTTPStatus names 413 and 422 differently before 3.13).
_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def problem_document(
    status: int, code: str, detail: str, param: str | None = None, errors: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The RFC 9457 body of every refusal: from the API, the webhook, and API Gateway's own answers."""
    body: dict[str, Any] = {
        "type": f"urn:billing:problem:{code}",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "code": str(code),
        "detail": detail,
    }
    if param is not None:
        body["param"] = param
    if errors is not None:
        body["errors"] = errors
    return body
