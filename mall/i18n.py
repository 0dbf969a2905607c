"""Language choice: an explicit choice (cookie) wins, then the browser; Chinese is the default."""
from functools import lru_cache
from urllib.parse import urlsplit

from flask import Blueprint, current_app, has_request_context, redirect, request
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_cookie

bp = Blueprint("i18n", __name__)
COOKIE = "lang"


def select_locale() -> str:
    if not has_request_context():  # CLI jobs and background threads speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    # The API reads no cookie (mall.api.auth): its clients say their language with Accept-Language.
    chosen = None if request.path.startswith("/api/") else request.cookies.get(COOKIE)
    return locale_for(chosen, request.headers.get("Accept-Language"), current_app.config)


def locale_of(environ, config) -> str:
    """The language select_locale would choose for this WSGI request, for answers given before Flask runs."""
    return locale_for(parse_cookie(environ.get("HTTP_COOKIE")).get(COOKIE), environ.get("HTTP_ACCEPT_LANGUAGE"), config)


def locale_for(chosen: str | None, accept_language: str | None, config) -> str:
    """choose_locale for a cookie and a raw Accept-Language header, each pair parsed once per process."""
    return _locale_for(chosen, accept_language, tuple(config["LANGUAGES"]), config["BABEL_DEFAULT_LOCALE"])


# Phones send a handful of distinct Accept-Language headers; parsing one cost more than the rest of a cached
# page. Bounded, so made-up headers cannot grow the process.
@lru_cache(maxsize=1024)
def _locale_for(chosen, accept_language, languages: tuple, default: str) -> str:
    accept = parse_accept_header(accept_language, LanguageAccept)
    return choose_locale(chosen, accept, {"LANGUAGES": languages, "BABEL_DEFAULT_LOCALE": default})


def choose_locale(chosen: str | None, accept: LanguageAccept, config) -> str:
    if chosen in config["LANGUAGES"]:
        return chosen
    if not accept:
        return config["BABEL_DEFAULT_LOCALE"]
    best = accept.best_match(["zh-CN", "zh", "en"])
    if best is None:
        return "en"
    return "zh_CN" if best.startswith("zh") else "en"


@bp.get("/lang/<code>")
def switch(code: str):
    target = safe_next(request.args.get("next"))
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def safe_next(target: str | None) -> str:
    """Only same-site paths, so a crafted link cannot bounce a visitor to another site."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target
