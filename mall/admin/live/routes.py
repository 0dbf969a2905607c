"""The brand admin's live rooms: list with figures (reports by room), create, edit, shelf, leaderboard CSV.

Rooms are always looked up with the admin's brand, so another brand's room is a plain 404 and nothing changes.
"""
import csv
import io

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from mall import unit_of_work
from mall.accounts.models import Role, User
from mall.admin.access import admin_brand_id
from mall.admin.acting_brand import acting_brand_id, choose_brand_page
from mall.catalog.listing import brand_stores
from mall.clock import utcnow
from mall.domain import DomainError
from mall.extensions import db
from mall.live.models import RoomState
from mall.live.queries import leaderboard, room_of_brand, room_report, room_stats, shelf, store_board
from mall.live.room_forms import ItemForm, fill_room_form, room_form, save_from_form, shelf_form
from mall.live.shelf import add_to_shelf, remove_from_shelf, shelf_skus
from mall.media.extension import media
from mall.money import yuan

bp = Blueprint("live", __name__, url_prefix="/live")


@bp.get("")
def index():
    brand_id = acting_brand_id()
    return render_template("admin/live_rooms.html", report=room_report(db.session, brand_id), tab="live",
                           show_brand=brand_id is None)


@bp.route("/new", methods=["GET", "POST"])
def create():
    brand_id = acting_brand_id()
    if brand_id is None:
        return choose_brand_page("admin.live.create", "live")
    form = room_form(*_choices(brand_id))
    if form.validate_on_submit():
        room = _save(brand_id, None, form)
        if room is not None:
            flash(_("Live room %(title)s created.", title=room.title), "success")
            return redirect(url_for("admin.live.show", room_id=room.id), code=303)
    return render_template("admin/live_room_form.html", form=form, room=None, tab="live"), \
        422 if form.is_submitted() else 200


@bp.get("/<int:room_id>")
def show(room_id: int):
    room = _room_or_404(room_id)
    return _room_page(room, fill_room_form(room_form(*_choices(room.brand_id), obj=room, blank=True), room))


@bp.post("/<int:room_id>")
def update(room_id: int):
    room = _room_or_404(room_id)
    form = room_form(*_choices(room.brand_id))
    if form.validate() and _save(room.brand_id, room, form) is not None:
        flash(_("Live room saved."), "success")
        return redirect(url_for("admin.live.show", room_id=room.id), code=303)
    return _room_page(_room_or_404(room_id), form, status=422)


@bp.post("/<int:room_id>/shelf")
def add_item(room_id: int):
    room = _room_or_404(room_id)
    form = shelf_form(shelf_skus(db.session, room.brand_id))
    if form.validate():
        try:
            add_to_shelf(db.session, room, form.sku_id.data, form.live_price_fen, actor_id=current_user.id,
                         now=utcnow())
        except DomainError as err:
            unit_of_work.rollback()
            getattr(form, err.field or "sku_id").errors.append(err.message)
        else:
            flash(_("Shelf saved."), "success")
            return redirect(url_for("admin.live.show", room_id=room.id), code=303)
    return _room_page(_room_or_404(room_id), None, shelf_form_=form, status=422)


@bp.post("/<int:room_id>/shelf/remove")
def remove_item(room_id: int):
    room = _room_or_404(room_id)
    form = ItemForm()
    if not form.validate():
        abort(400)
    try:
        remove_from_shelf(db.session, room, form.item_id.data, actor_id=current_user.id, now=utcnow())
    except DomainError as err:
        unit_of_work.rollback()
        flash(err.message, "error")
        return redirect(url_for("admin.live.show", room_id=room.id), code=303)
    flash(_("Removed from the shelf."), "success")
    return redirect(url_for("admin.live.show", room_id=room.id), code=303)


@bp.get("/<int:room_id>/leaderboard.csv")
def leaderboard_csv(room_id: int):
    """The invitation leaderboard (邀请榜) as CSV, once the room has ended and its figures hold still."""
    room = _room_or_404(room_id)
    if room.state != RoomState.ENDED:
        flash(_("The leaderboard can be downloaded once the room has ended."), "error")
        return redirect(url_for("admin.live.show", room_id=room.id), code=303)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Kind"), _("Code"), _("Name"), _("Invited viewers"), _("Paid orders"), _("GMV (yuan)")])
    for row in leaderboard(db.session, room.id, limit=None, masked=False):
        writer.writerow([_("Inviter"), row.code, _cell(row.name), row.invited, row.orders, yuan(row.gmv_fen)])
    for row in store_board(db.session, room.id):
        writer.writerow([_("Store"), row.code, _cell(row.name), row.invited, row.orders, yuan(row.gmv_fen)])
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")  # the BOM: Excel reads UTF-8 Chinese
    response.headers["Content-Disposition"] = f'attachment; filename="live-{room.code}-leaderboard.csv"'
    return response


def _cell(text: str) -> str:
    # A name such as "=HYPERLINK(...)" must stay text in a spreadsheet (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _save(brand_id: int, room, form):
    saved = save_from_form(db.session, brand_id, room, form, media_store=media.store,
                           media_hosts=current_app.config.get("LIVE_MEDIA_HOSTS") or (), actor_id=current_user.id,
                           now=utcnow())
    if saved is None:
        unit_of_work.rollback()
    return saved


def _choices(brand_id: int):
    hosts = db.session.scalars(select(User).where(User.brand_id == brand_id,
                                                  User.role.in_((Role.GUIDE, Role.STORE_MANAGER)))
                               .order_by(User.name)).all()
    return brand_stores(db.session, brand_id), hosts


def _room_page(room, form, *, shelf_form_=None, status=200):
    if form is None:
        form = fill_room_form(room_form(*_choices(room.brand_id), obj=room, blank=True), room)
    now = utcnow()
    return render_template("admin/live_room.html", room=room, form=form,
                           shelf_form=shelf_form_ or shelf_form(shelf_skus(db.session, room.brand_id), blank=True),
                           item_form=ItemForm(formdata=None), shelf=shelf(db.session, room, now=now),
                           stats=room_stats(db.session, room.id, now=now),
                           board=leaderboard(db.session, room.id, masked=False),
                           stores=store_board(db.session, room.id), tab="live"), status


def _room_or_404(room_id: int):
    return room_of_brand(db.session, room_id, admin_brand_id()) or abort(404)
