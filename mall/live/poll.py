"""The viewers' poll answered in front of Flask: "304, nothing changed", or the pin everybody asks for.

Every viewer polls /l/<code>/pin every few seconds, and nearly every answer is a 304. A full Flask request
(session, locale, login, security headers, the unit of work) costs several times the one indexed read the
answer needs, so this WSGI middleware answers a poll whose ETag is still current itself. The room's state
(id, state, pin version) comes from the shared cache (Flask-Caching: Redis with several hosts) for at most
LIVE_PIN_CACHE_SECONDS, else from the database like any host would: the state never lives only in a process,
and a pin reaches a viewer at most that much later than without the cache. Everything else, including every
poll that has something new to show or a room that started or ended, goes on to the Flask view
(mall.live.following), which always reads the database.

Right after a pin every viewer asks for the new fragment within one poll interval: a thousand full Flask
requests in three seconds, which is what made the poll's p99 hundreds of milliseconds. So the first answer
Flask gives for a version (status 200, that version's ETag, no cookie set: the same bytes for everyone of a
language) is kept in the shared cache under (ETag, language), and the other viewers get exactly those bytes.
"""
import logging
import re
from urllib.parse import parse_qs

from redis.exceptions import RedisError
from sqlalchemy import select
from werkzeug.http import parse_etags

from mall.extensions import cache, db
from mall.i18n import locale_of
from mall.live.following import etag_for
from mall.live.models import LiveRoom

log = logging.getLogger(__name__)
PATH = re.compile(r"/l/([A-Za-z0-9]{1,12})/pin")
HEADERS = [("Cache-Control", "no-cache"), ("X-Content-Type-Options", "nosniff")]
MISSING = ()  # cached for an unknown code too, so guessing codes costs no database read per poll
# A version's fragment never changes (the ETag names the room, state and pin version), so the answer Flask gave
# for it is kept a while: right after a pin every viewer asks for it within one poll interval.
ANSWER_SECONDS = 60


def cache_key(code: str) -> str:
    return f"live:pin:{code}"


def answer_key(etag: str, locale: str) -> str:
    return f"live:pin-answer:{etag}:{locale}"


class PinPoll:
    def __init__(self, wsgi_app, flask_app):
        self.wsgi_app, self.flask_app = wsgi_app, flask_app
        self.seconds = flask_app.config["LIVE_PIN_CACHE_SECONDS"]

    def __call__(self, environ, start_response):
        match = PATH.fullmatch(environ.get("PATH_INFO", ""))
        if not match or environ.get("REQUEST_METHOD") != "GET":
            return self.wsgi_app(environ, start_response)
        # Flask runs outside this app context: inside it, Flask would reuse it and end it too early.
        with self.flask_app.app_context():
            etag = self._current(match.group(1).upper(), environ)
            current = etag is not None and bool(environ.get("HTTP_IF_NONE_MATCH")) and parse_etags(
                environ["HTTP_IF_NONE_MATCH"]).contains(etag)
            key = answer_key(etag, locale_of(environ, self.flask_app.config)) if etag else None
            answer = self._cached(key) if key and not current else None
        if current:
            start_response("304 Not Modified", [("ETag", f'"{etag}"'), *HEADERS])
            return [b""]
        if answer is not None:
            headers, body = answer
            start_response("200 OK", [*headers, ("Content-Length", str(len(body)))])
            return [body]
        if key is None:
            return self.wsgi_app(environ, start_response)
        return self._answer_and_remember(key, etag, environ, start_response)

    def _current(self, code: str, environ) -> str | None:
        """The room's current ETag if the page still shows the room's state, else None (Flask answers)."""
        row = self._row(code)
        if not row:
            return None
        room_id, state, version = row
        page_state = (parse_qs(environ.get("QUERY_STRING", "")).get("s") or [""])[0]
        if page_state and page_state != state:
            return None  # the page must reload: the view says so
        return etag_for(room_id, state, version)

    def _cached(self, key: str):
        if self.seconds <= 0:
            return None
        try:
            return cache.get(key)
        except (RedisError, OSError):
            log.warning("pin cache unreachable; Flask answers", exc_info=True)
            return None

    def _answer_and_remember(self, key: str, etag: str, environ, start_response):
        """Flask answers; a 200 for this very version, meant for anyone (no cookie set), is kept for the others."""
        seen = {}

        def capture(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        iterable = self.wsgi_app(environ, capture)
        try:
            body = b"".join(iterable)
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
        headers = [(name, value) for name, value in seen.get("headers", ()) if name.lower() != "content-length"]
        names = {name.lower(): value for name, value in headers}
        if (self.seconds > 0 and seen.get("status", "").startswith("200") and names.get("etag") == f'"{etag}"'
                and "set-cookie" not in names and "hx-refresh" not in names):
            with self.flask_app.app_context():
                try:
                    cache.set(key, (headers, body), timeout=ANSWER_SECONDS)
                except (RedisError, OSError):
                    log.warning("pin cache unreachable; answer not kept", exc_info=True)
        return [body]

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
