"""Catalog pages: the home page, a brand's page and the short product page at /p/<code>."""
from flask import Blueprint, abort, render_template, request

from mall.catalog.listing import all_brands, brand_by_slug, brand_stores, published_products, tiles
from mall.catalog.pages import published_product_by_code
from mall.clock import utcnow
from mall.extensions import db
from mall.live.queries import rooms_for_home
from mall.orders.forms import checkout_form_for
from mall.orders.social_proof import product_page

bp = Blueprint("catalog", __name__)  # endpoints keep the catalog's name: catalog.home, catalog.product
PER_PAGE = 20
# Far beyond any real catalogue, and small enough that OFFSET never overflows a database integer.
MAX_PAGE = 10_000


def _page_number() -> int:
    page = request.args.get("page", 1, type=int)
    return min(max(page, 1), MAX_PAGE)


@bp.get("/")
def home():
    page = db.paginate(published_products(), page=_page_number(), per_page=PER_PAGE, error_out=False)
    return render_template("catalog/home.html", page=page, tiles=tiles(page.items, now=utcnow()),
                           brands=all_brands(db.session), rooms=rooms_for_home(db.session) if page.page == 1 else [])


@bp.get("/b/<slug>")
def brand(slug: str):
    brand = brand_by_slug(db.session, slug) or abort(404)
    page = db.paginate(published_products(brand.id), page=_page_number(), per_page=PER_PAGE, error_out=False)
    return render_template("catalog/brand.html", brand=brand, stores=brand_stores(db.session, brand.id),
                           page=page, tiles=tiles(page.items, now=utcnow()))


@bp.get("/p/<code>")
def product(code: str):
    product = published_product_by_code(db.session, code) or abort(404)
    context = product_page(db.session, product, now=utcnow())
    return render_template("catalog/product.html", **context, form=checkout_form_for(product, context["stores"]))
