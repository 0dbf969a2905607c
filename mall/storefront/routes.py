"""The storefront (我的小店) at /shop/<code> for visitors, and the partner's picking and ordering of it.

Any of the owner's referral codes opens their one storefront. Every brand on show credits its own partner row
of the owner: each visit records a touch with channel "storefront" for each of them. An owner who has picked
nothing yet shows the products of the brand whose code was used, as storefronts always did.
"""
from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from mall import page_cache, unit_of_work
from mall.catalog import ordering
from mall.catalog.freshness import grid_freshness
from mall.catalog.listing import published_products, tiles
from mall.clock import utcnow
from mall.database import visits_only
from mall.extensions import db
from mall.ids import parse_id
from mall.privacy import mask_name
from mall.ratelimits import touch_allowed
from mall.referral.service import Link, links_of_user, partner_by_code
from mall.referral.visitor import get_or_set_visitor_key
from mall.storefront.forms import DetailsForm, PickForm
from mall.storefront.picks import StorefrontError, move, pick, save_details, shown_products, storefront_of, unpick
from mall.storefront.visits import record_storefront_visit

bp = Blueprint("storefront", __name__)
PER_PAGE = 20
MAX_PAGE = 10_000


@bp.get("/shop/<partner_code>")
def page(partner_code: str):
    now = utcnow()
    visiting = not request.headers.get("HX-Request")  # turning pages is not another visit
    key = None
    if page_cache.cacheable():
        shown = page_cache.remembered(storefront_memo(partner_code), now, lambda: _shown(partner_code, now))
        if shown is not None:
            key = page_cache.page_key(shown.fingerprint)
            if html := page_cache.cached(key):
                if visiting:  # a copy from the cache is still a visit: the touch is what credits the sharer
                    _visit(shown.links, now)
                return html
    partner = partner_by_code(db.session, partner_code)
    if partner is None:
        return redirect(url_for("catalog.home"))
    storefront = storefront_of(db.session, partner.user_id)
    products = shown_products(db.session, storefront) if storefront is not None else []
    paged = None
    if not products:
        paged = db.paginate(published_products(partner.brand_id), page=_page_number(), per_page=PER_PAGE,
                            error_out=False)
        # The brand's catalogue in this customer's order (千人千面); a sharer's own picks keep the sharer's order.
        products = ordering.for_customer(db.session, paged.items, brand_id=partner.brand_id,
                                         user_id=current_user.id if current_user.is_authenticated else None)
    if visiting:
        _visit(_links(partner.user_id, {product.brand_id for product in products} or {partner.brand_id}), now)
    context = dict(partner=partner, brand=partner.brand, storefront=storefront, page=paged,
                   sharer_name=mask_name(partner.user.name), tiles=tiles(products, now=now))
    template = "storefront/_grid.html" if request.headers.get("HX-Request") else "storefront/page.html"
    html = render_template(template, **context)
    if key:
        page_cache.store(key, html)
    return html


def storefront_memo(partner_code: str) -> str:
    """Where page_cache.remembered keeps a storefront's Shown (mall.page_front reads it too)."""
    return f"storefront:{partner_code.strip().upper()[:40]}"


@dataclass(frozen=True)
class Shown:
    """What a cached storefront must match (its picks, their prices and stock), and whom a visit credits: the
    owner's active partner row of each brand on show, with that brand's binding rule."""

    fingerprint: str
    links: tuple[Link, ...]


def _shown(partner_code: str, now) -> tuple[Shown | None, int]:
    partner = partner_by_code(db.session, partner_code)
    if partner is None:
        return None, 1
    storefront = storefront_of(db.session, partner.user_id)
    picked = shown_products(db.session, storefront) if storefront is not None else []
    if picked:
        grid = grid_freshness(db.session, now=now, product_ids={product.id for product in picked})
        brand_ids = frozenset(product.brand_id for product in picked)
    else:
        grid = grid_freshness(db.session, now=now, brand_id=partner.brand_id)
        brand_ids = frozenset({partner.brand_id})
    # The picks' order and the owner's title and intro move updated_at; the owner's partner rows decide
    # which brands' picks are shown at all.
    owner = (partner.id, partner.status, storefront.updated_at if storefront else None, grid.fingerprint)
    links = _links(partner.user_id, brand_ids)
    # Owner's rows read before a brand's settings row existed are not kept (mall.referral.routes._held says why).
    holds = grid.max_seconds if all(link.rule_saved for link in links) else 0
    return Shown(repr(owner), links), holds


def _links(user_id: int, brand_ids: set[int]) -> tuple[Link, ...]:
    return tuple(link for link in links_of_user(db.session, user_id)
                 if link.brand_id in brand_ids and link.partner.active)


def _visit(links: tuple[Link, ...], now) -> None:
    if not links or not touch_allowed():
        return
    visits_only(db.session)  # the storefront's GET writes nothing but its visits
    record_storefront_visit(db.session, links, get_or_set_visitor_key(),
                            current_user.id if current_user.is_authenticated else None, now)


def _page_number() -> int:
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


@bp.post("/partner/storefront/<any(pick, unpick, up, down):action>")
@login_required
def change(action: str):
    form = PickForm()
    back = _back(form.next.data)
    product_id = parse_id(form.product_id.data)
    if not form.validate_on_submit() or product_id is None:
        flash(_("That did not work. Please try again."), "error")
        return redirect(back, code=303)
    now = utcnow()
    try:
        if action == "pick":
            pick(db.session, current_user.id, product_id, now=now)
            flash(_("Added to your storefront."), "success")
        elif action == "unpick":
            unpick(db.session, current_user.id, product_id, now=now)
            flash(_("Removed from your storefront."), "success")
        else:
            move(db.session, current_user.id, product_id, -1 if action == "up" else 1, now=now)
    except StorefrontError as err:
        unit_of_work.rollback()
        flash(str(err.message), "error")
    return redirect(back, code=303)


@bp.post("/partner/storefront/details")
@login_required
def details():
    form = DetailsForm()
    back = url_for("share.centre", tab="storefront")
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(back, code=303)
    try:
        save_details(db.session, current_user.id, title=form.title.data, intro=form.intro.data, now=utcnow())
    except StorefrontError as err:
        unit_of_work.rollback()
        flash(str(err.message), "error")
    else:
        flash(_("Your storefront is saved."), "success")
    return redirect(back, code=303)


def _back(target: str | None) -> str:
    # Only our own share centre: never an address from the form.
    if target and target.startswith("/partner/share") and "//" not in target and "\\" not in target:
        return target
    return url_for("share.centre", tab="storefront")
