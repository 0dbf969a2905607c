"""Following the pin: the viewers' poll, answered from one indexed row, 304 while nothing changed.

The state (pinned item, pin version, room state) lives in the database, so any gunicorn host answers any
viewer. The ETag is the room's pin version and state; the page also sends the state it shows, and when the
room has started or ended since, htmx is told to reload the page (the player and buttons change with it).
"""
from datetime import datetime

from flask import Response, abort, make_response, render_template, request

from mall.live.models import LiveRoom
from mall.live.queries import pin_version, pinned_product
from mall.templating import locale_code

POLL_SECONDS = 3
# A pin reaches every viewer within one poll interval, so right after it each host renders the same fragment
# hundreds of times. It is rendered once per process for each (room, state, pin version, language): the version
# is read from the database on every poll, so the memo only ever repeats what the database says now.
_RENDERED: dict[tuple, str] = {}
RENDERED_MAX = 512


def _fragment(session, room_id: int, state: str, version: int, now: datetime) -> str:
    key = (room_id, state, version, locale_code())
    html = _RENDERED.get(key)
    if html is None:
        room = session.get(LiveRoom, room_id)
        html = render_template("live/_pin.html", room=room, pinned=pinned_product(session, room, now=now))
        if len(_RENDERED) >= RENDERED_MAX:
            _RENDERED.clear()
        _RENDERED[key] = html
    return html


def etag_for(room_id: int, state: str, version: int) -> str:
    return f"r{room_id}-{state}-{version}"


def pin_response(session, code: str, *, page_state: str, now: datetime) -> Response:
    row = pin_version(session, code) or abort(404)
    room_id, state, version = row
    etag = etag_for(room_id, state, version)
    if page_state and page_state != state:
        response = Response(status=200)
        response.headers["HX-Refresh"] = "true"
    elif etag in request.if_none_match:
        response = Response(status=304)
    else:
        response = make_response(_fragment(session, room_id, state, version, now))
    response.set_etag(etag)
    # Revalidate every time: a cached fragment must never hide a new pin.
    response.headers["Cache-Control"] = "no-cache"
    return response
