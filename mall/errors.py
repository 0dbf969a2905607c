"""Friendly error pages in the visitor's language; nothing a visitor sends should reach a 500."""
from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: _l("The request could not be understood. Please go back and try again."),
    403: _l("You are not allowed to see this page."),
    404: _l("We could not find that page. The link may be mistyped or the item is gone."),
    405: _l("That action is not available here."),
    413: _l("The upload is too large."),
    429: _l("Too many requests. Please wait a moment."),
    500: _l("Something went wrong on our side. Please try again."),
}


def register(app: Flask) -> None:
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
