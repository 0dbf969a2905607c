"""The share centre (/partner/share): tabs for products, content, live rooms and the storefront, ready to share.

Products show picture, price, what the partner earns per sale, stock, and copy link / copy text / poster.
Views pick the membership and hand over to the read side (mall.partner.share_cards); writes are elsewhere
(mall.storefront.routes for picks); the content tab appends the pool's "view" events and content_copied its
"copy" events, for the items' statistics.
"""
from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from mall.accounts.models import Role
from mall.clock import utcnow
from mall.content.pool import live_item, live_items, record_event
from mall.content.stats import stats_by_item
from mall.extensions import db
from mall.live.queries import rooms_a_partner_can_invite_to
from mall.live.share import invite_links
from mall.partner.share_cards import content_cards, product_cards, share_products
from mall.referral.service import ensure_guide_partner, partners_of_user
from mall.referral.share_links import partner_links
from mall.storefront.forms import DetailsForm, PickForm
from mall.storefront.picks import picked_ids, shown_products, storefront_of

bp = Blueprint("share", __name__, url_prefix="/partner/share")
PER_PAGE = 10
MAX_PAGE = 10_000
TABS = ("products", "content", "live", "storefront")


def _page_number() -> int:
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


def _membership(memberships):
    slug = request.args.get("brand")
    partner = next((p for p in memberships if p.brand.slug == slug), None) if slug else memberships[0]
    return partner if partner is not None else abort(404)


@bp.get("")
@login_required
def centre():
    ensure_guide_partner(db.session, user_id=current_user.id, now=utcnow())
    memberships = partners_of_user(db.session, current_user.id)
    if not memberships:
        return render_template("partner/share.html", partner=None, memberships=[])
    partner = _membership(memberships)
    tab = request.args.get("tab") if request.args.get("tab") in TABS else "products"
    context = dict(partner=partner, memberships=memberships, tab=tab, tabs=TABS, query=(request.args.get("q") or "")[:40],
                   sort="hot" if request.args.get("sort") == "hot" else "new", pick_form=PickForm())
    if partner.status == "active":
        now = utcnow()
        context.update(_tab_context(partner, tab, context, now))
        if request.headers.get("HX-Request"):
            return render_template(f"partner/_share_{tab}.html", **context)
        context.update(links=partner_links(partner, store=_guide_store(partner)))
    return render_template("partner/share.html", **context)


def _tab_context(partner, tab: str, context: dict, now) -> dict:
    if tab == "live":
        links = {link.key: link for link in invite_links(db.session, partner)}
        return dict(live_rooms=[(room, links[f"l-{room.code}"])
                                for room in rooms_a_partner_can_invite_to(db.session, partner)
                                if f"l-{room.code}" in links])
    if tab == "content":
        page = db.paginate(live_items(partner.brand_id, now, context["query"]), page=_page_number(),
                           per_page=PER_PAGE, error_out=False)
        for item in page.items:  # a view is an item shown to a partner in the pool: the top of its funnel
            record_event(db.session, item_id=item.id, partner_id=partner.id, kind="view", now=now)
        mine = stats_by_item(db.session, [item.id for item in page.items], partner_id=partner.id)
        return dict(page=page, cards=content_cards(partner, page.items), mine=mine)
    if tab == "storefront":
        mine = storefront_of(db.session, current_user.id)
        form = DetailsForm(obj=mine) if mine is not None else DetailsForm()
        return dict(storefront=mine, shown=shown_products(db.session, mine) if mine is not None else [],
                    details_form=form)
    listing = share_products(partner.brand_id, query=context["query"], hot=context["sort"] == "hot", now=now)
    page = db.paginate(listing, page=_page_number(), per_page=PER_PAGE, error_out=False)
    return dict(page=page, cards=product_cards(db.session, partner, page.items,
                                               picked=picked_ids(db.session, current_user.id), now=now))


@bp.post("/content/<int:item_id>/copy")
@login_required
def content_copied(item_id: int):
    """htmx beacon of the copy button: counted in the item's statistics."""
    now = utcnow()
    for partner in partners_of_user(db.session, current_user.id):
        if partner.status == "active" and live_item(db.session, partner.brand_id, item_id, now) is not None:
            record_event(db.session, item_id=item_id, partner_id=partner.id, kind="copy", now=now)
            return "", 204
    abort(404)


def _guide_store(partner):
    user = current_user
    if user.role == Role.GUIDE and user.brand_id == partner.brand_id and user.store is not None:
        return user.store
    return None
