"""Rate limits: which requests count, against whose counter, and what a refused visitor sees.

A view declares its rules with @limited(RULE, ...); init_app wraps the registered views with
Flask-Limiter once the blueprints are in. Each app gets its own Limiter (not one module-level
instance) so two apps in one process count like two hosts do: each alone with memory://, together
through a shared Redis. Every rule counts POSTs only, but API: reading a page is never limited here.
"""
import functools
import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, Response, current_app, make_response, render_template, request
from flask_babel import format_timedelta
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter, RateLimitExceeded, RequestLimit
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse_many

from mall.errors import MESSAGES

log = logging.getLogger(__name__)
EXTENSION = "mall_limiter"

WAIT_MESSAGE = _l("Too many requests. Please try again in %(wait)s.")
LOGIN_MESSAGE = _l("Too many failed log-in attempts. Please try again in %(wait)s.")
REGISTER_MESSAGE = _l("Too many attempts to create an account. Please try again in %(wait)s.")
ORDER_MESSAGE = _l("Too many orders in a short time. Please try again in %(wait)s.")
REFUND_MESSAGE = _l("Too many refund requests in a short time. Please try again in %(wait)s.")
WITHDRAWAL_MESSAGE = _l("Too many withdrawal requests in a short time. Please try again in %(wait)s.")


# Keys: whose counter a request adds to.

def client_ip() -> str:
    # ProxyFix (TRUSTED_PROXY_HOPS) has already put the client's address here when behind a load balancer.
    return get_remote_address()


def api_token_or_ip() -> str:
    """The bearer token's own counter (its hash: a token never reaches Redis or a log); without one, the IP."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        return "token:" + hashlib.sha256(secret.strip().encode()).hexdigest()[:32]
    return f"ip:{get_remote_address()}"


def account_or_ip() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else f"ip:{get_remote_address()}"


# What counts: a rule with `counts` only adds the requests whose response it accepts.

def failed_form(response: Response) -> bool:
    """A form that did not go through: a success is always a redirect; our own refusals are not attempts."""
    return not 300 <= response.status_code < 400 and response.status_code != 429


def refused_callback(response: Response) -> bool:
    """A callback we refused (bad signature, unknown provider, too large): forgeries count, the provider's
    genuine callbacks never do, so a busy sale cannot throttle its own payments."""
    return 400 <= response.status_code < 500 and response.status_code != 429


@dataclass(frozen=True)
class Rule:
    setting: str  # the config key holding the limit, e.g. "5 per minute; 20 per hour"
    key: Callable[[], str]
    message: object  # lazy text with %(wait)s, shown to the refused visitor
    counts: Callable[[Response], bool] | None = None  # None: every POST counts
    exempt: Callable[[], bool] | None = None
    methods: tuple[str, ...] = ("POST",)


LOGIN_BY_IP = Rule("RATELIMIT_LOGIN_IP", client_ip, LOGIN_MESSAGE, counts=failed_form)
# Registrations count whether or not they succeed: a success is what a bot making accounts is after.
# (The per-account rules key on the login as accounts normalises it: mall.accounts.limits.)
REGISTER_BY_IP = Rule("RATELIMIT_REGISTER_IP", client_ip, REGISTER_MESSAGE)
# Every order holds stock until it is paid or cancelled: a flood of unpaid orders would empty the shelves.
ORDER = Rule("RATELIMIT_ORDER", client_ip, ORDER_MESSAGE)
REFUND = Rule("RATELIMIT_REFUND", client_ip, REFUND_MESSAGE)
WITHDRAWAL = Rule("RATELIMIT_WITHDRAWAL", account_or_ip, WITHDRAWAL_MESSAGE)
# Wrong current passwords: a borrowed, still signed-in phone must not become a password-guessing machine.
PASSWORD_CHANGE = Rule("RATELIMIT_PASSWORD_CHANGE", account_or_ip, LOGIN_MESSAGE, counts=failed_form)
# Every API call counts, reads too: a data platform polling in a loop must not starve the mini-program.
API_METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")
API = Rule("RATELIMIT_API", api_token_or_ip, WAIT_MESSAGE, methods=API_METHODS)
# Refused tokens per IP: made-up tokens each get a counter of their own above, so guessing is slowed here.
API_REFUSED = Rule("RATELIMIT_API_REFUSED", client_ip, WAIT_MESSAGE, methods=API_METHODS,
                   counts=lambda response: response.status_code == 401)
CALLBACK = Rule("RATELIMIT_CALLBACK", client_ip, WAIT_MESSAGE)
CALLBACK_REFUSED = Rule("RATELIMIT_CALLBACK_REFUSED", client_ip, WAIT_MESSAGE, counts=refused_callback)


@dataclass(frozen=True)
class _Marked:
    rules: tuple[Rule, ...]
    refusal: Callable[[str], object] | None


def limited(*rules: Rule, refusal: Callable[[str], object] | None = None):
    """Count the view's POSTs against each rule. `refusal(message)` renders a refused request (the view's
    own form, say, returning (body, 429)); without it the visitor gets the mall's 429 error page
    (under /api/, a problem+json answer: mall.api.problems).

    Only marks the view: the wrapping happens per app in init_app, and runs before the view's other
    decorators (login_required included).
    """

    def mark(view):
        view.rate_limits = _Marked(rules, refusal)
        return view

    return mark


def init_app(app: Flask) -> None:
    """After the blueprints are registered: the app's Limiter, its limited views and its 429 page."""
    limiter = Limiter(client_ip)  # storage, strategy, prefix and the rest come from RATELIMIT_* settings
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter
    app.register_error_handler(429, _too_many_requests)
    if not limiter.enabled:
        return
    counted: dict[str, set[str]] = {}  # endpoint -> the methods some rule counts
    for endpoint, view in list(app.view_functions.items()):
        marked = getattr(view, "rate_limits", None)
        if marked is None:
            continue
        counted[endpoint] = {method for rule in marked.rules for method in rule.methods}
        for rule in marked.rules:
            view = limiter.limit(_setting(rule.setting), key_func=rule.key, methods=list(rule.methods),
                                 scope=rule.setting.lower(), error_message=rule.message, deduct_when=rule.counts,
                                 exempt_when=rule.exempt, on_breach=_on_breach(rule, marked.refusal))(view)
        app.view_functions[endpoint] = view
    if not any(app.config.get(name) for name in ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")):
        # Every limit here is a view's own rule for its methods, so a request no rule counts (every page GET: a
        # product page from a share link, the home page) has nothing to check. Flask-Limiter would still resolve
        # and evaluate the app's limits for it on every request (a tenth of a cached page); the filter skips only
        # that. Abuse protection stays whole: each rule's requests are counted as before, and touches have
        # their own counter (touch_allowed). With default or application-wide limits configured, no shortcut.
        limiter.request_filter(lambda: request.method not in counted.get(request.endpoint, ()))


def limiter_for(app: Flask) -> Limiter:
    return app.extensions[EXTENSION]


def _setting(name: str) -> Callable[[], str]:
    # Read on every request, so a changed setting (or a test's override) applies at once.
    return lambda: current_app.config[name]


def _on_breach(rule: Rule, refusal):
    def respond(limit: RequestLimit) -> Response | None:
        if refusal is None:
            return None
        response = make_response(refusal(refusal_message(rule.message, limit)))
        response.status_code = 429
        return response

    return respond


def _too_many_requests(err):
    limit = limiter_for(current_app).current_limit if isinstance(err, RateLimitExceeded) else None
    response = getattr(err, "response", None)  # the view's own refusal page, if it has one
    if response is None:
        message = MESSAGES[429]
        if limit is not None:
            message = refusal_message(err.limit.error_message or WAIT_MESSAGE, limit)
        response = make_response(render_template("errors/error.html", code=429, message=message), 429)
    if limit is not None:
        response.headers["Retry-After"] = str(retry_after(limit))
    return response


def retry_after(limit: RequestLimit) -> int:
    """Whole seconds until the breached window has room again (RequestLimit.reset_at adds a second)."""
    return max(1, math.ceil(limit.window.reset_time - time.time()))


def refusal_message(template, limit: RequestLimit) -> str:
    return str(template) % {"wait": wait_text(retry_after(limit))}


def wait_text(seconds: int) -> str:
    """'45 seconds', '2 minutes', '1 hour' in the visitor's language, rounded up: "try again in
    1 minute" must not send someone back 20 seconds too early."""
    for unit in (86400, 3600, 60):
        if seconds > unit:
            seconds = math.ceil(seconds / unit) * unit
            break
    return format_timedelta(timedelta(seconds=seconds), threshold=1.0)


def touch_allowed() -> bool:
    """Whether this visit may write a touch row: RATELIMIT_TOUCH per client IP.

    Over the limit the visitor still gets the product (see referral.routes._visit); only the row is
    skipped, so a bot hammering a link cannot grow the touch table without bound.
    """
    return touch_allowed_for(current_app, client_ip())


def touch_allowed_for(app: Flask, ip: str) -> bool:
    """touch_allowed for a client address, outside a request (the share link's answer before Flask runs:
    mall.referral.link_fast_path): the same limiter, storage and counter."""
    limiter = limiter_for(app)
    if not limiter.enabled:
        return True
    prefix = app.config.get("RATELIMIT_KEY_PREFIX") or "mall"
    try:
        return all(limiter.limiter.hit(item, prefix, "touch", ip) for item in _touch_limits(app.config["RATELIMIT_TOUCH"]))
    except Exception:  # noqa: BLE001  storage down: a customer's attribution matters more than the cap
        log.exception("touch rate limit unavailable; recording the touch")
        return True


@functools.lru_cache(maxsize=8)
def _touch_limits(setting: str) -> tuple:
    return tuple(parse_many(setting))
