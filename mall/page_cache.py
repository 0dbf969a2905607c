"""Whole pages for anonymous visitors, rendered once and served from the cache (Flask-Caching) for a few seconds.

When a link goes round five group chats, hundreds of phones open the same page within a minute; rendering it
for each costs more than everything else the request does. A page is cached only for a visitor who cannot
see anything of their own on it: not logged in, no flashed message waiting. What is still per visitor on such
a page, the CSRF token and the buy sheet's idempotency key, is cut out of the stored copy (a Slot marks its
place) and filled in fresh for every visitor, so every POST still carries this visitor's valid token and a key
nobody else holds. The caller's key says what the page shows (prices, promotion running, stock or not), so a
change to those is a different key, never a stale page; the timeout bounds everything else (exact stock,
recent orders).

Pages cached: the product page, the home page, a brand's page, a storefront (/shop/<code>) and a live room
(/l/<code>). Freshness is a fingerprint, not a version counter: one small query for what a page's prices
depend on (every shown SKU's prices and in-stock flag, which products are published, whether each promotion
runs; a room's state, pin and shelf). A version counter bumped by every change would need a table of its own
and every writer (admin forms, the API, CSV imports, checkout's stock UPDATE, refunds putting stock back) to
remember to bump it; a fingerprint of the rows themselves cannot be forgotten by a new writer. Its query is
remembered per process for PAGE_FRESHNESS_SECONDS (1 s): a change made on another worker shows within that
second; a promotion's end is exact, because a remembered fingerprint never outlives the earliest end among
the promotions it saw running (and a stored page never outlives it either). The rest (titles, exact stock
counts, recent orders, a room's viewer count and ticker) is at most PAGE_CACHE_SECONDS (3 s) old, the "few
seconds" the issue allows. What must be exact on every request is read on every request: a room's state and
pin (its row is read anyway for the viewer's heartbeat), and every touch and heartbeat is still written.
"""
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, get_flashed_messages, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from redis.exceptions import RedisError

from mall.extensions import cache

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Slot:
    """A per-visitor value in a cached page: its marker in the stored copy, and how to make a fresh one."""

    marker: str
    fresh: Callable[[], str]


# Private-use characters: no rendered page contains them, and escaping leaves them alone.
CSRF_TOKEN = Slot("\ue000csrf\ue000", generate_csrf)


def seconds() -> int:
    return current_app.config["PAGE_CACHE_SECONDS"]


def cacheable() -> bool:
    """Whether this request may be served a shared copy: a plain GET by an anonymous visitor."""
    if seconds() <= 0 or request.method not in ("GET", "HEAD") or current_user.is_authenticated:
        return False
    # A flash is shown once, on the next page: peeking must not consume it (get_flashed_messages would).
    return "_flashes" not in session


def page_key(fingerprint: str) -> str:
    """The cache key of this URL in this visitor's language, for page content described by `fingerprint`.
    An htmx request gets its own key: its answer is a fragment, not the page."""
    fragment = ":hx" if request.headers.get("HX-Request") else ""
    return f"page:{get_locale()}:{request.full_path}{fragment}:{fingerprint}"


def cached(key: str, slots: tuple[Slot, ...] = (CSRF_TOKEN,)) -> str | None:
    """The stored page with this visitor's values filled in, or None."""
    try:
        stored = cache.get(key)
    except (RedisError, OSError):
        log.warning("page cache unreachable; rendering", exc_info=True)
        return None
    if stored is None:
        return None
    for slot in slots:
        if slot.marker in stored:  # no token made (and no session cookie signed) for a page without a form
            stored = stored.replace(slot.marker, slot.fresh())
    return stored


@dataclass(frozen=True)
class Remembered:
    value: object
    until: datetime


_remembered: dict[str, Remembered] = {}
_remembered_lock = threading.Lock()
# Keys come from URLs (codes, slugs): a flood of made-up ones must not grow the process without bound.
MAX_REMEMBERED = 5000


def remembered(key: str, now: datetime, compute: Callable[[], tuple[object, int]]) -> object:
    """compute()'s value, remembered in this process for PAGE_FRESHNESS_SECONDS or the seconds compute()
    says it holds (a promotion's end), whichever is shorter. compute returns (value, seconds it holds)."""
    limit = current_app.config["PAGE_FRESHNESS_SECONDS"]
    found = _remembered.get(key)
    if found is not None and now < found.until:
        return found.value
    value, holds = compute()
    if limit > 0:
        with _remembered_lock:
            if len(_remembered) >= MAX_REMEMBERED:
                _remembered.clear()
            _remembered[key] = Remembered(value, now + timedelta(seconds=min(limit, holds)))
    return value


def forget() -> None:
    """Drop every remembered fingerprint of this process (tests; what a second's wait does)."""
    with _remembered_lock:
        _remembered.clear()


def store(key: str, html: str, values: dict[Slot, str] | None = None, timeout: int | None = None) -> None:
    """Keep `html` for `timeout` seconds (at most PAGE_CACHE_SECONDS) with this visitor's values cut out."""
    timeout = seconds() if timeout is None else min(timeout, seconds())
    if timeout < 1 or get_flashed_messages():  # a page that showed a flash was this visitor's alone
        return
    if values is None:
        values = {CSRF_TOKEN: generate_csrf()} if "csrf_token" in session else {}
    for slot, value in values.items():
        if not value:
            return  # a value we cannot cut out must not be shared
        html = html.replace(value, slot.marker)
    try:
        cache.set(key, html, timeout=timeout)
    except (RedisError, OSError):
        log.warning("page cache unreachable; page not stored", exc_info=True)
