"""Read one price: the catalog is public to every key."""

from __future__ import annotations

from billing.catalog.models import Price
from billing.catalog.ports import CatalogStore
from billing.errors import ErrorCode, NotFoundError


def get_price(store: CatalogStore, price_id: str) -> Price:
    price = store.get_price(price_id)
    if price is None:
        raise NotFoundError(ErrorCode.PRICE_NOT_FOUND, f"No price {price_id}.", "price_id")
    return price
