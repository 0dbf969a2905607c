"""What a cached product grid (home, brand page, storefront) must match to be shown: one small query.

Every published product of the grid with its SKUs' prices, in-stock flags and whether its promotion runs: a
price change, a product published or withdrawn, a SKU selling out or a promotion ending is a new fingerprint
(mall/page_cache.py). Titles and images are left to the page cache's few seconds.
"""
import hashlib
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select

from mall.catalog.models import Product, Sku
from mall.catalog.pages import PageFreshness
from mall.catalog.pricing import promo_running
from mall.database import plain_session

# How long a fingerprint of a grid without a running promotion holds (the page cache's timeout is shorter).
NO_END = 24 * 3600


def grid_freshness(session, *, now: datetime, brand_id: int | None = None,
                   product_ids: Collection[int] | None = None) -> PageFreshness:
    """The fingerprint of every published product (of a brand, or among `product_ids`) as a grid shows it."""
    query = (select(Product.id, Product.promo_ends_at, Sku.id, Sku.price_fen, Sku.list_price_fen,
                    Sku.promo_price_fen, Sku.stock > 0)
             .outerjoin(Sku, Sku.product_id == Product.id)
             .where(Product.published.is_(True))
             .order_by(Product.id, Sku.id))
    if brand_id is not None:
        query = query.where(Product.brand_id == brand_id)
    if product_ids is not None:
        query = query.where(Product.id.in_(sorted(product_ids)))
    rows = plain_session(session).connection().execute(query).all()
    ends = [row.promo_ends_at for row in rows if promo_running(row, now)]
    state = repr(([row.promo_ends_at is not None and row.promo_ends_at > now for row in rows],
                  [tuple(row) for row in rows])).encode()
    max_seconds = int((min(ends) - now).total_seconds()) if ends else NO_END
    return PageFreshness(hashlib.blake2b(state, digest_size=12).hexdigest(), max_seconds, brand_id)
