"""Absolute URLs of the mall, built from PUBLIC_BASE_URL and never from the request's Host header.

A URL that leaves the page (the payment provider's return and callback addresses, share links, QR
codes, Open Graph tags) outlives the request, so a forged Host would send a signed callback, a
buyer or a whole chat group elsewhere. Works in any app context, with or without a request, so a
job builds the same URLs as a page. Relative links inside pages keep using url_for.
"""
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import MapAdapter


def public_url(endpoint: str, **values) -> str:
    """url_for(endpoint, **values) as an absolute URL under PUBLIC_BASE_URL (no '.relative' endpoints)."""
    return absolute_url(current_app.config["PUBLIC_BASE_URL"], endpoint, **values)


def public_url_for_path(path: str) -> str:
    """PUBLIC_BASE_URL + a path of this app that has already been checked to be one of our pages."""
    return current_app.config["PUBLIC_BASE_URL"] + path


def notify_url(provider: str) -> str:
    """Where the provider posts its signed callback: PAYMENT_NOTIFY_BASE_URL if set, else the public base."""
    base = current_app.config.get("PAYMENT_NOTIFY_BASE_URL") or current_app.config["PUBLIC_BASE_URL"]
    return absolute_url(base, "payments.notify", provider=provider)


def absolute_url(base: str, endpoint: str, **values) -> str:
    """Build `endpoint` against `base` (scheme, host[:port], optional path prefix) with the app's URL map."""
    current_app.inject_url_defaults(endpoint, values)
    return url_adapter(base).build(endpoint, values, force_external=True)


def url_adapter(base: str | None = None) -> MapAdapter:
    """The app's URL map bound to `base` (default PUBLIC_BASE_URL) instead of to a request."""
    parts = urlsplit(base or current_app.config["PUBLIC_BASE_URL"])
    return current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
