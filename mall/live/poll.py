"""The viewers' poll's short answer: "304, nothing changed", given in front of Flask.

Every viewer polls /l/<code>/pin every few seconds, and nearly every answer is a 304. A full Flask request
(session, locale, login, security headers, the unit of work) costs several times the one indexed read the
answer needs, so this WSGI middleware answers a poll whose ETag is still current itself. The room's state
(id, state, pin version) comes from the shared cache (Flask-Caching: Redis with several hosts) for at most
LIVE_PIN_CACHE_SECONDS, else from the database like any host would: the state never lives only in a process,
and a pin reaches a viewer at most that much later than without the cache. Everything else, including every
poll that has something new to show or a room that started or ended, goes on to the Flask view
(mall.live.following), which always reads the database.
"""
import logging
import re
from urllib.parse import parse_qs

from redis.exceptions import RedisError
from sqlalchemy import select
from werkzeug.http import parse_etags

from mall.extensions import cache, db
from mall.live.following import etag_for
from mall.live.models import LiveRoom

log = logging.getLogger(__name__)
PATH = re.compile(r"/l/([A-Za-z0-9]{1,12})/pin")
HEADERS = [("Cache-Control", "no-cache"), ("X-Content-Type-Options", "nosniff")]
MISSING = ()  # cached for an unknown code too, so guessing codes costs no database read per poll


def cache_key(code: str) -> str:
    return f"live:pin:{code}"


class PinPoll:
    def __init__(self, wsgi_app, flask_app):
        self.wsgi_app, self.flask_app = wsgi_app, flask_app
        self.seconds = flask_app.config["LIVE_PIN_CACHE_SECONDS"]

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
        with self.flask_app.app_context():
            row = self._row(code)
        if not row:
            return None
        room_id, state, version = row
        page_state = (parse_qs(environ.get("QUERY_STRING", "")).get("s") or [""])[0]
        if page_state and page_state != state:
            return None  # the page must reload: the view says so
        return etag_for(room_id, state, version)

    def _row(self, code: str) -> tuple:
        if self.seconds <= 0:
            return self._read(code)
        try:
            row = cache.get(cache_key(code))
        except (RedisError, OSError):
            log.warning("pin cache unreachable; reading the database", exc_info=True)
            return self._read(code)
        if row is None:
            row = self._read(code)
            try:
                cache.set(cache_key(code), row, timeout=self.seconds)
            except (RedisError, OSError):
                log.warning("pin cache unreachable; not stored", exc_info=True)
        return row

    @staticmethod
    def _read(code: str) -> tuple:
        # The session Flask-SQLAlchemy gives this app context, removed (its read-only transaction ended) before
        # the answer goes out.
        try:
            row = db.session.execute(select(LiveRoom.id, LiveRoom.state, LiveRoom.pin_version)
                                     .where(LiveRoom.code == code)).first()
        finally:
            db.session.remove()
        return (row.id, str(row.state), row.pin_version) if row is not None else MISSING
