"""An operator adds a product to the catalog."""

from __future__ import annotations

from dataclasses import replace

from billing.accounts.access import Principal, require_operator
from billing.batch import WriteBatch
from billing.catalog.models import Product
from billing.catalog.ports import CatalogStore
from billing.clock import Clock


def create_product(store: CatalogStore, clock: Clock, principal: Principal, product: Product) -> Product:
    require_operator(principal)
    product = replace(product, created=clock.now())
    store.commit(WriteBatch(products=[product]))
    return product
