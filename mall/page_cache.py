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
remembered per process for PAGE_FRESHNESS_SECONDS (1 s), and only while no row that pages show changed since:
every commit that wrote one replaces a token in the shared cache (GENERATION_KEY below), so with Redis a saved
price is on every host's next page, and the saving process forgets at once in any case. A promotion's end is
exact, because a remembered fingerprint never outlives the earliest end among the promotions it saw running
(and a stored page never outlives it either). The rest (titles, exact stock counts, recent orders, a room's
viewer count and ticker) is at most PAGE_CACHE_SECONDS (3 s) old, the "few seconds" the issue allows. A room's
state and pin are remembered like a fingerprint (replaced by every start, pin and end), and every touch and
heartbeat is still written.

mall/page_front.py gives the same copies to plain anonymous visitors before Flask runs, under the same rule: it
only serves what recalled() and the stored copy already hold, and leaves everything else to the views.
"""
import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, get_flashed_messages, has_app_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_login.config import COOKIE_NAME
from flask_wtf.csrf import generate_csrf
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

from mall.extensions import cache

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Slot:
    """A per-visitor value in a cached page: its marker in the stored copy, and how to make a fresh one."""

    marker: str
    fresh: Callable[[], str]

    def __post_init__(self):
        SLOTS.append(self)


SLOTS: list[Slot] = []  # every kind of per-visitor value, for answers given before Flask runs (mall.page_front)


# Private-use characters: no rendered page contains them, and escaping leaves them alone.
CSRF_TOKEN = Slot("\ue000csrf\ue000", generate_csrf)


def seconds() -> int:
    return current_app.config["PAGE_CACHE_SECONDS"]


def cacheable() -> bool:
    """Whether this request may be served a shared copy: a plain GET by an anonymous visitor."""
    if seconds() <= 0 or request.method not in ("GET", "HEAD") or signed_in():
        return False
    # A flash is shown once, on the next page: peeking must not consume it (get_flashed_messages would).
    return "_flashes" not in session


def signed_in() -> bool:
    """Whether a user is logged in. Without a user in the session or a remember cookie nobody can be, so no
    user is loaded (Flask-Login's identifier hashing and session-protection check) for a stranger."""
    if "_user_id" not in session and current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) not in request.cookies:
        return False
    return current_user.is_authenticated


def page_key(fingerprint: str) -> str:
    """The cache key of this URL in this visitor's language, for page content described by `fingerprint`.
    An htmx request gets its own key: its answer is a fragment, not the page."""
    return key_for(str(get_locale()), request.full_path, bool(request.headers.get("HX-Request")), fingerprint)


def key_for(locale: str, full_path: str, htmx: bool, fingerprint: str) -> str:
    fragment = ":hx" if htmx else ""
    return f"page:{locale}:{full_path}{fragment}:{fingerprint}"


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
    generation: object


_remembered: dict[str, Remembered] = {}
_remembered_lock = threading.Lock()
# Keys come from URLs (codes, slugs): a flood of made-up ones must not grow the process without bound.
MAX_REMEMBERED = 5000


def remembered(key: str, now: datetime, compute: Callable[[], tuple[object, int]]) -> object:
    """compute()'s value, remembered in this process for PAGE_FRESHNESS_SECONDS or the seconds compute()
    says it holds (a promotion's end), whichever is shorter, and only while no page's rows changed since.
    compute returns (value, seconds it holds)."""
    limit = current_app.config["PAGE_FRESHNESS_SECONDS"]
    found = _remembered.get(key)
    token = generation() if limit > 0 else None
    if found is not None and now < found.until and found.generation == token:
        return found.value
    value, holds = compute()
    if limit > 0:
        with _remembered_lock:
            if len(_remembered) >= MAX_REMEMBERED:
                _remembered.clear()
            _remembered[key] = Remembered(value, now + timedelta(seconds=min(limit, holds)), token)
    return value


def recalled(key: str, now: datetime, token: object) -> tuple[bool, object]:
    """(True, value) if remembered() holds a value for `key` that is still good under `token` (the shared
    generation, as generation() reads it), else (False, None): remembered() would compute."""
    found = _remembered.get(key)
    if found is not None and now < found.until and found.generation == token:
        return True, found.value
    return False, None


# What the pages show changed: a token in the shared cache, replaced after every commit that wrote a row of a
# model marked `__shown_on_pages__` (products, SKUs and their prices, brands, storefronts, rooms and shelves...).
# Every process compares it with the one its fingerprints were taken under, so with Redis a price saved on one
# host is on every host's next page; with the in-memory cache the saving process forgets at once and the others
# within PAGE_FRESHNESS_SECONDS. Rows written by plain UPDATE statements (checkout's and refunds' stock) do not
# replace it: stock may be a second old.
GENERATION_KEY = "page:generation"


def generation() -> object:
    try:
        return cache.get(GENERATION_KEY)
    except (RedisError, OSError):
        log.warning("page cache unreachable; fingerprints are not reused", exc_info=True)
        return object()  # equal to nothing remembered: every fingerprint is asked again


def _note_shown_rows(session, _flush_context) -> None:
    if any(getattr(type(row), "__shown_on_pages__", False) for row in (*session.new, *session.dirty, *session.deleted)):
        session.info["pages_changed"] = True


def _after_commit(session) -> None:
    if session.info.pop("pages_changed", False) and has_app_context():
        forget()
        try:
            cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=0)
        except (RedisError, OSError):
            log.warning("page cache unreachable; other processes see the change within the second", exc_info=True)


def _after_rollback(session) -> None:
    session.info.pop("pages_changed", None)


def watch_changes() -> None:
    """Listen to every session's flushes and commits (once per process)."""
    if not event.contains(Session, "after_flush", _note_shown_rows):
        event.listen(Session, "after_flush", _note_shown_rows)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)


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
