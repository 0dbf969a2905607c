"""Home and brand pages: which products are on show, in what order, and how a tile prices them."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from mall.catalog.models import Brand, Product, Store
from mall.catalog.pricing import PriceTag, from_price, promo_shown


@dataclass(frozen=True)
class Tile:
    product: Product
    image: str | None
    price: PriceTag | None
    promo: bool
    sold_out: bool


def published_products(brand_id: int | None = None) -> Select:
    """Published products, newest first, with what a tile shows loaded up front (no N+1)."""
    query = (
        select(Product)
        .where(Product.published.is_(True))
        .options(selectinload(Product.skus), selectinload(Product.images), joinedload(Product.brand))
        .order_by(Product.created_at.desc(), Product.id.desc())
    )
    if brand_id is not None:
        query = query.where(Product.brand_id == brand_id)
    return query


def tiles(products, *, now: datetime) -> list[Tile]:
    """Grid tiles: first image, "from" price, promo flag and whether anything is left."""
    return [
        Tile(
            product=product,
            image=product.images[0].path if product.images else None,
            price=from_price(product, now),
            promo=promo_shown(product, now),
            sold_out=all(sku.stock <= 0 for sku in product.skus),
        )
        for product in products
    ]


def all_brands(session) -> list[Brand]:
    """Brands for the chips on the home page."""
    return list(session.scalars(select(Brand).order_by(Brand.id)))


def brand_by_slug(session, slug: str) -> Brand | None:
    return session.scalar(select(Brand).where(Brand.slug == slug.strip().lower()))


def brand_stores(session, brand_id: int) -> list[Store]:
    """Open stores of a brand, where buyers can also pick up their orders."""
    return list(session.scalars(
        select(Store).where(Store.brand_id == brand_id, Store.active.is_(True)).order_by(Store.id)))
