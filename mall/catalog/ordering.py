"""The order of a brand's products for one returning customer (千人千面), as a port.

The rule lives with journeys (mall.journeys.personalisation: the customer's history and tags), which sits
above the catalogue and referral pages that show products; they ask through here, and mall.subscribers
wires the answer at start-up. Unwired, or for a guest, products keep the page's own order.
"""
from collections.abc import Callable, Sequence

Arranger = Callable[..., list]  # (session, products, *, brand_id, user_id) -> the same products, reordered
_arranger: Arranger | None = None


def provide(arranger: Arranger) -> None:
    global _arranger
    _arranger = arranger


def for_customer(session, products: Sequence, *, brand_id: int, user_id: int | None) -> list:
    """The page's products in the customer's order (reordered within the page, so paging stays stable)."""
    if _arranger is None or user_id is None:
        return list(products)
    return _arranger(session, products, brand_id=brand_id, user_id=user_id)
