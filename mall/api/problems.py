"""Errors of the API as RFC 9457 problem details (application/problem+json), one stable `type` per error.

A client switches on `type` (urn:mall:problem:<name>), never on `title` or `detail`, which are words for
people in the request's language. Validation problems list each field with its message in `errors`.
"""
from flask import Flask, Response, current_app, jsonify, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError, TooManyRequests

PREFIX = "/api/"
MEDIA_TYPE = "application/problem+json"

TITLES = {
    "invalid-request": (400, _l("The request could not be understood.")),
    "unauthenticated": (401, _l("A valid API token is required.")),
    "forbidden": (403, _l("This token may not do that.")),
    "not-found": (404, _l("Not found.")),
    "method-not-allowed": (405, _l("That method is not available here.")),
    "conflict": (409, _l("That conflicts with the current state.")),
    "idempotency-key-reused": (422, _l("This Idempotency-Key was already used for a different request.")),
    "validation-failed": (422, _l("Some fields are not valid.")),
    "refused": (422, _l("The request was refused.")),
    "payload-too-large": (413, _l("The request is too large.")),
    "rate-limited": (429, _l("Too many requests.")),
    "server-error": (500, _l("Something went wrong on our side.")),
}
BY_STATUS = {400: "invalid-request", 401: "unauthenticated", 403: "forbidden", 404: "not-found",
             405: "method-not-allowed", 409: "conflict", 413: "payload-too-large", 422: "refused",
             429: "rate-limited", 500: "server-error"}


class ApiProblem(Exception):
    """Raised by API views: becomes a problem response with this name's status and title."""

    def __init__(self, name: str, detail: str | None = None, *, errors: list[dict] | None = None,
                 headers: dict | None = None):
        super().__init__(name)
        self.name, self.detail, self.errors, self.headers = name, detail, errors, headers or {}


def problem_type(name: str) -> str:
    return f"urn:mall:problem:{name}"


def problem_response(name: str, detail: str | None = None, *, errors: list[dict] | None = None,
                     headers: dict | None = None) -> Response:
    status, title = TITLES[name]
    body = {"type": problem_type(name), "title": str(title), "status": status}
    if detail:
        body["detail"] = str(detail)
    if errors is not None:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = MEDIA_TYPE
    response.headers.update(headers or {})
    return response


def field_errors(messages: dict, prefix: str = "") -> list[dict]:
    """marshmallow's nested {field: [messages]} as a flat [{field: "skus.0.price_fen", message}] list."""
    found = []
    for field, value in messages.items():
        name = f"{prefix}{field}" if field != "_schema" else prefix.rstrip(".") or "body"
        if isinstance(value, dict):
            found.extend(field_errors(value, f"{name}."))
        else:
            for message in value if isinstance(value, list) else [value]:
                if isinstance(message, dict):
                    found.extend(field_errors(message, f"{name}."))
                else:
                    found.append({"field": name, "message": str(message)})
    return found


def is_api_request() -> bool:
    return request.path.startswith(PREFIX)


def init_app(app: Flask) -> None:
    """After the pages' error handlers: requests under /api/ get problems, the pages keep theirs."""
    app.register_error_handler(ApiProblem, lambda err: problem_response(err.name, err.detail, errors=err.errors,
                                                                        headers=err.headers))
    for code, exception in ((None, HTTPException), (500, InternalServerError), (429, TooManyRequests)):
        app.register_error_handler(exception, _either(app.error_handler_spec[None][code][exception]))


def _either(pages):
    def handle(err):
        if not is_api_request():
            return pages(err)
        code = err.code or 500
        response = problem_response(BY_STATUS.get(code, "invalid-request" if code < 500 else "server-error"))
        if code == 405 and err.get_headers():
            response.headers.update({k: v for k, v in err.get_headers() if k == "Allow"})
        if code == 429:
            response = _rate_limited(err, response)
        return response

    return handle


def _rate_limited(err, response: Response) -> Response:
    from mall.ratelimits import limiter_for, retry_after

    limit = limiter_for(current_app).current_limit
    if limit is not None:
        response.headers["Retry-After"] = str(retry_after(limit))
    return response
