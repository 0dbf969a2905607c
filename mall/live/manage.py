"""A store manager's live rooms at /store/live: create rooms hosted by their store, edit them and their shelves.

The brand admin does the same in the admin console (mall.admin.live); a manager sees only the rooms their
store hosts, and a new room is always their store's. Everyone else gets a 404 (guests are sent to log in).
"""
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from mall import unit_of_work
from mall.accounts.models import Role, User
from mall.clock import utcnow
from mall.domain import DomainError
from mall.extensions import db
from mall.live.models import LiveRoom
from mall.live.queries import leaderboard, room_stats, shelf, store_board
from mall.live.room_forms import ItemForm, fill_room_form, room_form, save_from_form, shelf_form
from mall.live.shelf import add_to_shelf, remove_from_shelf, shelf_skus
from mall.media.extension import media

bp = Blueprint("live_manage", __name__, url_prefix="/store/live")


@bp.before_request
def _require_store_manager():
    if request.method == "OPTIONS":
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if current_user.role != Role.STORE_MANAGER or current_user.store is None:
        abort(404)
    g.live_store = current_user.store
    return None


@bp.get("")
def index():
    rooms = db.session.scalars(select(LiveRoom).where(LiveRoom.host_store_id == g.live_store.id)
                               .order_by(LiveRoom.starts_at.desc())).all()
    return render_template("live/manage_rooms.html", rooms=rooms, store=g.live_store)


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = room_form(*_choices())
    if form.validate_on_submit():
        room = _save(None, form)
        if room is not None:
            flash(_("Live room %(title)s created.", title=room.title), "success")
            return redirect(url_for("live_manage.show", room_id=room.id), code=303)
    return render_template("live/manage_room_form.html", form=form), 422 if form.is_submitted() else 200


@bp.get("/<int:room_id>")
def show(room_id: int):
    room = _room_or_404(room_id)
    return _room_page(room, fill_room_form(room_form(*_choices(), obj=room, blank=True), room))


@bp.post("/<int:room_id>")
def update(room_id: int):
    room = _room_or_404(room_id)
    form = room_form(*_choices())
    if form.validate() and _save(room, form) is not None:
        flash(_("Live room saved."), "success")
        return redirect(url_for("live_manage.show", room_id=room.id), code=303)
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
            return redirect(url_for("live_manage.show", room_id=room.id), code=303)
    room = _room_or_404(room_id)
    return _room_page(room, fill_room_form(room_form(*_choices(), obj=room, blank=True), room), shelf_form_=form,
                      status=422)


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
    else:
        flash(_("Removed from the shelf."), "success")
    return redirect(url_for("live_manage.show", room_id=room.id), code=303)


def _save(room, form):
    # The room is always the manager's store's, whatever the form says.
    form.host_store_id.data = g.live_store.id
    saved = save_from_form(db.session, g.live_store.brand_id, room, form, media_store=media.store,
                           media_hosts=current_app.config.get("LIVE_MEDIA_HOSTS") or (), actor_id=current_user.id,
                           now=utcnow())
    if saved is None:
        unit_of_work.rollback()
    return saved


def _choices():
    """The manager's store, and its guides and managers as hosts."""
    hosts = db.session.scalars(select(User).where(User.store_id == g.live_store.id,
                                                  User.role.in_((Role.GUIDE, Role.STORE_MANAGER)))
                               .order_by(User.name)).all()
    return [g.live_store], hosts


def _room_page(room, form, *, shelf_form_=None, status=200):
    now = utcnow()
    return render_template(
        "live/manage_room.html", room=room, form=form,
        shelf_form=shelf_form_ or shelf_form(shelf_skus(db.session, room.brand_id), blank=True),
        item_form=ItemForm(formdata=None), shelf=shelf(db.session, room, now=now),
        stats=room_stats(db.session, room.id, now=now), board=leaderboard(db.session, room.id, masked=False),
        stores=store_board(db.session, room.id)), status


def _room_or_404(room_id: int) -> LiveRoom:
    room = db.session.get(LiveRoom, room_id)
    if room is None or room.host_store_id != g.live_store.id:
        abort(404)
    return room
