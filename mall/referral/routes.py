"""Share links, store codes, invitations and QR images (the share centre is mall.partner.share, storefronts
mall.storefront).

A link that no longer leads anywhere (unknown code, another brand) still takes the visitor to the
product or home page: a stale link in a chat must never show an error.
"""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mall import page_cache, unit_of_work
from mall.catalog.pages import published_product_ref
from mall.clock import utcnow
from mall.database import visits_only
from mall.extensions import db
from mall.privacy import mask_name
from mall.ratelimits import touch_allowed
from mall.referral import qr
from mall.referral.forms import JoinForm
from mall.referral.service import (
    PartnerError,
    become_partner,
    link_by_code,
    normalise_code,
    partner_by_code,
    partner_of,
    record_link_visit,
    record_visit,
    store_by_code,
)
from mall.referral.visitor import get_or_set_visitor_key
from mall.urls import public_url, public_url_for_path

bp = Blueprint("referral", __name__)
PER_PAGE = 20
SHARE_PER_PAGE = 10  # each product carries an inline QR code: keep the page light on a phone
MAX_PAGE = 10_000
QR_MAX_AGE = 24 * 3600


def _page_number() -> int:
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


def _visit(brand_id: int, **kw) -> None:
    # Over RATELIMIT_TOUCH the visit is not recorded but the visitor still gets the page: whoever taps
    # a link in a chat expects the product, and a refusal would punish real customers sharing a store's
    # Wi-Fi with a bot. Only the bot's rows are lost; attribution resumes once the window passes.
    if not touch_allowed():
        return
    visits_only(db.session)  # these GETs write nothing but the visit
    record_visit(db.session, brand_id=brand_id, visitor_key=get_or_set_visitor_key(),
                 user_id=current_user.id if current_user.is_authenticated else None, ref=request.args.get("j", ""),
                 now=utcnow(), **kw)


@bp.get("/p/<product_code>/<partner_code>")
def product_link(product_code: str, partner_code: str):
    now = utcnow()
    product, link = share_link_facts(db.session, product_code, partner_code, now)
    if product is None:
        return redirect(url_for("catalog.home"))
    if link is not None and link.brand_id == product.brand_id and touch_allowed():  # as _visit
        visits_only(db.session)
        record_link_visit(db.session, link=link, brand_id=product.brand_id, channel="link",
                          target=f"product:{product.code}", visitor_key=get_or_set_visitor_key(),
                          user_id=current_user.id if current_user.is_authenticated else None,
                          ref=request.args.get("j", ""), now=now)
    return redirect(url_for("catalog.product", code=product.code))


def share_link_facts(session, product_code: str, partner_code: str, now) -> tuple:
    """The product's code and brand and the partner behind the code with their brand's rule, each remembered per
    process for PAGE_FRESHNESS_SECONDS like the product page's own fingerprint: a product withdrawn, a partner
    disabled or a rule changed a moment ago still counts for that second, then not. A binding made to a partner
    disabled within it protects nobody and credits nothing (it reads as expired: mall.referral.facts.binding_fact)."""
    product = page_cache.remembered(f"product-ref:{product_code.strip().upper()[:40]}", now,
                                    lambda: (published_product_ref(session, product_code), 1))
    if product is None:
        return None, None
    normal = normalise_code(partner_code)
    link = page_cache.remembered(f"link:{normal}", now, lambda: _held(link_by_code(session, normal))) if normal else None
    return product, link


def _held(link):
    # Facts taken before the brand's settings row existed are not kept: the visit makes the row (as it always did),
    # and the next one reads it, instead of asking for the row on every visit of the remembered second.
    return link, 0 if link is not None and not link.rule_saved else 1


@bp.get("/r/<partner_code>")
def home_link(partner_code: str):
    partner = partner_by_code(db.session, partner_code)
    if partner is None:
        return redirect(url_for("catalog.home"))
    _visit(partner.brand_id, partner_code=partner.code, channel="link", target="home")
    return redirect(url_for("catalog.brand", slug=partner.brand.slug))


@bp.get("/s/<store_code>")
def store_code(store_code: str):
    store = store_by_code(db.session, store_code)
    if store is None or not store.active:
        return redirect(url_for("catalog.home"))
    _visit(store.brand_id, store_code=store.code, channel="store_code", target=f"store:{store.id}")
    return redirect(url_for("catalog.brand", slug=store.brand.slug))


@bp.get("/s/<store_code>/qr.<any(png, svg):fmt>")
def store_qr(store_code: str, fmt: str):
    store = store_by_code(db.session, store_code) or abort(404)
    url = public_url("referral.store_code", store_code=store.code)
    return _qr_file(url, fmt, f"store-{store.code}")


@bp.get("/qr.png")
def qr_png():
    path = qr.shareable_path(current_app.url_map, request.args.get("u"))
    if path is None:
        abort(400)
    name = path.strip("/").replace("/", "-") or "home"
    return _qr_file(public_url_for_path(path), "png", f"qr-{name}")


def _qr_file(url: str, fmt: str, name: str) -> Response:
    body, mimetype = (qr.png_bytes(url), "image/png") if fmt == "png" else (qr.svg_bytes(url), "image/svg+xml")
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'inline; filename="{name}.{fmt}"'
    response.cache_control.public = True
    response.cache_control.max_age = QR_MAX_AGE
    return response


@bp.route("/join/<partner_code>", methods=["GET", "POST"])
def join(partner_code: str):
    inviter = partner_by_code(db.session, partner_code)
    if inviter is None:
        flash(_("This invitation link is no longer valid."), "error")
        return redirect(url_for("catalog.home"))
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.path))
    form, error = JoinForm(), None
    if form.validate_on_submit():
        try:
            partner = become_partner(db.session, user_id=current_user.id, brand_id=inviter.brand_id,
                                     inviter_code=inviter.code, now=utcnow())
        except PartnerError as err:
            unit_of_work.rollback()  # the page is shown again (200): keep nothing of the failed join
            error = err.message
        else:
            if partner.status == "active":
                flash(_("Welcome! You are now a partner of %(brand)s.", brand=inviter.brand.name), "success")
                return redirect(url_for("share.centre", brand=inviter.brand.slug))
            flash(_("Thank you! %(brand)s will review your request.", brand=inviter.brand.name), "success")
            return redirect(url_for("referral.join", partner_code=inviter.code))
    mine = partner_of(db.session, user_id=current_user.id, brand_id=inviter.brand_id)
    return render_template("referral/join.html", form=form, error=error, inviter=inviter, brand=inviter.brand,
                           inviter_name=mask_name(inviter.user.name), mine=mine)
