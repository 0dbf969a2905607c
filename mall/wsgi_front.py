"""What an answer given in front of Flask (mall.page_front, mall.referral.link_fast_path) checks first: that
Flask's own hooks would not refuse or redirect the request before its view. Anything they would is left to them."""
from flask import Flask
from werkzeug.exceptions import SecurityError
from werkzeug.wsgi import get_host


def is_https(environ) -> bool:
    return environ.get("wsgi.url_scheme") == "https" or environ.get("HTTP_X_FORWARDED_PROTO") == "https"


def flask_would_reach_the_view(app: Flask, environ) -> bool:
    """False for an untrusted Host, or plain http where https is forced (Talisman redirects it)."""
    config = app.config
    if config.get("FORCE_HTTPS") and not (is_https(environ) or app.debug):
        return False
    try:
        get_host(environ, trusted_hosts=config.get("TRUSTED_HOSTS"))
    except SecurityError:
        return False
    return True
