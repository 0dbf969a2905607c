"""Talisman's security headers, worked out once per page kind instead of on every request.

Flask-Talisman rebuilds every header from its options on each response (it parses the CSP dict into a string
and reads the view's overrides several times over): a tenth of a cached page's CPU. The headers only depend on
the view's own options (`@talisman(...)`), whether the request came over https (HSTS) and the nonce, so they are
kept per (endpoint, https) and set as Talisman would; with a nonce configured every response is built afresh.
"""
import threading

import flask
from flask_talisman import Talisman
from werkzeug.datastructures import Headers


class SecurityHeaders(Talisman):
    def init_app(self, app, **kwargs):
        self._by_page: dict[tuple, list[tuple[str, str]]] = {}
        self._lock = threading.Lock()
        super().init_app(app, **kwargs)

    def _set_response_headers(self, response):
        if self.content_security_policy_nonce_in:
            return super()._set_response_headers(response)
        request = flask.request
        https = request.is_secure or request.headers.get("X-Forwarded-Proto", "http") == "https"
        page = (request.endpoint, https)
        headers = self._by_page.get(page)
        if headers is None:
            scratch = flask.Response()
            scratch.headers = Headers()
            super()._set_response_headers(scratch)
            headers = list(scratch.headers.items())
            with self._lock:
                self._by_page[page] = headers
        for name, value in headers:
            response.headers[name] = value
        return response
