"""Read one product: the catalog is public to every key."""

from __future__ import annotations

from billing.catalog.models import Product
from billing.catalog.ports import CatalogStore
from billing.errors import ErrorCode, NotFoundError


def get_product(store: CatalogStore, product_id: str) -> Product:
    product = store.get_product(product_id)
    if product is None:
        raise NotFoundError(ErrorCode.PRODUCT_NOT_FOUND, f"No product {product_id}.", "product_id")
    return product
