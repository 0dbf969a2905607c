"""The host console at /l/<code>/host, made for a phone: start, end, pin, unpin, and the room's figures live.

Every view first checks who is asking (mall.live.access.can_host) through the blueprint's before_request:
guests are sent to log in, anyone else gets a 404, so a room's console never confirms it exists.
"""
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mall import unit_of_work
from mall.clock import utcnow
from mall.domain import DomainError
from mall.extensions import db
from mall.live.access import can_host
from mall.live.forms import HostActionForm, PinForm
from mall.live.queries import leaderboard, room_by_code, room_stats, shelf, store_board
from mall.live.rooms import end_room, start_room
from mall.live.shelf import pin, unpin
from mall.urls import public_url

bp = Blueprint("live_host", __name__, url_prefix="/l/<code>/host")


@bp.url_value_preprocessor
def _room_from_code(endpoint, values):
    g.live_code = values.pop("code", None)


@bp.url_defaults
def _keep_code(endpoint, values):
    if "code" not in values and g.get("live_room") is not None:
        values["code"] = g.live_room.code


@bp.before_request
def _require_host():
    if request.method == "OPTIONS":
        return None
    room = room_by_code(db.session, g.live_code) or abort(404)
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not can_host(current_user, room):
        abort(404)
    g.live_room = room
    return None


def _console(status=200):
    room, now = g.live_room, utcnow()
    context = dict(room=room, shelf=shelf(db.session, room, now=now), stats=room_stats(db.session, room.id, now=now),
                   board=leaderboard(db.session, room.id, masked=False), stores=store_board(db.session, room.id),
                   form=HostActionForm(formdata=None), room_url=public_url("live.room", code=room.code))
    if request.headers.get("HX-Request") and request.method == "GET":
        return render_template("live/_console_stats.html", **context)
    return render_template("live/console.html", **context), status


@bp.get("")
def console():
    return _console()


@bp.get("/stats")
def console_stats():
    return _console()


def _act(action, message):
    form = HostActionForm()
    if not form.validate():
        abort(400)
    try:
        action()
    except DomainError as err:
        unit_of_work.rollback()
        flash(err.message, "error")
        return redirect(url_for("live_host.console"), code=303)
    flash(message, "success")
    return redirect(url_for("live_host.console"), code=303)


@bp.post("/start")
def start():
    return _act(lambda: start_room(db.session, g.live_room, actor_id=current_user.id, now=utcnow()),
                _("The room is live."))


@bp.post("/end")
def end():
    return _act(lambda: end_room(db.session, g.live_room, actor_id=current_user.id, now=utcnow()),
                _("The room has ended."))


@bp.post("/pin")
def pin_item():
    form = PinForm()
    if not form.validate():
        flash(_("That product is not on this room's shelf."), "error")
        return redirect(url_for("live_host.console"), code=303)
    return _act(lambda: pin(db.session, g.live_room, form.item_id.data, actor_id=current_user.id, now=utcnow()),
                _("Pinned: viewers see it within seconds."))


@bp.post("/unpin")
def unpin_item():
    return _act(lambda: unpin(db.session, g.live_room, actor_id=current_user.id, now=utcnow()), _("Unpinned."))
