"""Brands (tenants), their stores, products and SKUs."""
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.clock import utcnow
from mall.codes import short_code
from mall.extensions import db


class Brand(db.Model):
    __shown_on_pages__ = True  # a commit that writes one renews the pages' fingerprints (mall.page_cache)
    __tablename__ = "brands"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    stores = relationship("Store", back_populates="brand", order_by="Store.id")


class Store(db.Model):
    __shown_on_pages__ = True  # a commit that writes one renews the pages' fingerprints (mall.page_cache)
    __tablename__ = "stores"

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The store code (门店码) printed as a QR at the counter: /s/<code>; upper-case, matched in any case.
    code: Mapped[str] = mapped_column(String(12), unique=True, default=lambda: short_code(6))

    brand = relationship("Brand", back_populates="stores")


class Product(db.Model):
    __shown_on_pages__ = True  # a commit that writes one renews the pages' fingerprints (mall.page_cache)
    __tablename__ = "products"
    __table_args__ = (Index("ix_products_brand_published", "brand_id", "published"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"))
    # Short, stable and non-sequential: it is what people read aloud and what QR codes encode.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    subtitle: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # The limited-time price of every SKU (Sku.promo_price_fen) holds until this moment (UTC).
    promo_ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    brand = relationship("Brand")
    skus = relationship("Sku", back_populates="product", order_by="Sku.position, Sku.id")
    images = relationship("ProductImage", order_by="ProductImage.position, ProductImage.id")


class Sku(db.Model):
    __shown_on_pages__ = True  # a commit that writes one renews the pages' fingerprints (mall.page_cache)
    __tablename__ = "skus"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("price_fen > 0", name="price_positive"),
        CheckConstraint("promo_price_fen IS NULL OR promo_price_fen > 0", name="promo_positive"),
        CheckConstraint("list_price_fen IS NULL OR list_price_fen > 0", name="list_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    price_fen: Mapped[int] = mapped_column(BigInteger)
    list_price_fen: Mapped[int | None] = mapped_column(BigInteger)  # crossed-out "was" price
    promo_price_fen: Mapped[int | None] = mapped_column(BigInteger)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    position: Mapped[int] = mapped_column(Integer, default=0)

    product = relationship("Product", back_populates="skus")


class ProductImage(db.Model):
    __shown_on_pages__ = True  # a commit that writes one renews the pages' fingerprints (mall.page_cache)
    __tablename__ = "product_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    path: Mapped[str] = mapped_column(String(200))  # relative to static/
    position: Mapped[int] = mapped_column(Integer, default=0)
