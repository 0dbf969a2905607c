"""Picking products into a storefront (选品), ordering them, naming the storefront; and what a visitor sees.

A partner may pick any published product of a brand they are an active partner of: the platform's one
product pool, each product keeping its brand's price and split. What a visitor sees is filtered when it is
read, so a product its brand unpublishes, or a brand whose partnership ended, vanishes from every storefront
at once, and comes back if the brand undoes it.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from mall.catalog.models import Product
from mall.domain import DomainError
from mall.referral.models import Partner
from mall.storefront.models import INTRO_MAX, MAX_PICKS, TITLE_MAX, Storefront, StorefrontPick


class StorefrontError(DomainError):
    message = _l("Your storefront could not be changed.")


def storefront_of(session, user_id: int, *, create: bool = False, now: datetime | None = None) -> Storefront | None:
    found = session.scalar(select(Storefront).where(Storefront.user_id == user_id))
    if found is None and create:
        try:
            with session.begin_nested():  # two first picks at once: the unique user_id keeps one storefront
                found = Storefront(user_id=user_id, updated_at=now)
                session.add(found)
        except IntegrityError:
            found = session.scalar(select(Storefront).where(Storefront.user_id == user_id))
    return found


def pick(session, user_id: int, product_id: int, *, now: datetime) -> StorefrontPick:
    """Add a product at the end of the user's storefront; picking it again changes nothing."""
    product = session.get(Product, product_id)
    if product is None or not product.published or not _partners(session, user_id, product.brand_id):
        raise StorefrontError(_l("This product cannot be added to your storefront."))
    storefront = storefront_of(session, user_id, create=True, now=now)
    existing = session.scalar(select(StorefrontPick).where(StorefrontPick.storefront_id == storefront.id,
                                                           StorefrontPick.product_id == product_id))
    if existing is not None:
        return existing
    count = session.scalar(select(func.count()).select_from(StorefrontPick)
                           .where(StorefrontPick.storefront_id == storefront.id))
    if count >= MAX_PICKS:
        raise StorefrontError(_l("A storefront holds at most %(max)d products.", max=MAX_PICKS))
    position = session.scalar(select(func.coalesce(func.max(StorefrontPick.position), -1) + 1)
                              .where(StorefrontPick.storefront_id == storefront.id))
    row = StorefrontPick(storefront_id=storefront.id, product_id=product_id, position=position, created_at=now)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # the same product picked in another tab a moment ago
        row = session.scalar(select(StorefrontPick).where(StorefrontPick.storefront_id == storefront.id,
                                                          StorefrontPick.product_id == product_id))
    storefront.updated_at = now
    return row


def unpick(session, user_id: int, product_id: int, *, now: datetime) -> None:
    storefront = storefront_of(session, user_id)
    if storefront is None:
        return
    for row in list(storefront.picks):
        if row.product_id == product_id:
            storefront.picks.remove(row)
    storefront.updated_at = now
    session.flush()


def move(session, user_id: int, product_id: int, offset: int, *, now: datetime) -> None:
    """Move a pick up (offset -1) or down (+1) among the user's picks; positions are renumbered 0..n-1."""
    storefront = storefront_of(session, user_id)
    if storefront is None:
        return
    picks = list(storefront.picks)
    index = next((n for n, row in enumerate(picks) if row.product_id == product_id), None)
    if index is None:
        return
    target = min(max(index + offset, 0), len(picks) - 1)
    picks.insert(target, picks.pop(index))
    for position, row in enumerate(picks):
        row.position = position
    storefront.updated_at = now
    session.flush()


def save_details(session, user_id: int, *, title: str, intro: str, now: datetime) -> Storefront:
    title, intro = (title or "").strip(), (intro or "").strip()
    if len(title) > TITLE_MAX:
        raise StorefrontError(_l("The title can be at most %(max)d characters.", max=TITLE_MAX))
    if len(intro) > INTRO_MAX:
        raise StorefrontError(_l("The introduction can be at most %(max)d characters.", max=INTRO_MAX))
    storefront = storefront_of(session, user_id, create=True, now=now)
    storefront.title, storefront.intro, storefront.updated_at = title, intro, now
    session.flush()
    return storefront


def shown_products(session, storefront: Storefront) -> list[Product]:
    """The storefront's products in their order, only published ones of brands the owner still partners."""
    active_brands = select(Partner.brand_id).where(Partner.user_id == storefront.user_id, Partner.status == "active")
    return list(session.scalars(
        select(Product).join(StorefrontPick, StorefrontPick.product_id == Product.id)
        .where(StorefrontPick.storefront_id == storefront.id, Product.published.is_(True),
               Product.brand_id.in_(active_brands))
        .options(selectinload(Product.skus), selectinload(Product.images), selectinload(Product.brand))
        .order_by(StorefrontPick.position, StorefrontPick.id)))


def picked_ids(session, user_id: int) -> set[int]:
    storefront = storefront_of(session, user_id)
    return {row.product_id for row in storefront.picks} if storefront is not None else set()


def _partners(session, user_id: int, brand_id: int) -> bool:
    return session.scalar(select(Partner.id).where(Partner.user_id == user_id, Partner.brand_id == brand_id,
                                                   Partner.status == "active")) is not None
