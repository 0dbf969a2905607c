"""The viewers' poll's short answer: "304, nothing changed", given in front of Flask.

Every viewer polls /l/<code>/pin every few seconds, and nearly every answer is a 304. A full Flask request
(session, locale, login, security headers, the unit of work) costs several times the one indexed read the
answer needs, so this WSGI middleware answers a poll whose ETag is still current itself, from the database
like any host would (the state never lives in a process). Everything else, including every poll that has
something new to show or a room that started or ended, goes on to the Flask view (mall.live.following).
"""
import re
from urllib.parse import parse_qs

from sqlalchemy import select
from werkzeug.http import parse_etags

from mall.extensions import db
from mall.live.following import etag_for
from mall.live.models import LiveRoom

PATH = re.compile(r"/l/([A-Za-z0-9]{1,12})/pin")
HEADERS = [("Cache-Control", "no-cache"), ("X-Content-Type-Options", "nosniff")]


class PinPoll:
    def __init__(self, wsgi_app, flask_app):
        self.wsgi_app, self.flask_app = wsgi_app, flask_app

    def __call__(self, environ, start_response):
        match = PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match and environ.get("REQUEST_METHOD") == "GET" and environ.get("HTTP_IF_NONE_MATCH"):
            etag = self._current(match.group(1).upper(), environ)
            if etag is not None and parse_etags(environ["HTTP_IF_NONE_MATCH"]).contains(etag):
                start_response("304 Not Modified", [("ETag", f'"{etag}"'), *HEADERS])
                return [b""]
        return self.wsgi_app(environ, start_response)

    def _current(self, code: str, environ) -> str | None:
        """The room's current ETag if the page still shows the room's state, else None (Flask answers)."""
        # An app context of its own (no request context): its session is the one Flask-SQLAlchemy gives this
        # context, removed (its read-only transaction ended) before the answer goes out.
        with self.flask_app.app_context():
            try:
                row = db.session.execute(select(LiveRoom.id, LiveRoom.state, LiveRoom.pin_version)
                                         .where(LiveRoom.code == code)).first()
            finally:
                db.session.remove()
        if row is None:
            return None
        page_state = (parse_qs(environ.get("QUERY_STRING", "")).get("s") or [""])[0]
        if page_state and page_state != row.state:
            return None  # the page must reload: the view says so
        return etag_for(row.id, row.state, row.pin_version)
