"""What the catalog needs from storage: products, prices, coupons and promotion codes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from billing.batch import BatchWriter

if TYPE_CHECKING:
    from billing.catalog.models import Price, Product
    from billing.discounts.models import Coupon, PromotionCode
    from billing.ports import Page, PageRequest


class CatalogStore(BatchWriter, Protocol):
    def get_product(self, product_id: str) -> Product | None: ...
    def list_products(self, page: PageRequest) -> Page[Product]: ...
    def get_price(self, price_id: str) -> Price | None: ...
    def get_prices(self, price_ids: Iterable[str]) -> dict[str, Price]: ...
    def list_prices(self, page: PageRequest) -> Page[Price]: ...
    def get_coupon(self, coupon_id: str) -> tuple[Coupon, int] | None:
        """The coupon and the version its redemption count is updated against."""
        ...

    def list_coupons(self, page: PageRequest) -> Page[Coupon]: ...
    def find_promotion_code(self, code: str) -> tuple[PromotionCode, int] | None:
        """By the code customers type, in any case."""
        ...

    def list_promotion_codes(self, page: PageRequest) -> Page[PromotionCode]: ...
