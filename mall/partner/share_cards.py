"""The share centre's read side: a product card (picture, price, "earn ¥X", stock, link and ready text), the
product list in "new" or "hot this week" order, and the content pool's cards with the partner's link filled in."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, nulls_last

from mall.catalog.listing import published_products
from mall.catalog.models import Product
from mall.catalog.pricing import PriceTag, from_price
from mall.content.models import ContentItem
from mall.content.placeholder import fill_link
from mall.orders.queries import units_sold_since
from mall.sharing.earnings import earning_fen
from mall.sharing.texts import product_text
from mall.urls import public_url

HOT_DAYS = 7
QUERY_MAX = 40


@dataclass(frozen=True)
class ProductCard:
    product: Product
    image: str | None
    price: PriceTag | None
    earn_fen: int
    stock: int
    url: str
    text: str
    picked: bool


@dataclass(frozen=True)
class ContentCard:
    item: ContentItem
    url: str
    text: str


def share_products(brand_id: int, *, query: str = "", hot: bool = False, now: datetime) -> Select:
    """The brand's published products matching `query`; hot: by units paid in the last HOT_DAYS days first."""
    listing = published_products(brand_id)
    words = (query or "").strip()[:QUERY_MAX]
    if words:
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        listing = listing.where(Product.title.ilike(pattern, escape="\\"))
    if hot:
        sold = units_sold_since(brand_id, now - timedelta(days=HOT_DAYS)).subquery()
        listing = (listing.outerjoin(sold, sold.c.product_id == Product.id)
                   .order_by(None).order_by(nulls_last(func.coalesce(sold.c.units, 0).desc()),
                                            Product.created_at.desc(), Product.id.desc()))
    return listing


def product_cards(session, partner, products, *, picked: set[int], now: datetime) -> list[ProductCard]:
    cards = []
    for product in products:
        price = from_price(product, now)
        url = public_url("referral.product_link", product_code=product.code, partner_code=partner.code)
        cards.append(ProductCard(
            product=product, image=product.images[0].path if product.images else None, price=price,
            earn_fen=earning_fen(session, partner, product.id, price.current_fen if price else None),
            stock=sum(max(sku.stock, 0) for sku in product.skus), url=url,
            text=product_text(product.title, price.current_fen if price else None, url),
            picked=product.id in picked))
    return cards


def content_cards(partner, items) -> list[ContentCard]:
    cards = []
    for item in items:
        url = public_url("content.item", item_code=item.code, partner_code=partner.code)
        cards.append(ContentCard(item=item, url=url, text=fill_link(item.body, url)))
    return cards
