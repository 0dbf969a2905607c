"""The room page at /l/<code>, its invite links /l/<code>/<partner>, the viewers' polls and buying in the room.

The pin poll is the hot path (every viewer, every 3 s): it reads one row and answers 304 while the pin
version is unchanged, on whichever host it lands (mall.live.following). The host console is in console.py.
"""
from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mall import page_cache, unit_of_work
from mall.catalog.listing import brand_stores
from mall.catalog.pages import normalise_code
from mall.clock import utcnow
from mall.database import reads_only
from mall.extensions import db, talisman
from mall.live import following
from mall.live.buying import buy_in_room
from mall.live.forms import HostActionForm, room_checkout_form
from mall.live.heartbeat import beat, recently_seen
from mall.live.models import RoomState
from mall.live.page import room_page_context, room_policy, room_snapshot
from mall.live.queries import room_by_code
from mall.live.viewers import invited, remind, reminded, seen
from mall.orders.checkout import CheckoutError, CheckoutRequest
from mall.orders.forms import checkout_request
from mall.orders.quote import quote_for_form, step_of
from mall.payments.provider import provider_available
from mall.payments.redirect import to_payment
from mall.payments.service import PaymentsUnavailable
from mall.ratelimits import ORDER, limited, touch_allowed
from mall.referral.visitor import get_or_set_visitor_key, get_visitor_key

bp = Blueprint("live", __name__)


def _user_id():
    return current_user.id if current_user.is_authenticated else None


@bp.get("/l/<code>")
@talisman(content_security_policy=None)  # the room's own header (room_policy): frames and media of its stream
def room(code: str):
    now = utcnow()
    visitor = get_or_set_visitor_key()
    if not page_cache.cacheable() or request.args.get("buy"):
        room = room_by_code(db.session, code) or abort(404)
        seen(db.session, room, visitor, now=now)  # a reload updates the same row
        return _room_page(room)
    code = normalise_code(code)
    beaten = recently_seen(code, visitor)

    def session():
        if beaten:  # the heartbeat is fresh: this request writes nothing (declared before its first query)
            reads_only(db.session)
        return db.session

    # The room's state and pin as this process saw them at most PAGE_FRESHNESS_SECONDS ago, as the pin poll
    # (mall.live.poll) does: a start, an end or a pin reaches the page within the seconds the issue allows.
    snapshot = page_cache.remembered(room_memo(code), now, lambda: _snapshot(session(), code, now)) or abort(404)
    if not beaten:
        beat(db.session, snapshot, visitor, code=code, now=now)  # a cached page is a view too
    # Only a room that has not started shows whether this browser asked to be reminded.
    asked = snapshot.state == RoomState.SCHEDULED and reminded(session(), snapshot.id, visitor)
    key = page_cache.page_key(room_variant(snapshot, asked))
    html = page_cache.cached(key)
    if html is None:
        response = _room_page(room_by_code(session(), code) or abort(404))
        page_cache.store(key, response.get_data(as_text=True))
        return response
    response = make_response(html)
    response.headers["Content-Security-Policy"] = snapshot.policy
    return response


# Shared with the answers given before Flask runs (mall.page_front), which must find the copy this view stored.
def room_memo(code: str) -> str:
    return f"room:{code}"


def room_variant(snapshot, asked: bool) -> str:
    """The room's fingerprint and whether this browser asked to be reminded (only a room not yet started shows it)."""
    return f"{snapshot.fingerprint}:{int(asked)}"


def _snapshot(session, code: str, now):
    room = room_by_code(session, code)
    return room_snapshot(session, room, now=now) if room is not None else (None, 1)


@bp.get("/l/<code>/<partner_code>")
def invite(code: str, partner_code: str):
    """An invitation (邀约): a touch as for a product link, then the room. A stale code still gets the room."""
    room = room_by_code(db.session, code)
    if room is None:
        return redirect(url_for("catalog.home"))
    if touch_allowed():
        invited(db.session, room, partner_code, get_or_set_visitor_key(), user_id=_user_id(), now=utcnow(),
                ref=request.args.get("j", ""))
    return redirect(url_for("live.room", code=room.code))


@bp.get("/l/<code>/pin")
def pin(code: str):
    """The pinned product's fragment, or 304 while nothing changed (htmx polls this every few seconds)."""
    return following.pin_response(db.session, code, page_state=request.args.get("s", ""), now=utcnow())


@bp.get("/l/<code>/stats")
def stats(code: str):
    """Viewers now, the ticker and the leaderboard; also the viewer's heartbeat."""
    room = room_by_code(db.session, code) or abort(404)
    key = get_visitor_key()
    if key and room.state != RoomState.ENDED:
        seen(db.session, room, key, now=utcnow())
    context = room_page_context(db.session, room, now=utcnow(), visitor_key=key)
    return render_template("live/_stats.html", **context)


@bp.post("/l/<code>/remind")
def remind_me(code: str):
    room = room_by_code(db.session, code) or abort(404)
    form = HostActionForm()
    if not form.validate() or room.state != RoomState.SCHEDULED:
        flash(_("Reminders are only for rooms that have not started."), "error")
        return redirect(url_for("live.room", code=room.code), code=303)
    remind(db.session, room, get_or_set_visitor_key(), user_id=_user_id(), now=utcnow())
    flash(_("We will remind you when the room goes live."), "success")
    return redirect(url_for("live.room", code=room.code), code=303)


@bp.post("/l/<code>/buy/<int:item_id>")
@talisman(content_security_policy=None)
@limited(ORDER)
def buy(code: str, item_id: int):
    """Submit 1 of 2: the buy sheet in the room; then straight to payment."""
    room = room_by_code(db.session, code) or abort(404)
    context = room_page_context(db.session, room, now=utcnow(), visitor_key=get_visitor_key())
    view = next((v for v in context["shelf"] if v.item.id == item_id), None) or abort(404)
    stores = brand_stores(db.session, room.brand_id)
    form = room_checkout_form(view, stores, formdata=request.form)
    if form.validate():
        try:
            if not provider_available(current_app.config["PAYMENT_PROVIDER"]):
                raise PaymentsUnavailable()
            order = buy_in_room(db.session, room, _checkout_request(form), now=utcnow())
        except (CheckoutError, PaymentsUnavailable) as err:
            field = getattr(form, err.field, None) if err.field else None
            (field.errors if field is not None else form.form_errors).append(err.message)
        else:
            unit_of_work.commit()  # the order is safe before we talk to the provider
            return to_payment(order)
    return _room_page(room, buying=view, form=form, stores=stores, status=422)


@bp.post("/l/<code>/sheet/<int:item_id>")
@talisman(content_security_policy=None)
def sheet(code: str, item_id: int):
    """The room's buy sheet with new figures at the room's price (as the product page's sheet view): htmx
    swaps the quote; without JavaScript the − / + buttons submit here and the room comes back with the sheet
    open. Nothing is written."""
    room = room_by_code(db.session, code) or abort(404)
    context = room_page_context(db.session, room, now=utcnow(), visitor_key=get_visitor_key())
    view = next((v for v in context["shelf"] if v.item.id == item_id), None) or abort(404)
    stores = brand_stores(db.session, room.brand_id)
    form = room_checkout_form(view, stores, formdata=request.form)
    form.quantity.validate(form)  # a quantity that is not a number reads as 1, with its message
    found = quote_for_form(view.product, form, now=utcnow(), step=step_of(request.form.get("step")))
    if request.headers.get("HX-Request"):
        response = make_response(render_template("orders/_sheet_quote.html", form=form, quote=found,
                                                 product=view.product, images=[image.path for image in view.product.images],
                                                 swap_out_of_band=True))
    else:
        response = _room_page(room, buying=view, form=form, stores=stores, quote=found, sheet_open=True)
    response.vary.add("HX-Request")
    return response


def _checkout_request(form) -> CheckoutRequest:
    return checkout_request(form, user_id=_user_id(), visitor_key=get_visitor_key())


def _room_page(room, *, buying=None, form=None, stores=None, quote=None, sheet_open=False, status=200):
    now = utcnow()
    context = room_page_context(db.session, room, now=now, visitor_key=get_visitor_key())
    if buying is None and request.args.get("buy", type=int):
        buying = next((v for v in context["shelf"] if v.item.id == request.args.get("buy", type=int)), None)
    if buying is not None and form is None:
        stores = brand_stores(db.session, room.brand_id)
        form = room_checkout_form(buying, stores)
    if buying is not None and quote is None:
        quote = quote_for_form(buying.product, form, now=now)
    response = make_response(render_template("live/room.html", **context, buying=buying, form=form,
                                             stores=stores or [], quote=quote, sheet_open=sheet_open,
                                             images=[image.path for image in buying.product.images] if buying is not None else [],
                                             remind_form=HostActionForm(formdata=None)), status)
    response.headers["Content-Security-Policy"] = room_policy(room)
    return response
