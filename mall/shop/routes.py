"""Catalog pages: the home page, a brand's page and the short product page at /p/<code>."""
from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from mall import page_cache
from mall.catalog import ordering
from mall.catalog.freshness import grid_freshness
from mall.catalog.listing import all_brands, brand_by_slug, brand_stores, published_products, tiles
from mall.catalog.pages import normalise_code, product_page_freshness, published_product_by_code
from mall.clock import utcnow
from mall.database import reads_only
from mall.extensions import db
from mall.live.queries import rooms_for_home
from mall.orders.forms import IDEMPOTENCY_KEY_SLOT, checkout_form_for
from mall.orders.quote import quote_for_form, step_of
from mall.orders.social_proof import product_page
from mall.referral.visitor import get_visitor_key
from mall.shop.guide_store import guide_store

bp = Blueprint("catalog", __name__)  # endpoints keep the catalog's name: catalog.home, catalog.product
PER_PAGE = 20
# Far beyond any real catalogue, and small enough that OFFSET never overflows a database integer.
MAX_PAGE = 10_000


def _page_number() -> int:
    page = request.args.get("page", 1, type=int)
    return min(max(page, 1), MAX_PAGE)


@bp.get("/favicon.ico")
def favicon():
    """Browsers and crawlers ask for /favicon.ico whatever the page links: the same icon, no 404."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/")
def home():
    now = utcnow()
    key = _grid_key(HOME_MEMO, now, lambda: grid_freshness(_reading(), now=now))
    if key and (html := page_cache.cached(key)):
        return html
    reads_only(db.session)
    page = db.paginate(published_products(), page=_page_number(), per_page=PER_PAGE, error_out=False)
    html = render_template("catalog/home.html", page=page, tiles=tiles(page.items, now=now),
                           brands=all_brands(db.session), rooms=rooms_for_home(db.session) if page.page == 1 else [])
    return _kept(key, html)


@bp.get("/b/<slug>")
def brand(slug: str):
    now = utcnow()
    key = _grid_key(brand_memo(slug), now, lambda: _brand_freshness(slug, now))
    if key and (html := page_cache.cached(key)):
        return html
    reads_only(db.session)
    brand = brand_by_slug(db.session, slug) or abort(404)
    page = db.paginate(published_products(brand.id), page=_page_number(), per_page=PER_PAGE, error_out=False)
    products = ordering.for_customer(db.session, page.items, brand_id=brand.id,
                                     user_id=current_user.id if current_user.is_authenticated else None)
    html = render_template("catalog/brand.html", brand=brand, stores=brand_stores(db.session, brand.id),
                           page=page, tiles=tiles(products, now=now))
    return _kept(key, html)


@bp.get("/p/<code>")
def product(code: str):
    now = utcnow()
    freshness = None
    if page_cache.cacheable():
        freshness = page_cache.remembered(product_memo(code), now,
                                          lambda: _holding(product_page_freshness(_reading(), code, now=now)))
    key = None
    if freshness is not None:
        # The pickup store offered first is this visitor's (their guide's): part of the key, like the prices.
        pickup_store_id = _guide_store(freshness.brand_id, now)
        key = page_cache.page_key(product_variant(freshness, pickup_store_id))
        if html := page_cache.cached(key, (page_cache.CSRF_TOKEN, IDEMPOTENCY_KEY_SLOT)):
            return html
    reads_only(db.session)
    product = published_product_by_code(db.session, code) or abort(404)
    if freshness is None:
        pickup_store_id = _guide_store(product.brand_id, now)
    context = product_page(db.session, product, now=now)
    form = checkout_form_for(product, context["stores"], now=now, pickup_store_id=pickup_store_id)
    html = render_template("catalog/product.html", **context, form=form, quote=quote_for_form(product, form, now=now))
    if key:
        page_cache.store(key, html, {page_cache.CSRF_TOKEN: generate_csrf(),
                                     IDEMPOTENCY_KEY_SLOT: form.idempotency_key.data}, freshness.max_seconds)
    return html


# What each page's fingerprint is remembered under, and what the product page's key adds to it: shared with the
# answers given before Flask runs (mall.page_front), which must find exactly the copy this view stored.
HOME_MEMO = "grid:all"


def brand_memo(slug: str) -> str:
    return f"grid:brand:{slug.strip().lower()[:80]}"


def product_memo(code: str) -> str:
    return f"product:{normalise_code(code)[:40]}"


def product_variant(freshness, pickup_store_id: int | None) -> str:
    """The product page's fingerprint with the pickup store offered first: a guided visitor's page is theirs."""
    return f"{freshness.fingerprint}:{pickup_store_id}"


def _reading():
    """The request's session, its transaction declared read-only before the first query (mall.database)."""
    reads_only(db.session)
    return db.session


def _holding(freshness):
    """(freshness, how long it holds) for page_cache.remembered; a code that shows nothing is asked again soon."""
    return freshness, freshness.max_seconds if freshness is not None else 1


def _brand_freshness(slug: str, now):
    brand = brand_by_slug(_reading(), slug)
    return grid_freshness(db.session, now=now, brand_id=brand.id) if brand is not None else None


def _grid_key(name: str, now, compute) -> str | None:
    """The page-cache key of a product grid for this visitor, or None if this request is not served from it."""
    if not page_cache.cacheable():
        return None
    freshness = page_cache.remembered(name, now, lambda: _holding(compute()))
    if freshness is None:
        return None
    # The fingerprint says whether each promotion runs, and is never remembered past the first end it saw:
    # at that moment the key changes, and a copy stored under the old one is no longer asked for.
    return page_cache.page_key(freshness.fingerprint)


def _kept(key: str | None, html: str) -> str:
    if key:
        page_cache.store(key, html)
    return html


@bp.post("/p/<code>/sheet")
def sheet(code: str):
    """The buy sheet again with new figures: htmx swaps its quote part; without JavaScript (the − / + buttons
    submit here) the whole page comes back with the sheet open. Nothing is written."""
    product = published_product_by_code(db.session, code) or abort(404)
    now = utcnow()
    context = product_page(db.session, product, now=now)
    form = checkout_form_for(product, context["stores"], formdata=request.form, now=now)
    form.quantity.validate(form)  # a quantity that is not a number reads as 1, with its message
    found = quote_for_form(product, form, now=now, step=step_of(request.form.get("step")))
    if request.headers.get("HX-Request"):
        response = make_response(render_template("orders/_sheet_quote.html", form=form, quote=found,
                                                 product=product, images=context["images"],
                                                 swap_out_of_band=True))
    else:
        response = make_response(render_template("catalog/product.html", **context, form=form, quote=found,
                                                 sheet_open=True))
    response.vary.add("HX-Request")
    return response


def _guide_store(brand_id: int, now) -> int | None:
    """The store of the guide (or store code) this buyer came through: the pickup store to offer first."""
    user_id = current_user.id if page_cache.signed_in() else None
    visitor = get_visitor_key()
    if user_id is None and visitor is None:
        return None
    return guide_store(db.session, brand_id=brand_id, user_id=user_id, visitor_key=visitor, now=now)
