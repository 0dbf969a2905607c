"""What goes on each kind of poster: a product, a content item, a storefront or a live room, shared by one partner.

Texts are translated here, in the reader's language, which is part of the cache key (mall.sharing.posters).
"""
from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _

from mall.catalog.pricing import from_price
from mall.live.models import RoomState
from mall.privacy import mask_name
from mall.sharing.poster import PosterContent
from mall.urls import public_url


def _common(partner, url: str, title: str, **kw) -> PosterContent:
    name = mask_name(partner.user.name)
    return PosterContent(title=title, url=url, partner_name=partner.user.name or name,
                         recommended=_("Recommended by %(name)s", name=name),
                         scan_hint=_("Long-press the QR code to open it"), **kw)


def product_poster(partner, product, now: datetime) -> tuple[PosterContent, str | None]:
    price = from_price(product, now)
    url = public_url("referral.product_link", product_code=product.code, partner_code=partner.code)
    image = product.images[0].path if product.images else None
    content = _common(partner, url, product.title, subtitle=product.subtitle or "",
                      price_fen=price.current_fen if price else None, was_fen=price.was_fen if price else None)
    return content, image


def content_poster(partner, item, now: datetime) -> tuple[PosterContent, str | None]:
    url = public_url("content.item", item_code=item.code, partner_code=partner.code)
    price = from_price(item.product, now) if item.product is not None and item.product.published else None
    image = item.images[0].path if item.images else None
    content = _common(partner, url, item.title, price_fen=price.current_fen if price else None,
                      was_fen=price.was_fen if price else None)
    return content, image


def storefront_poster(partner, storefront, products, now: datetime) -> tuple[PosterContent, str | None]:
    url = public_url("storefront.page", partner_code=partner.code)
    title = (storefront.title if storefront is not None and storefront.title else
             _("%(name)s's picks", name=mask_name(partner.user.name)))
    intro = storefront.intro if storefront is not None else ""
    first = next((p for p in products if p.images), None)
    content = _common(partner, url, title, subtitle=intro or _("%(count)d products", count=len(products)))
    return content, first.images[0].path if first else None


def live_poster(partner, room, shelf, now: datetime) -> tuple[PosterContent, str | None]:
    """A live room's invitation: its cover (or the first product's picture), when it starts, and the first
    shelf item's live price (直播价) beside the price it has elsewhere."""
    url = public_url("live.invite", code=room.code, partner_code=partner.code)
    first = shelf[0] if shelf else None
    price = was = None
    label = ""
    if first is not None:
        price = first.item.live_price_fen or first.normal_fen
        if first.item.live_price_fen and first.item.live_price_fen < first.normal_fen:
            was, label = first.normal_fen, _("Live price")
    if room.state == RoomState.LIVE:
        when = _("Live now")
    else:
        when = _("Live at %(when)s", when=format_datetime(room.starts_at, "short"))
    image = room.cover_path or None
    if image is None and first is not None and first.product.images:
        image = first.product.images[0].path
    content = _common(partner, url, room.title, subtitle=when, price_fen=price, was_fen=was, price_label=label)
    return content, image
