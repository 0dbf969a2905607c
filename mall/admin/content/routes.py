"""The brand admin's content pool: list with statistics, create, edit, end, and one item's figures per partner.

Items are always looked up with the admin's brand, so another brand's item is a plain 404.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from mall import unit_of_work
from mall.admin.acting_brand import acting_brand_id, choose_brand_page
from mall.admin.content.forms import ContentForm
from mall.clock import utcnow
from mall.content.items import ContentError, brand_item, brand_items, end_item, save_item
from mall.content.stats import partners_named, stats_by_item, stats_by_partner
from mall.extensions import db
from mall.media.extension import media

bp = Blueprint("content", __name__, url_prefix="/content")
PER_PAGE = 30
MAX_PAGE = 10_000


@bp.get("")
def index():
    brand_id = acting_brand_id()
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    listing = db.paginate(brand_items(brand_id), page=page, per_page=PER_PAGE, error_out=False)
    stats = stats_by_item(db.session, [item.id for item in listing.items])
    return render_template("admin/content.html", items=listing, stats=stats, brand_id=brand_id, now=utcnow(),
                           tab="content")


@bp.route("/new", methods=["GET", "POST"])
def create():
    brand_id = acting_brand_id()
    if brand_id is None:
        return choose_brand_page("admin.content.create", "content")
    return _form(brand_id, None)


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
def edit(item_id: int):
    item = brand_item(db.session, acting_brand_id(), item_id) or abort(404)
    return _form(item.brand_id, item)


@bp.post("/<int:item_id>/end")
def end(item_id: int):
    item = brand_item(db.session, acting_brand_id(), item_id) or abort(404)
    end_item(db.session, item, now=utcnow())
    flash(_("%(title)s is no longer in the pool.", title=item.title), "success")
    return redirect(url_for("admin.content.show", item_id=item.id), code=303)


@bp.get("/<int:item_id>")
def show(item_id: int):
    item = brand_item(db.session, acting_brand_id(), item_id) or abort(404)
    per_partner = stats_by_partner(db.session, item.id)
    partners = partners_named(db.session, per_partner)
    total = stats_by_item(db.session, [item.id])[item.id]
    return render_template("admin/content_item.html", item=item, total=total, per_partner=per_partner,
                           partners=partners, tab="content")


def _form(brand_id: int, item):
    form = ContentForm(obj=item) if item is not None and request.method == "GET" else ContentForm()
    if item is not None:
        form.drop_images.choices = [(image.id, str(n)) for n, image in enumerate(item.images, start=1)]
        if request.method == "GET":
            form.product_code.data = item.product.code if item.product else ""
            form.room_code.data = item.live_room.code if item.live_room else ""
    error = None
    if form.validate_on_submit():
        try:
            saved = save_item(db.session, brand_id, item, title=form.title.data, body=form.body.data,
                              product_code=form.product_code.data, room_code=form.room_code.data, tags=form.tags.data,
                              starts_at=form.starts_at.data, ends_at=form.ends_at.data,
                              new_images=[f.read() for f in (form.images.data or []) if f and f.filename],
                              drop_image_ids=tuple(form.drop_images.data or ()), store=media.store, now=utcnow())
        except ContentError as err:
            unit_of_work.rollback()
            error = err
        else:
            flash(_("%(title)s is saved.", title=saved.title), "success")
            return redirect(url_for("admin.content.show", item_id=saved.id), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("admin/content_form.html", form=form, item=item, error=error, brand_id=brand_id,
                           tab="content"), status
