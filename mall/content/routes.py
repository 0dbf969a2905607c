"""A shared content item's page, /c/<code>/<partner code>: the copy, its pictures and product, with Open Graph
tags for the chat's preview. Opening it through a partner's link records a touch that remembers the item."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from mall.clock import utcnow
from mall.content.placeholder import fill_link
from mall.content.pool import public_item
from mall.extensions import db
from mall.ratelimits import touch_allowed
from mall.referral.service import record_visit
from mall.referral.visitor import get_or_set_visitor_key

bp = Blueprint("content", __name__)


@bp.get("/c/<item_code>")
@bp.get("/c/<item_code>/<partner_code>")
def item(item_code: str, partner_code: str | None = None):
    now = utcnow()
    found = public_item(db.session, item_code, now)
    if found is None:
        return redirect(url_for("catalog.home"))
    if partner_code and touch_allowed():
        record_visit(db.session, brand_id=found.brand_id, partner_code=partner_code, channel="content",
                     target=f"content:{found.code}", content_item_id=found.id, visitor_key=get_or_set_visitor_key(),
                     user_id=current_user.id if current_user.is_authenticated else None, ref=request.args.get("j", ""),
                     now=now)
    product = found.product if found.product is not None and found.product.published else None
    text = fill_link(found.body, "").strip()
    return render_template("content/item.html", item=found, text=text, product=product, room=found.live_room,
                           brand=found.brand)
