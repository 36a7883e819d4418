"""Subscription routes and the invoice preview."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from billing.costs.forecast_costs import forecast_subscription
from billing.errors import ErrorCode, InvalidInputError
from billing.http.cost_views import SubscriptionForecastView
from billing.http.invoice_views import InvoiceView
from billing.http.routing import BEARER, Cursor, Limit, ListOf, caller, once, page, services
from billing.http.subscription_views import (
    CancelRequest,
    CollectionMethodChange,
    DiscountCreate,
    ItemChange,
    PreviewRequest,
    SubscriptionCreate,
    SubscriptionUpdate,
    SubscriptionView,
)
from billing.subscriptions.add_discount import add_discount
from billing.subscriptions.cancel import cancel
from billing.subscriptions.change_subscription import ChangeRequest, change_subscription
from billing.subscriptions.get_subscription import get_subscription
from billing.subscriptions.list_subscriptions import list_subscriptions
from billing.subscriptions.preview_upcoming import preview_upcoming
from billing.subscriptions.remove_discount import remove_discount
from billing.subscriptions.services import ItemRequest
from billing.subscriptions.subscribe import SubscribeRequest, subscribe
from billing.subscriptions.switch_collection_method import switch_collection_method
from billing.subscriptions.tag_subscription import tag_subscription

router = Router()
SUBSCRIPTION_ID = Annotated[str, Path(pattern=r"^sub_[0-9a-z]{1,40}$")]
ACCOUNT_QUERY = Annotated[str, Query(pattern=r"^acct_[0-9a-z]{1,40}$", description="The account's subscriptions.")]


def _items(items: list[ItemChange]) -> list[ItemRequest]:
    return [ItemRequest(price_id=i.price, quantity=i.quantity, id=i.id, deleted=i.deleted) for i in items]


@router.post(
    "/v1/subscriptions",
    status_code=201,
    security=BEARER,
    tags=["Subscriptions"],
)
def post_subscription(body: SubscriptionCreate) -> SubscriptionView:
    """Subscribe an account; without a trial, the first invoice is drafted at once.

    Errors: ``account_currency_mismatch``, ``account_not_found``, ``account_restricted``,
    ``coupon_currency_mismatch``, ``coupon_not_found``, ``currency_mismatch``, ``date_out_of_range``,
    ``operator_only``, ``permission_denied``, ``price_not_found``, ``promotion_code_not_found``.
    """
    s = services(router)

    def create() -> dict[str, object]:
        request = SubscribeRequest(
            account_id=body.account,
            items=[ItemRequest(price_id=i.price, quantity=i.quantity) for i in body.items],
            trial_period_days=body.trial_period_days,
            collection_method=body.collection_method,
            days_until_due=body.days_until_due,
            coupon=body.coupon,
            promotion_code=body.promotion_code,
            billing_cycle_anchor=body.billing_cycle_anchor,
            start_date=body.start_date,
            managed_by=body.managed_by,
            granularity=body.proration_granularity,
            tags=tuple(sorted(body.tags.items())),
        )
        done = subscribe(s.billing, caller(router), request)
        view = SubscriptionView.of(done.subscription)
        return view.model_dump(mode="json")

    return SubscriptionView.model_validate(once(router, body.model_dump(mode="json"), create))


@router.get(
    "/v1/subscriptions",
    security=BEARER,
    tags=["Subscriptions"],
)
def get_subscriptions(account: ACCOUNT_QUERY, limit: Limit = 20, cursor: Cursor = None) -> ListOf[SubscriptionView]:
    """List an account's subscriptions, newest first, cancelled ones included.

    Errors: ``account_not_found``, ``invalid_cursor``.
    """
    found = list_subscriptions(services(router).billing, caller(router), account, page(limit, cursor))
    return ListOf[SubscriptionView](data=[SubscriptionView.of(s) for s in found.items], next_cursor=found.next_cursor)


@router.get(
    "/v1/subscriptions/<subscription_id>",
    security=BEARER,
    tags=["Subscriptions"],
)
def get_one_subscription(subscription_id: SUBSCRIPTION_ID) -> SubscriptionView:
    """Read one subscription: items, current period, trial, discount and cancellation.

    Errors: ``subscription_not_found``.
    """
    return SubscriptionView.of(get_subscription(services(router).billing, caller(router), subscription_id))


@router.patch(
    "/v1/subscriptions/<subscription_id>",
    security=BEARER,
    tags=["Subscriptions"],
)
def patch_subscription(subscription_id: SUBSCRIPTION_ID, body: SubscriptionUpdate) -> SubscriptionView:
    """Change items, quantities or prices with proration; a new interval switches the plan at once.
    ``tags`` replaces the cost allocation tags (alone, or with a change of items).

    Errors: ``account_restricted``, ``concurrent_update``, ``interval_change``, ``item_not_found``,
    ``managed_by_marketplace``, ``permission_denied``, ``price_not_found``, ``subscription_not_found``,
    ``invalid_parameter``.
    """
    s = services(router)
    if body.items is None and body.tags is None:
        raise InvalidInputError(ErrorCode.INVALID_PARAMETER, "Send items, tags or both.", "items")
    subscription = None
    if body.items is not None:
        request = ChangeRequest(
            items=_items(body.items),
            proration_behavior=body.proration_behavior,
            proration_date=body.proration_date,
            at_period_end=body.at_period_end,
            granularity=body.proration_granularity,
        )
        subscription = change_subscription(s.billing, caller(router), subscription_id, request)[0].subscription
    if body.tags is not None:
        subscription = tag_subscription(s.billing, caller(router), subscription_id, tuple(sorted(body.tags.items())))
    assert subscription is not None
    return SubscriptionView.of(subscription)


@router.post(
    "/v1/subscriptions/<subscription_id>/cancel",
    status_code=200,
    security=BEARER,
    tags=["Subscriptions"],
)
def post_cancel(subscription_id: SUBSCRIPTION_ID, body: CancelRequest) -> SubscriptionView:
    """Cancel now (unused time credited) or at the period end (tacit renewal stops).

    Errors: ``managed_by_marketplace``, ``permission_denied``, ``subscription_not_found``.
    """
    s = services(router)

    def run() -> dict[str, object]:
        subscription, _ = cancel(s.billing, caller(router), subscription_id, body.at_period_end)
        return SubscriptionView.of(subscription).model_dump(mode="json")

    return SubscriptionView.model_validate(once(router, body.model_dump(mode="json"), run))


@router.post(
    "/v1/subscriptions/<subscription_id>/discount",
    status_code=200,
    security=BEARER,
    tags=["Subscriptions"],
)
def post_discount(subscription_id: SUBSCRIPTION_ID, body: DiscountCreate) -> SubscriptionView:
    """Put a coupon or a promotion code on the subscription, in place of its discount, from its next invoice.

    Errors: ``coupon_currency_mismatch``, ``discount_required``, ``permission_denied``, ``subscription_not_found``.
    """
    s = services(router)

    def run() -> dict[str, object]:
        added = add_discount(s.billing, caller(router), subscription_id, body.coupon, body.promotion_code)
        return SubscriptionView.of(added).model_dump(mode="json")

    return SubscriptionView.model_validate(once(router, body.model_dump(mode="json"), run))


@router.delete(
    "/v1/subscriptions/<subscription_id>/discount",
    security=BEARER,
    tags=["Subscriptions"],
)
def delete_discount(subscription_id: SUBSCRIPTION_ID) -> SubscriptionView:
    """Take the discount off: the next invoices are at full price (drafted ones keep theirs).

    Errors: ``permission_denied``, ``subscription_not_found``.
    """
    return SubscriptionView.of(remove_discount(services(router).billing, caller(router), subscription_id))


@router.post(
    "/v1/subscriptions/<subscription_id>/collection_method",
    status_code=200,
    security=BEARER,
    tags=["Subscriptions"],
)
def post_collection_method(subscription_id: SUBSCRIPTION_ID, body: CollectionMethodChange) -> SubscriptionView:
    """Switch between automatic charges and invoices paid by transfer or cheque, from the next invoice.

    Errors: ``permission_denied``, ``subscription_not_found``.
    """
    switched = switch_collection_method(
        services(router).billing, caller(router), subscription_id, body.collection_method, body.days_until_due
    )
    return SubscriptionView.of(switched)


@router.post(
    "/v1/invoices/preview",
    status_code=200,
    security=BEARER,
    tags=["Invoices"],
)
def post_preview(body: PreviewRequest) -> InvoiceView:
    """The subscription's next invoice, or the invoice a proposed change would produce.

    The next invoice's preview carries ``forecast``: the period so far and projected to its end, with
    the tiers applied to the projected quantity.

    A change preview returns ``proration_date``: PATCH with it to get exactly this invoice.

    Errors: ``subscription_not_found``.
    """
    s = services(router)
    if body.items is None:
        view = InvoiceView.of_draft(preview_upcoming(s.billing, caller(router), body.subscription))
        forecast = forecast_subscription(s.store, s.accounts, s.usage, s.clock, caller(router), body.subscription)
        view.forecast = SubscriptionForecastView.of(forecast)
        return view
    request = ChangeRequest(
        items=_items(body.items),
        proration_behavior=body.proration_behavior,
        proration_date=body.proration_date,
        granularity=body.proration_granularity,
    )
    changed, draft = change_subscription(s.billing, caller(router), body.subscription, request, preview=True)
    assert draft is not None
    return InvoiceView.of_draft(draft, proration_date=changed.proration_date)
