"""Friendly error pages in the visitor's language; nothing a visitor sends should reach a 500."""
from flask import Flask, abort, render_template, request
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from mall.urls import url_adapter

MESSAGES = {
    400: _l("The request could not be understood. Please go back and try again."),
    403: _l("You are not allowed to see this page."),
    404: _l("We could not find that page. The link may be mistyped or the item is gone."),
    405: _l("That action is not available here."),
    413: _l("The upload is too large."),
    429: _l("Too many requests. Please wait a moment."),
    500: _l("Something went wrong on our side. Please try again."),
}


def refuse_untrusted_hosts(app: Flask) -> None:
    """A Host header outside TRUSTED_HOSTS (mall.startup) is answered with our 400 page, and nothing else runs.

    Flask records werkzeug's SecurityError as the routing error, but before_request hooks (Talisman,
    CSRF) run before it is raised and read the Host themselves; so this hook must be the first one.
    """

    @app.before_request
    def untrusted_host():
        if isinstance(request.routing_exception, SecurityError):
            raise request.routing_exception

    @app.errorhandler(SecurityError)
    def untrusted_host_page(err):
        # Flask had no Host to build URLs with; the page's own links (relative) come from the public base.
        ctx = request_ctx._get_current_object()
        if ctx.url_adapter is None:
            ctx.url_adapter = url_adapter()
        return render_template("errors/error.html", code=400, message=MESSAGES[400]), 400


def register(app: Flask) -> None:
    @app.before_request
    def refuse_nul_bytes():
        # No text we store or look up may hold NUL: PostgreSQL refuses it with an error, so refuse it first.
        if "\x00" in request.path or any("\x00" in value for value in request.args.values()):
            abort(400)
        if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if any("\x00" in value for value in request.form.values()):
                abort(400)

    @app.errorhandler(CSRFError)
    def csrf_error(err):
        message = _l("Your form expired or was sent from elsewhere. Please reload the page and try again.")
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        code = err.code or 500
        message = MESSAGES.get(code, err.description)
        return render_template("errors/error.html", code=code, message=message), code

    @app.errorhandler(500)
    def server_error(err):
        return render_template("errors/error.html", code=500, message=MESSAGES[500]), 500
