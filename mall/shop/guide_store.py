"""The pickup store a visitor's product page offers first (their guide's), remembered per visitor.

Finding it asks bindings, touches, partner facts and the brand's settings (mall.referral.crediting): four
queries, three quarters of a cached product page's work. The answer only changes when the visitor's touches
or bindings do, so it is kept in the shared cache (Redis with several hosts) for PAGE_CACHE_SECONDS and
forgotten when referral records a touch or a binding for that browser (a claim logs the visitor in, and
logged-in visitors are never asked through here). With SimpleCache (memory of
each worker) another worker may still offer the previous guide's store for those few seconds: a preselected
option the visitor can change, never who is credited, which checkout decides afresh from the database.
"""
import logging

from flask import current_app
from redis.exceptions import RedisError

from mall.database import reads_only
from mall.events import subscribe
from mall.extensions import cache
from mall.referral.crediting import credit_for_checkout
from mall.referral.events import CustomerBound, TouchRecorded

log = logging.getLogger(__name__)
NONE = 0  # "no guide store": the cache cannot keep None apart from a miss


def _key(visitor_key: str, brand_id: int) -> str:
    return f"guide-store:{visitor_key}:{brand_id}"


def guide_store(session, *, brand_id: int, user_id: int | None, visitor_key: str | None, now) -> int | None:
    """The store of the guide (or store code) this buyer came through: the pickup store to offer first."""
    if user_id is None and visitor_key is None:
        return None
    remember = visitor_key is not None and user_id is None and current_app.config["PAGE_CACHE_SECONDS"] > 0
    if remember:
        try:
            found = cache.get(_key(visitor_key, brand_id))
        except (RedisError, OSError):
            log.warning("page cache unreachable; asking the database", exc_info=True)
            remember, found = False, None
        if found is not None:
            return found or None
    reads_only(session)  # the product page only reads
    credit = credit_for_checkout(session, brand_id=brand_id, buyer_user_id=user_id, visitor_key=visitor_key,
                                 levels=1, self_purchase=True, now=now)
    if remember:
        try:
            cache.set(_key(visitor_key, brand_id), credit.store_id or NONE,
                      timeout=current_app.config["PAGE_CACHE_SECONDS"])
        except (RedisError, OSError):
            log.warning("page cache unreachable; guide store not kept", exc_info=True)
    return credit.store_id


UNKNOWN = object()  # not remembered (or the cache unreachable): only guide_store can say


def remembered_guide_store(visitor_key: str, brand_id: int):
    """What guide_store remembers for this visitor without asking the database: a store id, None, or UNKNOWN."""
    try:
        found = cache.get(_key(visitor_key, brand_id))
    except (RedisError, OSError):
        return UNKNOWN
    return UNKNOWN if found is None else (found or None)


def forget(visitor_key: str | None, brand_id: int) -> None:
    if not visitor_key:
        return
    try:
        cache.delete(_key(visitor_key, brand_id))
    except (RedisError, OSError):
        log.warning("page cache unreachable; a guide store may show for a few seconds", exc_info=True)


@subscribe(TouchRecorded, CustomerBound)
def on_touch_or_binding(session, event) -> None:
    forget(event.visitor_key, event.brand_id)
