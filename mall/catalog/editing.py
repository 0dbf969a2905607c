"""A brand admin's changes to the catalogue: finding products, saving a product with its SKUs, publishing.

Views hand over plain values (fen, counts, UTC datetimes); every change is checked here as well as in the
form and again by the database's CHECK constraints, so a negative price or stock can never be stored.
"""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select

from mall.audit.service import record
from mall.catalog.models import Product, Sku
from mall.codes import short_code
from mall.database import savepoint

LOW_STOCK = 5  # at or below this many units a SKU is "low on stock" in the admin's filter
TITLE_MAX = 120
SKU_NAME_MAX = 60
STOCK_MAX = 10_000_000

MESSAGES = {
    "title_missing": _l("Please enter a title."),
    "title_too_long": _l("At most %(max)d characters, please.", max=TITLE_MAX),
    "no_skus": _l("A product needs at least one SKU."),
    "sku_name_missing": _l("Please name every SKU."),
    "price_not_positive": _l("Prices must be above zero."),
    "stock_negative": _l("Stock cannot be negative."),
    "stock_too_large": _l("That is more stock than we can record."),
    "sku_unknown": _l("That SKU does not belong to this product."),
}


class ProductError(Exception):
    """The product was refused; `problems` holds message codes."""

    def __init__(self, problems: list[str]):
        super().__init__(", ".join(problems))
        self.problems = problems

    @property
    def messages(self) -> list[str]:
        return [str(MESSAGES.get(code, code)) for code in self.problems]


@dataclass
class SkuInput:
    name: str
    price_fen: int
    stock: int
    list_price_fen: int | None = None
    promo_price_fen: int | None = None
    id: int | None = None


@dataclass
class ProductInput:
    title: str
    subtitle: str = ""
    description: str = ""
    promo_ends_at: datetime | None = None  # naive UTC
    published: bool = False
    skus: list[SkuInput] = field(default_factory=list)


def products_of_brand(brand_id: int | None, *, search: str = "", published: str = "", low_stock: bool = False):
    """The admin's product list: newest first, searched by title or code, filtered; None means every brand."""
    query = select(Product).order_by(Product.id.desc())
    if brand_id is not None:
        query = query.where(Product.brand_id == brand_id)
    search = (search or "").strip()
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(Product.title.ilike(pattern, escape="\\"), Product.code.ilike(pattern, escape="\\")))
    if published in ("yes", "no"):
        query = query.where(Product.published.is_(published == "yes"))
    if low_stock:
        query = query.where(exists().where(Sku.product_id == Product.id, Sku.stock <= LOW_STOCK))
    return query


def product_of_brand(session, product_id: int, brand_id: int | None) -> Product | None:
    """One product, only if it belongs to the brand (any brand for None): another brand's is simply not found."""
    query = select(Product).where(Product.id == product_id)
    if brand_id is not None:
        query = query.where(Product.brand_id == brand_id)
    return session.scalars(query).one_or_none()


def problems_of(data: ProductInput) -> list[str]:
    problems = []
    title = (data.title or "").strip()
    if not title:
        problems.append("title_missing")
    elif len(title) > TITLE_MAX:
        problems.append("title_too_long")
    if not data.skus:
        problems.append("no_skus")
    for sku in data.skus:
        if not (sku.name or "").strip():
            problems.append("sku_name_missing")
        prices = [sku.price_fen, sku.list_price_fen, sku.promo_price_fen]
        if sku.price_fen is None or any(p is not None and p <= 0 for p in prices):
            problems.append("price_not_positive")
        if sku.stock is None or sku.stock < 0:
            problems.append("stock_negative")
        elif sku.stock > STOCK_MAX:
            problems.append("stock_too_large")
    return list(dict.fromkeys(problems))


def save_product(session, brand_id: int, product_id: int | None, data: ProductInput, *, actor_id: int | None,
                 now: datetime, code: str | None = None) -> Product:
    """Create (product_id None) or update a product of the brand with its SKUs, audited; raises ProductError."""
    problems = problems_of(data)
    if problems:
        raise ProductError(problems)
    with savepoint(session):  # an unknown SKU found halfway leaves the product as it was
        return _save_product(session, brand_id, product_id, data, actor_id=actor_id, now=now, code=code)


def _save_product(session, brand_id: int, product_id: int | None, data: ProductInput, *, actor_id: int | None,
                  now: datetime, code: str | None) -> Product:
    if product_id is None:
        product = Product(brand_id=brand_id, code=code or short_code(), created_at=now)
        session.add(product)
        before = {}
    else:
        product = product_of_brand(session, product_id, brand_id)
        if product is None:
            raise LookupError(product_id)
        before = _snapshot(product)
    product.title = data.title.strip()
    product.subtitle = (data.subtitle or "").strip()
    product.description = data.description or ""
    product.promo_ends_at = data.promo_ends_at
    product.published = data.published
    session.flush()
    existing = {sku.id: sku for sku in product.skus}
    next_position = max((sku.position for sku in existing.values()), default=-1) + 1
    for row in data.skus:
        if row.id is not None:
            sku = existing.get(row.id)
            if sku is None:
                raise ProductError(["sku_unknown"])
        else:
            sku = Sku(product_id=product.id, position=next_position)
            next_position += 1
            session.add(sku)
            product.skus.append(sku)
        sku.name = row.name.strip()
        sku.price_fen = row.price_fen
        sku.list_price_fen = row.list_price_fen
        sku.promo_price_fen = row.promo_price_fen
        sku.stock = row.stock
    session.flush()
    record(session, action="catalog.product.create" if product_id is None else "catalog.product.update",
           brand_id=product.brand_id, actor_id=actor_id, now=now, subject=f"product:{product.id}",
           before=before, after=_snapshot(product))
    return product


def set_published(session, product: Product, published: bool, *, actor_id: int | None, now: datetime) -> None:
    """Publish or withdraw a product (it stays orderable through nothing once unpublished); audited."""
    if product.published != published:
        product.published = published
        record(session, action="catalog.product.publish" if published else "catalog.product.unpublish",
               brand_id=product.brand_id, actor_id=actor_id, now=now, subject=f"product:{product.id}",
               before={"published": not published}, after={"published": published})


def _snapshot(product: Product) -> dict:
    return {"title": product.title, "published": product.published,
            "promo_ends_at": product.promo_ends_at.isoformat() if product.promo_ends_at else None,
            "skus": [{"name": s.name, "price_fen": s.price_fen, "list_price_fen": s.list_price_fen,
                      "promo_price_fen": s.promo_price_fen, "stock": s.stock} for s in product.skus]}
