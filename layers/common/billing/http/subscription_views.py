"""Request and response bodies of the subscription routes."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from billing.clock import isoformat
from billing.http.schema import (
    Identifier,
    Quantity,
    Strict,
    iso,
    take_stripe_places,
)
from billing.subscriptions.models import CollectionMethod, Granularity, ProrationBehavior, Subscription


class ItemCreate(Strict):
    price: Identifier
    quantity: Quantity = 1


class SubscriptionCreate(Strict):
    account: Identifier
    items: Annotated[list[ItemCreate], Field(min_length=1, max_length=20)]
    trial_period_days: Annotated[int, Field(ge=1, le=730)] | None = None
    collection_method: CollectionMethod = CollectionMethod.CHARGE_AUTOMATICALLY
    days_until_due: Annotated[int, Field(ge=0, le=365)] | None = None
    coupon: Identifier | None = None
    promotion_code: Annotated[str, Field(min_length=3, max_length=40)] | None = None
    billing_cycle_anchor: AwareDatetime | None = None
    start_date: AwareDatetime | None = None
    managed_by: Literal["aws_marketplace"] | None = Field(default=None, description="Operators only.")
    tags: Annotated[
        dict[Annotated[str, Field(min_length=1, max_length=64)], Annotated[str, Field(max_length=256)]],
        Field(max_length=5, description="Up to 5: cost allocation splits the recurring items by them."),
    ] = Field(default_factory=dict)
    proration_granularity: Granularity = Field(
        default=Granularity.DAY,
        description="How changes and the first partial period (billing_cycle_anchor) are prorated: by whole "
        "days (16/31 days) or by the second.",
    )


class ItemChange(Strict):
    id: Identifier | None = Field(default=None, description="An existing item; absent to add one.")
    price: Identifier | None = None
    quantity: Quantity | None = None
    deleted: bool = False


class SubscriptionUpdate(Strict):
    items: Annotated[list[ItemChange], Field(min_length=1, max_length=20)] | None = None
    tags: (
        Annotated[
            dict[Annotated[str, Field(min_length=1, max_length=64)], Annotated[str, Field(max_length=256)]],
            Field(max_length=5, description="Replace the cost allocation tags (up to 5; {} removes them)."),
        ]
        | None
    ) = None
    proration_behavior: ProrationBehavior = ProrationBehavior.CREATE_PRORATIONS
    proration_date: AwareDatetime | None = Field(
        default=None, description="Confirm a preview with the proration_date it returned."
    )
    at_period_end: bool = Field(default=False, description="Schedule the change (a downgrade) for the period end.")
    proration_granularity: Granularity | None = Field(
        default=None, description="For this change only; by default the subscription's own."
    )


class DiscountCreate(Strict):
    coupon: Identifier | None = None
    promotion_code: Annotated[str, Field(min_length=3, max_length=40)] | None = None


class CollectionMethodChange(Strict):
    collection_method: CollectionMethod
    days_until_due: Annotated[int, Field(ge=0, le=365)] | None = Field(
        default=None, description="send_invoice only: the payment terms (default: the current ones, else 30)."
    )


class CancelRequest(Strict):
    at_period_end: bool = False


class ItemView(BaseModel):
    id: str
    price: str
    quantity: int


class SubscriptionView(BaseModel):
    id: str
    object: Literal["subscription"] = "subscription"
    account: str
    status: str
    currency: str
    items: list[ItemView]
    current_period_start: str
    current_period_end: str
    usage_period_start: str
    usage_period_end: str
    trial_end: str | None
    cancel_at_period_end: bool
    canceled_at: str | None
    ended_at: str | None
    collection_method: str
    days_until_due: int | None
    discount: dict[str, Any] | None
    managed_by: str | None
    tags: dict[str, str] = Field(description="Cost allocation tags of its recurring items.")
    marketplace: dict[str, Any] | None = Field(
        default=None,
        description="managed_by aws_marketplace: license_arn, entitlements {dimension: quantity} and "
        "free_trial as AWS gives them (read-only here: change them in AWS Marketplace).",
    )
    pending_proration_lines: int
    scheduled_change: list[ItemView] | None
    created: str
    latest_invoice: str | None = Field(description="The last invoice drafted for this subscription.")
    proration_granularity: str = Field(description="day or second: how its changes are prorated.")
    trial_ending_notified: bool = Field(
        description="The customer was told, three days before trial_end, that the trial ends and billing starts."
    )

    @classmethod
    def of(cls, subscription: Subscription) -> SubscriptionView:
        def items(source: tuple[Any, ...]) -> list[ItemView]:
            return [ItemView(id=i.id, price=i.price.id, quantity=i.quantity) for i in source]

        discount = None
        if subscription.discount is not None:
            discount = {
                "coupon": subscription.discount.coupon.id,
                "start": iso(subscription.discount.start),
                "end": iso(subscription.discount.end),
            }
        return cls(
            id=subscription.id,
            account=subscription.account_id,
            status=subscription.status.value,
            currency=subscription.currency,
            items=items(subscription.items),
            current_period_start=isoformat(subscription.current_period.start),
            current_period_end=isoformat(subscription.current_period.end),
            usage_period_start=isoformat(subscription.usage_period.start),
            usage_period_end=isoformat(subscription.usage_period.end),
            trial_end=iso(subscription.trial_end),
            cancel_at_period_end=subscription.cancel_at_period_end,
            canceled_at=iso(subscription.canceled_at),
            ended_at=iso(subscription.ended_at),
            collection_method=subscription.collection_method.value,
            days_until_due=subscription.days_until_due,
            discount=discount,
            managed_by=subscription.managed_by,
            tags=dict(subscription.tags),
            marketplace=None
            if subscription.marketplace_terms is None
            else {
                "license_arn": subscription.marketplace_terms.license_arn,
                "entitlements": dict(subscription.marketplace_terms.entitlements),
                "free_trial": subscription.marketplace_terms.free_trial,
            },
            pending_proration_lines=len(subscription.pending_lines),
            scheduled_change=items(subscription.scheduled_items) if subscription.scheduled_items else None,
            created=isoformat(subscription.created),
            latest_invoice=subscription.latest_invoice,
            proration_granularity=subscription.granularity.value,
            trial_ending_notified=subscription.trial_ending_notified,
        )


# --- invoices ----------------------------------------------------------------------------------------


class SubscriptionDetails(Strict):
    """Stripe's ``subscription_details`` of an invoice preview: the same fields as at the top level."""

    items: Annotated[list[ItemChange], Field(min_length=1, max_length=20)] | None = None
    proration_behavior: ProrationBehavior | None = None
    proration_date: AwareDatetime | None = None


class PreviewRequest(Strict):
    subscription: Identifier
    items: Annotated[list[ItemChange], Field(min_length=1, max_length=20)] | None = None
    proration_behavior: ProrationBehavior = ProrationBehavior.CREATE_PRORATIONS
    proration_date: AwareDatetime | None = None
    proration_granularity: Granularity | None = None
    subscription_details: SubscriptionDetails | None = Field(
        default=None, description="Stripe's place for items, proration_behavior and proration_date."
    )

    @model_validator(mode="after")
    def _stripe_places(self) -> Self:
        take_stripe_places(self, self.subscription_details, ("items", "proration_behavior", "proration_date"))
        return self
