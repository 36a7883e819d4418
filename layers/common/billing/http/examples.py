"""An example body for every request, shown in the OpenAPI document (and so in /v1/docs and the
generated client's docs). Keyed by the body's model; tests validate each one with its model, so an
example can never be a request the API would refuse."""

from __future__ import annotations

from typing import Any

ACCOUNT = "acct_4f1c2b7e9a0d3c5b6a71"
SUBSCRIPTION = "sub_9c0e6d1a2b3f4e5d6c78"

EXAMPLES: dict[str, dict[str, Any]] = {
    "BudgetCreate": {
        "name": "Production",
        "amount": 50000,
        "currency": "EUR",
        "scope": {"tag": {"env": "prod"}},
        "thresholds": [{"percent": 50}, {"percent": 80}, {"percent": 100}, {"percent": 100, "basis": "forecast"}],
    },
    "RegistrationLink": {"link_token": "Zm9yLWV4YW1wbGUtb25seS1ub3QtYS1yZWFsLXRva2Vu"},
    "BudgetChanges": {"amount": 80000, "thresholds": [{"percent": 80}, {"percent": 100}]},
    "BillingProfile": {
        "legal_name": "Exemple SAS",
        "address": {"line1": "10 rue de la Paix", "postal_code": "75002", "city": "Paris", "country": "FR"},
        "billing_email": "compta@exemple.fr",
        "locale": "fr",
        "vat_number": "FR40303265045",
        "siren": "303265045",
    },
    "BillingProfileChanges": {"billing_email": "factures@exemple.fr", "locale": "en"},
    "ApiKeyCreate": {"role": "member", "permissions": ["billing.manage"], "name": "Finance team"},
    "PortalSessionCreate": {
        "account": "acct_0a1b2c3d4e5f60718293",
        "return_url": "https://app.example.com/account",
        "locale": "fr",
    },
    "PortalLogin": {"token": "bpl_Zm9yLWV4YW1wbGUtb25seS1ub3QtYS1yZWFsLXRva2Vu"},
    "AdjustmentCreate": {"amount": -1500, "currency": "EUR", "reason": "Goodwill credit for the outage of 3 March"},
    "ProductCreate": {"name": "Téléphonie cloud", "description": "Calls, numbers and voicemail"},
    "PriceCreate": {
        "product": "prod_2b7c9d0e1f",
        "currency": "EUR",
        "unit_amount": 3000,
        "recurring": {"interval": "month"},
        "nickname": "Seat",
    },
    "CouponCreate": {"name": "Launch offer", "percent_off": "20", "duration": "repeating", "duration_in_months": 3},
    "PromotionCodeCreate": {"code": "BIENVENUE", "coupon": "launch-offer", "first_time_only": True},
    "SubscriptionCreate": {
        "account": ACCOUNT,
        "items": [{"price": "price_seat_monthly", "quantity": 5}],
        "trial_period_days": 14,
    },
    "SubscriptionUpdate": {"items": [{"id": "si_1", "quantity": 8}], "proration_behavior": "create_prorations"},
    "CancelRequest": {"at_period_end": True},
    "DiscountCreate": {"promotion_code": "BIENVENUE"},
    "CollectionMethodChange": {"collection_method": "send_invoice", "days_until_due": 30},
    "PreviewRequest": {"subscription": SUBSCRIPTION, "items": [{"id": "si_1", "quantity": 8}]},
    "CreditNoteCreate": {"invoice": "in_7d8e9f0a1b2c3d4e5f60", "amount": 1200, "reason": "Seat billed twice"},
    "InvoiceItemCreate": {
        "account": ACCOUNT,
        "unit_amount_decimal": "15000",
        "currency": "EUR",
        "description": "Onboarding session",
    },
    "UsageBatch": {
        "events": [
            {
                "id": "call-2026-03-01-0001",
                "subscription": SUBSCRIPTION,
                "meter": "outbound_minutes",
                "quantity": "3",
                "timestamp": "2026-03-01T09:15:00Z",
                "tags": {"team": "support"},
            }
        ]
    },
    "PaymentCreate": {"account": ACCOUNT, "amount": 5000, "currency": "EUR"},
    "TopUpCreate": {"amount": 10000, "currency": "EUR", "payment_method": "pm_card_visa"},
    "WebhookEndpointCreate": {
        "url": "https://example.com/billing/webhooks",
        "enabled_events": ["invoice.finalized", "invoice.paid", "payment.failed"],
    },
    "WebhookEndpointUpdate": {"enabled_events": ["*"]},
    "EventResend": {"endpoint": "we_5a6b7c8d9e0f1a2b3c4d"},
}
