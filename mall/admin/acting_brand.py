"""Which brand a settings-like page acts on: the admin's own, or for a platform admin the brand they chose."""
from flask import abort, render_template, request

from mall.admin.access import admin_brand_id
from mall.catalog.listing import all_brands
from mall.catalog.models import Brand
from mall.extensions import db
from mall.ids import parse_id


def acting_brand_id() -> int | None:
    """The brand admin's brand; for a platform admin ?brand=<id> (404 if unknown) or None."""
    brand_id = admin_brand_id()
    if brand_id is not None:
        return brand_id
    if not request.args.get("brand"):
        return None
    chosen = parse_id(request.args["brand"])
    return chosen if chosen is not None and db.session.get(Brand, chosen) is not None else abort(404)


def choose_brand_page(endpoint: str, tab: str):
    """A platform admin runs no brand of their own: let them pick which one to look at."""
    return render_template("admin/choose_brand.html", brands=all_brands(db.session), endpoint=endpoint, tab=tab)
