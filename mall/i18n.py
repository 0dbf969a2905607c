"""Language choice: an explicit choice (cookie) wins, then the browser; Chinese is the default."""
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
    return choose_locale(chosen, request.accept_languages, current_app.config)


def locale_of(environ, config) -> str:
    """The language select_locale would choose for this WSGI request, for answers given before Flask runs."""
    chosen = parse_cookie(environ.get("HTTP_COOKIE")).get(COOKIE)
    return choose_locale(chosen, parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept), config)


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
