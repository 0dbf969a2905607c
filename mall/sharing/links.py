"""Share links as people paste them: "HTTPS://MALL.CN/P/ABC/XYZ", "…/shop/XYZ。", "…/r/XYZ)," still open.

Chat apps glue punctuation to a link and some keyboards upper-case it. The codes themselves are read
leniently where they are looked up (mall.codes.pasted_code); this catches the paths no route matches: a
share path with an upper-case prefix, or with punctuation or a slash after the last code. Such a GET is sent,
once, to the tidied path if that is one of our share pages (mall.referral.qr.SHAREABLE), else left to 404.
"""
import re
import unicodedata

from flask import Flask, redirect, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing.exceptions import RequestRedirect, RoutingException

from mall.referral.qr import SHAREABLE

_TAIL = re.compile(r"[^0-9A-Za-z]+\Z")
MAX_PATH = 120


def tidy_path(path: str) -> str:
    """The path with its first segment lower-cased and anything after the last code's letters cut off."""
    path = unicodedata.normalize("NFKC", path)[:MAX_PATH]
    parts = path.split("/")
    if len(parts) > 1:
        parts[1] = parts[1].lower()
    return _TAIL.sub("", "/".join(parts))


def init_app(app: Flask) -> None:
    @app.before_request
    def _tidy_share_links():
        if request.method != "GET" or not isinstance(request.routing_exception, HTTPException):
            return None
        if isinstance(request.routing_exception, RequestRedirect):
            return None
        tidy = tidy_path(request.path)
        # "//host/…" would be a redirect to another site: only ever a path of ours.
        if not tidy or tidy == request.path or not tidy.startswith("/") or tidy.startswith("//") or "\\" in tidy:
            return None
        try:
            endpoint, _args = app.url_map.bind("localhost").match(tidy, method="GET")
        except (HTTPException, RoutingException):
            return None
        if endpoint not in SHAREABLE:
            return None
        query = request.query_string.decode("latin-1")
        return redirect(tidy + ("?" + query if query else ""), code=301)
