"""Whole pages for anonymous visitors, rendered once and served from the cache (Flask-Caching) for a few seconds.

When a link goes round five group chats, hundreds of phones open the same page within a minute; rendering it
for each costs more than everything else the request does. A page is cached only for a visitor who cannot
see anything of their own on it: not logged in, no flashed message waiting. What is still per visitor on such
a page, the CSRF token and the buy sheet's idempotency key, is cut out of the stored copy (a Slot marks its
place) and filled in fresh for every visitor, so every POST still carries this visitor's valid token and a key
nobody else holds. The caller's key says what the page shows (prices, promotion running, stock or not), so a
change to those is a different key, never a stale page; the timeout bounds everything else (exact stock,
recent orders).
"""
import logging
from collections.abc import Callable
from dataclasses import dataclass

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
    """The cache key of this URL in this visitor's language, for page content described by `fingerprint`."""
    return f"page:{get_locale()}:{request.full_path}:{fingerprint}"


def cached(key: str, slots: tuple[Slot, ...]) -> str | None:
    """The stored page with this visitor's values filled in, or None."""
    try:
        stored = cache.get(key)
    except (RedisError, OSError):
        log.warning("page cache unreachable; rendering", exc_info=True)
        return None
    if stored is None:
        return None
    for slot in slots:
        stored = stored.replace(slot.marker, slot.fresh())
    return stored


def store(key: str, html: str, values: dict[Slot, str], timeout: int) -> None:
    """Keep `html` for `timeout` seconds (at most PAGE_CACHE_SECONDS) with this visitor's values cut out."""
    timeout = min(timeout, seconds())
    if timeout < 1 or get_flashed_messages():  # a page that showed a flash was this visitor's alone
        return
    for slot, value in values.items():
        if not value:
            return  # a value we cannot cut out must not be shared
        html = html.replace(value, slot.marker)
    try:
        cache.set(key, html, timeout=timeout)
    except (RedisError, OSError):
        log.warning("page cache unreachable; page not stored", exc_info=True)
