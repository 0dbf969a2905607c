"""Language choice: an explicit choice (cookie) wins, then the browser; Chinese is the default."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, has_request_context, redirect, request

bp = Blueprint("i18n", __name__)
COOKIE = "lang"


def select_locale() -> str:
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI jobs and background threads speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    # The API reads no cookie (mall.api.auth): its clients say their language with Accept-Language.
    chosen = None if request.path.startswith("/api/") else request.cookies.get(COOKIE)
    if chosen in supported:
        return chosen
    if not request.accept_languages:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
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
