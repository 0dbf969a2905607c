"""The /api/v1 blueprint: token auth per operation (mall.api.operations), no cookies, no CSRF, problems as errors."""
from flask import Blueprint, Flask

from mall.api import problems
from mall.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.after_request
def no_cookies(response):
    # Nothing the API answers may set a cookie (session, visitor id): a token client has no use for one, and a
    # cookie the API set could later be sent by a browser.
    response.headers.remove("Set-Cookie")
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Register the API (its routes are imported here) before ratelimits.init_app wraps the views."""
    from mall.api import brand, brand_catalog, consumer, docs, live, partner, sharing  # noqa: F401  (register on bp)

    # Token requests carry no cookie a forger could borrow; the pages' CSRF protection stays as it is.
    csrf.exempt(bp)
    app.register_blueprint(bp)


def init_errors(app: Flask) -> None:
    """After the pages' error handlers are registered (mall.errors, mall.ratelimits)."""
    problems.init_app(app)
