"""The share link's plain case answered in front of Flask: touch, binding, commit, redirect.

A link pasted into five group chats is opened by hundreds of phones a minute, and each opening writes a touch.
Around that write Flask's request machinery (session, locale, login, limiter resolution, Talisman, the metrics
hooks, the unit of work) cost as much again as the write itself, and on SQLite the write lock was held through
all of its after-request hooks. So this WSGI middleware answers `GET /p/<product>/<partner>` for an anonymous
visitor itself, with exactly what the view (mall.referral.routes.product_link) does: the same touch rate limit
(same limiter, storage and counter), the same touch and binding written by the same services in one transaction,
committed before the answer leaves (an order placed right after the link is attributed as through Flask), the
same visitor cookie, the same redirect and the same security headers (Talisman's own, computed once per scheme).

Anything else goes on to Flask unchanged: another method, a session or remember-me cookie (a logged-in or
flashed visitor), a visitor cookie we did not sign, an unknown product or partner, a partner of another brand,
a query string other than the journey marker ?j=, an untrusted Host, plain http where https is forced, and any
error on the way (its transaction rolled back first, so Flask starts from nothing).
"""
import logging
import re
import secrets
import time
from urllib.parse import parse_qs

from flask import Flask
from werkzeug.http import parse_cookie
from werkzeug.wrappers import Response

from mall import unit_of_work
from mall.clock import utcnow
from mall.database import visits_only
from mall.extensions import db, talisman
from mall.metrics import REQUEST_SECONDS, REQUESTS
from mall.ratelimits import touch_allowed_for
from mall.referral.routes import share_link_facts
from mall.referral.visitor import COOKIE, read_visitor_key, visitor_cookie
from mall.referral.visits import record_link_visit
from mall.wsgi_front import flask_would_reach_the_view, is_https

log = logging.getLogger(__name__)
PATH = re.compile(r"/p/([A-Za-z0-9]{1,40})/([A-Za-z0-9]{1,12})")
ENDPOINT = "referral.product_link"


class ShareLinkFastPath:
    def __init__(self, wsgi_app, flask_app: Flask):
        self.wsgi_app, self.flask_app = wsgi_app, flask_app
        self._security_headers: dict[bool, list[tuple[str, str]]] = {}

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        match = PATH.fullmatch(environ.get("PATH_INFO", ""))
        plain = match and self.flask_app.config["SHARE_LINK_FAST_PATH"] and self._plain(environ)
        response = self._answer(environ, *match.groups()) if plain else None
        if response is None:
            return self.wsgi_app(environ, start_response)
        REQUEST_SECONDS.labels(ENDPOINT, "GET").observe(time.perf_counter() - started)
        REQUESTS.labels(ENDPOINT, "GET", f"{response.status_code // 100}xx").inc()
        return response(environ, start_response)

    def _plain(self, environ) -> bool:
        """A GET by an anonymous visitor, nothing Flask would answer differently."""
        config = self.flask_app.config
        if environ.get("REQUEST_METHOD") != "GET":
            return False
        cookies = parse_cookie(environ.get("HTTP_COOKIE"))
        if config["SESSION_COOKIE_NAME"] in cookies or config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies:
            return False
        return flask_would_reach_the_view(self.flask_app, environ)

    def _answer(self, environ, product_code: str, partner_code: str) -> Response | None:
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if set(query) - {"j"} or any("\x00" in value for values in query.values() for value in values):
            return None
        raw_cookie = parse_cookie(environ.get("HTTP_COOKIE")).get(COOKIE)
        # Flask runs outside this app context: inside it, Flask would reuse it and end it too early.
        with self.flask_app.app_context():
            key = read_visitor_key(raw_cookie) if raw_cookie else None
            if raw_cookie and key is None:
                return None  # a cookie we did not sign: Flask replaces it
            try:
                product = self._visit(environ, product_code, partner_code, key, (query.get("j") or [""])[0])
            except Exception:  # noqa: BLE001  Flask answers instead, from a clean transaction, as it always did
                log.exception("share link fast path failed; Flask answers")
                unit_of_work.rollback(db.session)
                return None
            finally:
                db.session.remove()
            if product is None:
                return None
            code, new_key = product
            location = self.flask_app.url_map.bind_to_environ(
                environ, server_name=self.flask_app.config["SERVER_NAME"]).build("catalog.product", {"code": code})
            response = self.flask_app.redirect(location)
            if new_key:
                response.set_cookie(**visitor_cookie(new_key))
        response.headers.extend(self._headers(environ))
        return response

    def _visit(self, environ, product_code: str, partner_code: str, key: str | None, ref: str):
        """(product code, the visitor key made for this browser or None) after the touch is committed; None when
        the link is not the plain case."""
        now = utcnow()
        product, link = share_link_facts(db.session, product_code, partner_code, now)
        if product is None or link is None or link.brand_id != product.brand_id:
            return None
        new_key = None
        if touch_allowed_for(self.flask_app, environ.get("REMOTE_ADDR") or "127.0.0.1"):
            new_key = None if key else secrets.token_urlsafe(16)
            visits_only(db.session)
            record_link_visit(db.session, link=link, brand_id=product.brand_id, channel="link",
                              target=f"product:{product.code}", visitor_key=key or new_key, user_id=None, ref=ref,
                              now=now)
            unit_of_work.commit(db.session)
        return product.code, new_key

    def _headers(self, environ) -> list[tuple[str, str]]:
        """What Flask adds to this answer: Talisman's security headers (they depend only on whether the request
        is secure) and the Vary that reading the session adds."""
        secure = is_https(environ)
        if secure not in self._security_headers:
            # Talisman's own after-request function, not a copy of its settings: a changed policy reaches this
            # answer too (tests/integration/test_share_link_fast_path.py compares the header sets with Flask's).
            with self.flask_app.request_context(environ):
                probe = Response()
                talisman._set_response_headers(probe)
            headers = [(name, value) for name, value in probe.headers.items()
                       if name.lower() not in ("content-type", "content-length")]
            self._security_headers[secure] = [*headers, ("Vary", "Cookie")]
        return self._security_headers[secure]
