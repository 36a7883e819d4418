"""Request and response bodies of the payment routes (Stripe's names where a concept matches)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from billing.http.account_views import ACCOUNT_ID_PATTERN
from billing.http.schema import Currency, PositiveAmount, Strict, iso
from billing.payments.models import Payment, PaymentMethod, PaymentProfile, Receipt, SetupIntentInfo

MethodId = Annotated[str, Field(pattern=r"^pm_[A-Za-z0-9_]{1,64}$", examples=["pm_card_visa"])]
AccountId = Annotated[str, Field(pattern=ACCOUNT_ID_PATTERN)]


class SetupIntentView(BaseModel):
    id: str
    object: Literal["setup_intent"] = "setup_intent"
    account: str
    client_secret: str = Field(description="For Stripe.js in the customer's browser: card data never reaches us.")
    payment_method_types: list[str]

    @classmethod
    def of(cls, account_id: str, intent: SetupIntentInfo) -> SetupIntentView:
        return cls(
            id=intent.id,
            account=account_id,
            client_secret=intent.client_secret,
            payment_method_types=list(intent.method_types),
        )


class PaymentMethodView(BaseModel):
    id: str
    object: Literal["payment_method"] = "payment_method"
    type: str
    brand: str | None
    last4: str | None
    exp_month: int | None
    exp_year: int | None
    created: str | None
    default: bool

    @classmethod
    def of(cls, method: PaymentMethod, default: str | None) -> PaymentMethodView:
        return cls(
            id=method.id,
            type=method.type,
            brand=method.brand,
            last4=method.last4,
            exp_month=method.exp_month,
            exp_year=method.exp_year,
            created=iso(method.created),
            default=method.id == default,
        )


class PaymentMethodsView(BaseModel):
    object: Literal["list"] = "list"
    account: str
    default_payment_method: str | None
    data: list[PaymentMethodView]

    @classmethod
    def of(cls, profile: PaymentProfile) -> PaymentMethodsView:
        return cls(
            account=profile.account_id,
            default_payment_method=profile.default_method,
            data=[PaymentMethodView.of(m, profile.default_method) for m in profile.methods],
        )


class ManualIn(Strict):
    method: Literal["bank_transfer", "cheque"]
    reference: Annotated[str, Field(min_length=1, max_length=100)]
    received_at: AwareDatetime


class PaymentCreate(Strict):
    account: AccountId
    amount: PositiveAmount
    currency: Currency
    payment_method: MethodId | None = Field(
        default=None, description="A saved method, or one just created with Stripe.js; default: the account's."
    )
    manual: ManualIn | None = Field(default=None, description="Operators: a bank transfer or cheque received.")
    save_payment_method: bool = Field(
        default=False,
        description="Keep a method typed for this payment for later (automatic charges, retries); "
        "by default it is used once and saved nowhere.",
    )

    @model_validator(mode="after")
    def _one_way(self) -> PaymentCreate:
        if self.manual is not None and self.payment_method is not None:
            raise ValueError("give payment_method or manual, not both")
        return self


class TopUpCreate(Strict):
    amount: PositiveAmount
    currency: Currency
    payment_method: MethodId | None = None
    save_payment_method: bool = Field(
        default=False,
        description="Keep a method typed for this payment for later (automatic charges, retries); "
        "by default it is used once and saved nowhere.",
    )


class AllocationView(BaseModel):
    invoice: str
    amount: int


class FailureView(BaseModel):
    code: str
    message: str
    hard_decline: bool


class PaymentView(BaseModel):
    id: str
    object: Literal["payment"] = "payment"
    account: str
    amount: int
    currency: str
    purpose: str
    status: str
    created: str | None
    succeeded_at: str | None
    method_type: str
    method_label: str | None
    payment_method: str | None
    provider_id: str | None
    invoice: str | None
    attempt: int | None
    reference: str | None
    allocations: list[AllocationView]
    credit_added: int
    amount_refunded: int
    disputed: bool
    failure: FailureView | None
    receipt: str | None
    client_secret: str | None = Field(
        default=None, description="Only while requires_action, only in this answer: for Stripe.js to authenticate."
    )

    @classmethod
    def of(cls, payment: Payment, client_secret: str | None = None) -> PaymentView:
        failure = payment.failure
        return cls(
            id=payment.id,
            account=payment.account_id,
            amount=payment.amount,
            currency=payment.currency,
            purpose=payment.purpose.value,
            status=payment.status.value,
            created=iso(payment.created),
            succeeded_at=iso(payment.succeeded_at),
            method_type=payment.method_type,
            method_label=payment.method_label,
            payment_method=payment.method_id,
            provider_id=payment.provider_id,
            invoice=payment.invoice_id,
            attempt=payment.attempt,
            reference=payment.reference,
            allocations=[AllocationView(invoice=i, amount=a) for i, a in payment.allocations],
            credit_added=payment.credit_added,
            amount_refunded=payment.amount_refunded,
            disputed=payment.disputed,
            failure=FailureView(code=failure.code, message=failure.message, hard_decline=failure.hard)
            if failure
            else None,
            receipt=payment.receipt_id,
            client_secret=client_secret,
        )


class ReceiptLineView(BaseModel):
    invoice: str
    invoice_number: str | None
    amount: int


class ReceiptView(BaseModel):
    id: str
    object: Literal["receipt"] = "receipt"
    number: str
    account: str
    payment: str
    created: str | None
    amount: int
    currency: str
    purpose: str
    payment_method: str
    reference: str | None
    invoices_paid: list[ReceiptLineView]
    credit_added: int
    balance_after: int = Field(description="Still owed after this payment (negative: credit available).")
    extra_text: str | None
    pdf_ready: bool

    @classmethod
    def of(cls, receipt: Receipt) -> ReceiptView:
        return cls(
            id=receipt.id,
            number=receipt.number,
            account=receipt.account_id,
            payment=receipt.payment_id,
            created=iso(receipt.created),
            amount=receipt.amount,
            currency=receipt.currency,
            purpose=receipt.purpose.value,
            payment_method=receipt.method_label,
            reference=receipt.reference,
            invoices_paid=[
                ReceiptLineView(invoice=line.invoice_id, invoice_number=line.invoice_number, amount=line.amount)
                for line in receipt.lines
            ],
            credit_added=receipt.credit_added,
            balance_after=receipt.balance_after,
            extra_text=receipt.extra_text,
            pdf_ready=receipt.pdf_key is not None,
        )
