"""The visitor cookie "vid": a random id signed with the app secret, so guests' touches survive
across visits and hosts (the app is stateless) and nobody can pose as another browser."""
import functools
import secrets

from flask import after_this_request, current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "vid"
SALT = "vid"
MAX_AGE = 2 * 365 * 24 * 3600  # two years: a customer may come back to a link long after the chat


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def sign_visitor_key(key: str) -> str:
    return _serializer().dumps(key)


def read_visitor_key(cookie: str | None) -> str | None:
    """The id inside a cookie value, or None if it is missing or was not signed by us."""
    if not cookie:
        return None
    secret = current_app.config["SECRET_KEY"]
    return _verified(secret if isinstance(secret, str | bytes) else tuple(secret), cookie)


@functools.lru_cache(maxsize=4096)
def _verified(secret: str, cookie: str) -> str | None:
    # A browser sends the same cookie on every visit: its signature is checked once per process (per secret).
    try:
        key = URLSafeSerializer(secret, salt=SALT).loads(cookie)
    except BadSignature:
        return None
    return key if isinstance(key, str) and 0 < len(key) <= 40 else None


def visitor_cookie(key: str) -> dict:
    """The visitor cookie for `key`: keyword arguments of Response.set_cookie and werkzeug's dump_cookie (the
    answers given in front of Flask set the same cookie as the view)."""
    return dict(key=COOKIE, value=sign_visitor_key(key), max_age=MAX_AGE, httponly=True, samesite="Lax",
                secure=current_app.config.get("SESSION_COOKIE_SECURE", False))


def get_visitor_key() -> str | None:
    """This browser's visitor key, if it has one (or was given one earlier in this request)."""
    return g.get("visitor_key") or read_visitor_key(request.cookies.get(COOKIE))


def get_or_set_visitor_key() -> str:
    """This browser's visitor key; a new one is made and set on the response if it has none."""
    key = get_visitor_key()
    if key:
        return key
    key = secrets.token_urlsafe(16)
    g.visitor_key = key

    @after_this_request
    def _set_cookie(response):
        response.set_cookie(**visitor_cookie(key))
        return response

    return key
