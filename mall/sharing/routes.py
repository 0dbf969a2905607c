"""Poster downloads for a signed-in partner: their product, content-item, storefront and live-room posters (PNG).

Only for the partner's own active memberships, so nobody makes the server draw posters for someone else's
code; a cached poster is read back, a changed one drawn once (mall.sharing.posters).
"""
from flask import Blueprint, Response, abort, current_app
from flask_login import current_user, login_required

from mall.catalog.listing import brand_by_slug
from mall.catalog.pages import published_product_by_code
from mall.clock import utcnow
from mall.content.pool import live_item, record_event
from mall.extensions import db
from mall.live.models import RoomState
from mall.live.queries import room_by_code, shelf
from mall.media.extension import media
from mall.referral.service import partner_of, partners_of_user
from mall.sharing.images import image_bytes
from mall.sharing.posters import poster
from mall.sharing.subjects import content_poster, live_poster, product_poster, storefront_poster
from mall.storefront.picks import shown_products, storefront_of
from mall.templating import locale_code

bp = Blueprint("sharing", __name__, url_prefix="/partner/posters")


@bp.before_request
@login_required
def _signed_in():
    return None


def _partner(brand_id: int):
    partner = partner_of(db.session, user_id=current_user.id, brand_id=brand_id)
    if partner is None or partner.status != "active":
        abort(404)
    return partner


@bp.get("/product/<product_code>.png")
def product(product_code: str):
    found = published_product_by_code(db.session, product_code) or abort(404)
    partner = _partner(found.brand_id)
    content, image = product_poster(partner, found, utcnow())
    return _png(f"product:{found.id}", partner, content, image, f"poster-{found.code}")


@bp.get("/content/<int:item_id>.png")
def content(item_id: int):
    memberships = {m.brand_id for m in _memberships()}
    now = utcnow()
    item = next((i for i in (live_item(db.session, b, item_id, now) for b in memberships) if i), None) or abort(404)
    partner = _partner(item.brand_id)
    record_event(db.session, item_id=item.id, partner_id=partner.id, kind="poster", now=now)
    poster_content, image = content_poster(partner, item, now)
    return _png(f"content:{item.id}", partner, poster_content, image, f"poster-{item.code}")


@bp.get("/storefront/<brand_slug>.png")
def storefront(brand_slug: str):
    brand = brand_by_slug(db.session, brand_slug) or abort(404)
    partner = _partner(brand.id)
    mine = storefront_of(db.session, current_user.id)
    products = shown_products(db.session, mine) if mine is not None else []
    poster_content, image = storefront_poster(partner, mine, products, utcnow())
    return _png(f"storefront:{current_user.id}", partner, poster_content, image, f"poster-shop-{partner.code}")


@bp.get("/live/<room_code>.png")
def live(room_code: str):
    room = room_by_code(db.session, room_code)
    if room is None or room.state == RoomState.ENDED:  # an ended room is a replay, not an invitation
        abort(404)
    partner = _partner(room.brand_id)
    now = utcnow()
    poster_content, image = live_poster(partner, room, shelf(db.session, room, now=now), now)
    return _png(f"live:{room.id}", partner, poster_content, image, f"poster-live-{room.code}")


def _memberships():
    return [m for m in partners_of_user(db.session, current_user.id) if m.status == "active"]


def _png(subject: str, partner, content, image_path, filename: str) -> Response:
    store = media.store
    result = poster(store, subject=subject, partner_id=partner.id, language=locale_code(), content=content,
                    image_path=image_path,
                    load_image=lambda: image_bytes(image_path, store=store, static_folder=current_app.static_folder))
    response = Response(result.data, mimetype="image/png")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}.png"'
    response.headers["X-Poster-Cache"] = "miss" if result.drawn else "hit"
    response.cache_control.private = True
    response.cache_control.max_age = 300
    return response
