"""An operator prices a product (immutable once created)."""

from __future__ import annotations

from dataclasses import replace

from billing.accounts.access import Principal, require_operator
from billing.batch import WriteBatch
from billing.catalog.models import Price
from billing.catalog.ports import CatalogStore
from billing.clock import Clock
from billing.errors import ErrorCode, InvalidInputError


def create_price(store: CatalogStore, clock: Clock, principal: Principal, price: Price) -> Price:
    """Prices are immutable once created: a new price is a new id (grandfathering)."""
    require_operator(principal)
    product = store.get_product(price.product_id)
    if product is None:
        raise InvalidInputError(ErrorCode.PRODUCT_NOT_FOUND, f"No product {price.product_id}.", "product")
    price = replace(price, created=clock.now(), product_name=product.name)
    store.commit(WriteBatch(prices=[price]))
    return price
