"""A partner's share links (all paths under 32 characters) with their QR codes, for the share centre.

Built from the routes, so the links are whatever the routes say they are; absolute under
PUBLIC_BASE_URL (mall.urls), because they are pasted into chats and printed on posters.
"""
from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from mall.catalog.models import Product, Store
from mall.referral.models import Partner
from mall.referral.qr import svg_inline
from mall.urls import public_url


@dataclass(frozen=True)
class ShareLink:
    key: str  # unique on the page: element ids and download names
    label: str
    path: str
    url: str
    qr: Markup


def _link(key: str, label, endpoint: str, **args) -> ShareLink:
    path = url_for(endpoint, **args)
    url = public_url(endpoint, **args)
    return ShareLink(key=key, label=str(label), path=path, url=url, qr=svg_inline(url, title=str(label)))


def partner_links(partner: Partner, *, store: Store | None = None) -> list[ShareLink]:
    """Home, storefront and invitation links; a guide also gets the store code (门店码)."""
    links = [
        _link("home", _l("Brand home page"), "referral.home_link", partner_code=partner.code),
        _link("shop", _l("My storefront"), "storefront.page", partner_code=partner.code),
        _link("join", _l("Invite a new partner"), "referral.join", partner_code=partner.code),
    ]
    if store is not None:
        links.append(_link("store", _l("Store code: %(store)s", store=store.name), "referral.store_code",
                           store_code=store.code))
    return links


def product_links(partner: Partner, products: list[Product]) -> list[ShareLink]:
    return [_link(f"p-{product.code}", product.title, "referral.product_link", product_code=product.code,
                  partner_code=partner.code) for product in products]
