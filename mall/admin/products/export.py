"""CSV export of a brand's products, one row per SKU, streamed in batches so a large catalogue never sits in memory.

The columns are exactly those the import reads, so an export edited in a spreadsheet can be imported again.
"""
import csv
import io

from flask import stream_with_context
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mall.admin.products.forms import to_local
from mall.admin.products.import_ratios import RATIO_COLUMNS, percent_cell
from mall.catalog.editing import products_of_brand
from mall.catalog.models import Product
from mall.commission.models import ProductRatio
from mall.commission.settings import RATIO_FIELDS
from mall.extensions import db

# The ratio columns come last, so a spreadsheet made from an older export (without them) still imports.
COLUMNS = ("product_code", "title", "subtitle", "published", "promo_ends_at", "sku_name", "price", "list_price",
           "promo_price", "stock", *RATIO_COLUMNS)
TIME_FORMAT = "%Y-%m-%d %H:%M"  # the shop's time zone, as the admin reads it
BATCH = 500


def yuan_text(fen: int | None) -> str:
    return "" if fen is None else f"{fen // 100}.{fen % 100:02d}"


def _line(values) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([_safe(v) for v in values])
    return out.getvalue()


def _safe(value) -> str:
    # A cell starting with = + - @ is a formula to spreadsheets (CSV injection): quote it as text.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_rows(brand_id: int | None):
    """The CSV as a stream of lines (with a BOM, so spreadsheet apps read the Chinese titles as UTF-8)."""

    @stream_with_context
    def generate():
        yield "\ufeff" + _line(COLUMNS)
        last_id = None
        while True:
            query = products_of_brand(brand_id).order_by(None).order_by(Product.id).limit(BATCH)
            if last_id is not None:
                query = query.where(Product.id > last_id)
            batch = db.session.scalars(query.options(selectinload(Product.skus))).all()
            if not batch:
                return
            overrides = {o.product_id: o for o in db.session.scalars(
                select(ProductRatio).where(ProductRatio.product_id.in_([p.id for p in batch])))}
            for product in batch:
                ends = to_local(product.promo_ends_at)
                override = overrides.get(product.id)
                ratios = [percent_cell(getattr(override, name) if override else None) for name in RATIO_FIELDS]
                for sku in product.skus:
                    yield _line((product.code, product.title, product.subtitle, "yes" if product.published else "no",
                                 ends.strftime(TIME_FORMAT) if ends else "", sku.name, yuan_text(sku.price_fen),
                                 yuan_text(sku.list_price_fen), yuan_text(sku.promo_price_fen), sku.stock, *ratios))
            last_id = batch[-1].id
            db.session.expunge_all()

    return generate()

