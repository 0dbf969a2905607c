"""The page cache's copies of the product, home, brand, live room and storefront pages, answered in front of Flask.

The rule: an answer given here is the copy the Flask view would serve this visitor from the page cache
(mall/page_cache.py), with the same headers, or no answer at all. Only a plain GET (no query string, not htmx)
of one of those pages qualifies, from a visitor nobody is logged in as (no user in the session cookie, no
remember cookie) with no flashed message waiting, and only when everything the view's key depends on is at
hand without the database: the page's fingerprint as page_cache.remembered holds it under the current shared
generation token (so a price saved on any host renews it here exactly as for the view), the visitor's guide
store as mall.shop.guide_store remembers it, and the stored copy itself. A live room page also needs the
browser's visitor key and its heartbeat recorded a moment ago (mall.live.heartbeat: every view still counts),
and a room that has started (one not yet started shows whether this browser asked to be reminded). A storefront
visit writes what the view writes, a touch for each brand on show, committed before the page leaves, under the
same touch rate limit, with the visitor cookie given to a browser without one (one we did not sign: Flask). Anything
else (a miss, an unknown code, a Host not trusted, plain http where https is forced) goes on to Flask, which
renders or serves from the cache and so fills what is missing for the next visitor.

The answer carries the stored body with this visitor's values filled in: the CSRF token made as Flask-WTF's
generate_csrf makes it, from the raw token in the visitor's session cookie or a new one written into it (the
cookie then set as Flask's session interface sets it: same name, value format and attributes), and a fresh key
for every other Slot (the buy sheet's idempotency key). Its headers are the ones Flask gave, for the same page
over the same scheme, to the last such visitor it answered (Talisman's security headers and CSP, Vary), without
their cookies; a room's CSP is its own (the snapshot's, as the view sets it). Why: a cached page through Flask still cost about 0.5 ms of CPU in the framework (contexts,
session, locale, hooks) for a 21 KB string; here it is the few cache reads the answer needs.
"""
import logging
import secrets
import threading
import time
from functools import lru_cache

from babel import Locale
from flask import Flask
from flask.sessions import SecureCookieSession
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE
from itsdangerous import BadSignature, URLSafeTimedSerializer
from redis.exceptions import RedisError
from werkzeug.exceptions import HTTPException
from werkzeug.http import dump_cookie, parse_cookie
from werkzeug.routing import RoutingException

from mall import metrics, page_cache, unit_of_work
from mall.catalog.pages import normalise_code
from mall.clock import utcnow
from mall.database import visits_only
from mall.extensions import cache, db
from mall.i18n import COOKIE as LANGUAGE_COOKIE
from mall.i18n import locale_for
from mall.live.heartbeat import recently_seen
from mall.live.models import RoomState
from mall.live.routes import room_memo, room_variant
from mall.ratelimits import touch_allowed_for
from mall.referral.visitor import COOKIE as VISITOR_COOKIE
from mall.referral.visitor import read_visitor_key, visitor_cookie
from mall.shop.guide_store import UNKNOWN, remembered_guide_store
from mall.shop.routes import HOME_MEMO, brand_memo, product_memo, product_variant
from mall.storefront.routes import storefront_memo
from mall.storefront.visits import record_storefront_visit
from mall.wsgi_front import flask_would_reach_the_view, is_https

log = logging.getLogger(__name__)
ENDPOINTS = ("catalog.product", "catalog.home", "catalog.brand", "live.room", "storefront.page")
# Paths and visitor cookies come from the outside: what is remembered of them stays bounded.
MAX_REMEMBERED = 5000


@lru_cache(maxsize=16)
def _babel_name(locale: str) -> str:
    """The locale as the view's key names it: str(flask_babel.get_locale()), e.g. zh_CN is zh_Hans_CN."""
    return str(Locale.parse(locale))


class PageFront:
    def __init__(self, wsgi_app, flask_app: Flask):
        self.wsgi_app, self.app = wsgi_app, flask_app
        self._pages: dict[str, tuple | None] = {}  # path -> (endpoint, view args), or None: not ours
        self._headers: dict[tuple, list] = {}  # (endpoint, https) -> Flask's last headers, cookies left out
        self._visitors: dict[str, str | None] = {}  # signed vid cookie -> visitor key (a signature stays valid)
        self._serializer = self._signer = None
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        page = self._page(environ) if self.app.config["PAGE_CACHE_SECONDS"] > 0 else None
        if page is None:
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        session = self._plain_session(cookies)
        https = is_https(environ)
        if session is None or not flask_would_reach_the_view(self.app, environ):
            return self.wsgi_app(environ, start_response)
        headers = self._headers.get((page[0], https))
        answer = None
        if headers is not None:
            try:
                with self.app.app_context():
                    answer = self._answer(page, environ, cookies, session)
            except Exception:  # noqa: BLE001  a fault here must cost a Flask answer, never the visitor's page
                log.exception("page front failed; Flask answers")
        if answer is None:
            return self.wsgi_app(environ, self._noting_headers(page[0], https, start_response))
        body, own = answer
        start_response("200 OK", [*headers, ("Content-Length", str(len(body))), *own])
        metrics.observe(page[0], "GET", 200, time.perf_counter() - started)
        return [body]

    def _page(self, environ) -> tuple | None:
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("QUERY_STRING") or environ.get("HTTP_HX_REQUEST"):
            return None
        path = environ.get("PATH_INFO") or "/"
        if path in self._pages:
            return self._pages[path]
        found = None
        if path.isascii() and path.isprintable():  # else Flask decodes and tidies it
            try:
                endpoint, args = self.app.url_map.bind("localhost").match(path, method="GET")
            except (HTTPException, RoutingException):  # a redirect (a missing slash) or no such page
                endpoint, args = None, None
            found = (endpoint, args) if endpoint in ENDPOINTS else None
        self._remember(self._pages, path, found)
        return found

    def _plain_session(self, cookies) -> dict | None:
        """The visitor's session as Flask would open it, or None if someone is (or may be) logged in or a
        flashed message waits: those visitors get their own page from Flask."""
        config = self.app.config
        if config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE) in cookies:
            return None
        data = {}
        value = cookies.get(config["SESSION_COOKIE_NAME"])
        serializer = self._session_serializer()
        if serializer is None:
            return None  # no secret key: Flask has no session to give either
        if value:
            try:
                data = serializer.loads(value, max_age=int(self.app.permanent_session_lifetime.total_seconds()))
            except BadSignature:
                data = {}  # Flask starts an empty session too
        if not isinstance(data, dict) or "_user_id" in data or "_flashes" in data:
            return None
        return data

    def _session_serializer(self):
        """Flask's session serializer (made anew by Flask for every request: here once per secret key)."""
        secret = self.app.secret_key
        if self._serializer is None or self._serializer[0] != secret:
            self._serializer = (secret, self.app.session_interface.get_signing_serializer(self.app))
        return self._serializer[1]

    def _csrf_signer(self) -> URLSafeTimedSerializer:
        secret = self.app.config.get("WTF_CSRF_SECRET_KEY") or self.app.secret_key
        if self._signer is None or self._signer[0] != secret:
            self._signer = (secret, URLSafeTimedSerializer(secret, salt="wtf-csrf-token"))  # as generate_csrf
        return self._signer[1]

    def _answer(self, page: tuple, environ, cookies, session: dict) -> tuple[bytes, list] | None:
        key, policy, visit = self._key(page, environ, cookies)
        if key is None:
            return None
        try:
            stored = cache.get(key)
        except (RedisError, OSError):
            return None  # Flask renders (and logs it)
        if not isinstance(stored, str):
            return None
        own = [("Content-Security-Policy", policy)] if policy else []  # a room's player: its own header
        for slot in page_cache.SLOTS:
            if slot.marker in stored:
                if slot is page_cache.CSRF_TOKEN:
                    token, cookie = self._csrf_token(session)
                    stored, own = stored.replace(slot.marker, token), own + cookie
                else:
                    stored = stored.replace(slot.marker, slot.fresh())
        if visit is not None:  # last: once the visit is committed nothing may send this visitor on to Flask
            cookie = self._record_visit(environ, *visit)
            if cookie is None:
                return None
            own += cookie
        return stored.encode(), own

    def _record_visit(self, environ, links: tuple, visitor: str | None) -> list | None:
        """A storefront's touches, committed as the view's unit of work commits them; the visitor cookie to set
        (as get_or_set_visitor_key sets it), or None if the write failed (rolled back: Flask records it)."""
        if not links or not touch_allowed_for(self.app, environ.get("REMOTE_ADDR") or "127.0.0.1"):
            return []  # the view records nothing then either, and gives no cookie
        key = visitor or secrets.token_urlsafe(16)
        try:
            visits_only(db.session)  # as the view: nothing but the visit is written
            record_storefront_visit(db.session, links, key, None, utcnow())
            unit_of_work.commit(db.session)
        except Exception:  # noqa: BLE001  Flask answers instead, from a clean transaction
            log.exception("storefront visit in the page front failed; Flask answers")
            unit_of_work.rollback(db.session)
            return None
        finally:
            db.session.remove()
        if visitor:
            return []
        return [("Set-Cookie", dump_cookie(**visitor_cookie(key)))]

    def _key(self, page: tuple, environ, cookies) -> tuple[str | None, str | None, tuple | None]:
        """The page-cache key the view would serve this visitor from, if it can be known without the database;
        a room's CSP header; and for a storefront the visit to record (the brands' links, the visitor key)."""
        endpoint, args = page
        now = utcnow()
        token = page_cache.generation()  # unreachable Redis: a token nothing remembered was taken under
        visitor = self._visitor_key(cookies.get(VISITOR_COOKIE))
        code = normalise_code(args["code"]) if "code" in args else None
        nothing = None, None, None
        if endpoint == "live.room" and (visitor is None or not recently_seen(code, visitor)):
            return nothing  # the view gives the browser its key or records its heartbeat
        if endpoint == "storefront.page" and visitor is None and cookies.get(VISITOR_COOKIE):
            return nothing  # a cookie we did not sign: the view replaces it
        memo = {"catalog.home": lambda: HOME_MEMO, "catalog.brand": lambda: brand_memo(args["slug"]),
                "catalog.product": lambda: product_memo(args["code"]), "live.room": lambda: room_memo(code),
                "storefront.page": lambda: storefront_memo(args["partner_code"])}[endpoint]()
        known, freshness = page_cache.recalled(memo, now, token)
        if not known or freshness is None:
            return nothing
        fingerprint, policy, visit = freshness.fingerprint, None, None
        if endpoint == "catalog.product":
            pickup_store_id = None
            if visitor is not None:
                pickup_store_id = remembered_guide_store(visitor, freshness.brand_id)
                if pickup_store_id is UNKNOWN:
                    return nothing
            fingerprint = product_variant(freshness, pickup_store_id)
        elif endpoint == "live.room":
            if freshness.state == RoomState.SCHEDULED:
                return nothing  # whether this browser asked to be reminded is in the database
            fingerprint, policy = room_variant(freshness, False), freshness.policy
        elif endpoint == "storefront.page":
            visit = (freshness.links, visitor)
        locale = _babel_name(locale_for(cookies.get(LANGUAGE_COOKIE), environ.get("HTTP_ACCEPT_LANGUAGE"),
                                        self.app.config))
        # Flask's request.full_path: the path with one leading slash, then "?" and the (here empty) query.
        path = "/" + environ.get("PATH_INFO", "").lstrip("/") + "?"
        return page_cache.key_for(locale, path, False, fingerprint), policy, visit

    def _visitor_key(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        if cookie not in self._visitors:
            self._remember(self._visitors, cookie, read_visitor_key(cookie))
        return self._visitors[cookie]

    def _csrf_token(self, session: dict) -> tuple[str, list]:
        """Flask-WTF's generate_csrf for this session, and the session cookie to set if it changed."""
        config = self.app.config
        field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        signer = self._csrf_signer()
        changed = field not in session
        # The raw token is only ever compared with itself (Flask-WTF: compare_digest with the session's); 40 hex
        # characters like Flask-WTF's own, from the secrets module rather than SHA-1 of random bytes.
        if changed:
            session[field] = secrets.token_hex(20)
        try:
            token = signer.dumps(session[field])
        except TypeError:
            session[field], changed = secrets.token_hex(20), True
            token = signer.dumps(session[field])
        return token, [("Set-Cookie", self._session_cookie(session))] if changed else []

    def _session_cookie(self, data: dict) -> str:
        app, interface = self.app, self.app.session_interface
        session = SecureCookieSession(data)
        return dump_cookie(
            interface.get_cookie_name(app), self._session_serializer().dumps(dict(session)),
            expires=interface.get_expiration_time(app, session), httponly=interface.get_cookie_httponly(app),
            domain=interface.get_cookie_domain(app), path=interface.get_cookie_path(app),
            secure=interface.get_cookie_secure(app), partitioned=interface.get_cookie_partitioned(app),
            samesite=interface.get_cookie_samesite(app), max_size=app.config["MAX_COOKIE_SIZE"])

    def _noting_headers(self, endpoint: str, https: bool, start_response):
        """start_response that keeps the headers of Flask's 200 for such a visitor, without cookies and length."""

        # A room's CSP names its own player's hosts: each answer sets the room's.
        dropped = {"set-cookie", "content-length"} | ({"content-security-policy"} if endpoint == "live.room" else set())

        def noting(status, headers, exc_info=None):
            if status.startswith("200 ") and exc_info is None:
                kept = [(name, value) for name, value in headers if name.lower() not in dropped]
                with self._lock:
                    self._headers[(endpoint, https)] = kept
            return start_response(status, headers, exc_info)

        return noting

    def _remember(self, memo: dict, key, value) -> None:
        with self._lock:
            if len(memo) >= MAX_REMEMBERED:
                memo.clear()
            memo[key] = value
