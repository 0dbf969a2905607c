"""Publishing content items: the brand admin's side of the pool. Services flush; the caller commits."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from mall.catalog.models import Product
from mall.catalog.pages import normalise_code
from mall.content.models import MAX_IMAGES, ContentImage, ContentItem
from mall.domain import DomainError
from mall.live.models import LiveRoom
from mall.media.images import UPLOAD_PREFIX, ImageError, checked_image
from mall.media.store import MediaStore

TITLE_MAX = 80
BODY_MAX = 2000
TAGS_MAX = 200


class ContentError(DomainError):
    message = _l("This content item could not be saved.")


def save_item(session, brand_id: int, item: ContentItem | None, *, title: str, body: str, product_code: str,
              tags: str, room_code: str = "", starts_at: datetime | None, ends_at: datetime | None, new_images: list[bytes],
              drop_image_ids: tuple[int, ...] = (), store: MediaStore, now: datetime) -> ContentItem:
    """Create (item None) or change one of the brand's items; raises ContentError and then changes nothing."""
    title, body, tags = (title or "").strip(), (body or "").strip(), " ".join((tags or "").split())
    if not title or len(title) > TITLE_MAX:
        raise ContentError(_l("Please give a title of at most %(max)d characters.", max=TITLE_MAX), field="title")
    if not body or len(body) > BODY_MAX:
        raise ContentError(_l("Please write the copy, at most %(max)d characters.", max=BODY_MAX), field="body")
    if len(tags) > TAGS_MAX:
        raise ContentError(_l("Tags may be at most %(max)d characters.", max=TAGS_MAX), field="tags")
    if starts_at and ends_at and ends_at <= starts_at:
        raise ContentError(_l("The end of the publish window must come after its start."), field="ends_at")
    product_id = _product_id(session, brand_id, product_code)
    room_id = _room_id(session, brand_id, room_code)
    kept = [image for image in (item.images if item else []) if image.id not in drop_image_ids]
    checked = []
    for data in new_images:
        try:
            checked.append((checked_image(data), data))
        except ImageError as err:
            raise ContentError(err.message, field="images") from err
    if not 1 <= len(kept) + len(checked) <= MAX_IMAGES:
        raise ContentError(_l("An item has one to nine images."), field="images")
    if item is None:
        item = ContentItem(brand_id=brand_id, created_at=now)
        session.add(item)
    item.title, item.body, item.tags, item.product_id, item.live_room_id = title, body, tags, product_id, room_id
    item.starts_at, item.ends_at = starts_at, ends_at
    item.images = kept
    for position, image in enumerate(kept):
        image.position = position
    for n, ((name, content_type), data) in enumerate(checked, start=len(kept)):
        store.put(name, data, content_type)
        item.images.append(ContentImage(path=UPLOAD_PREFIX + name, position=n))
    session.flush()
    return item


def end_item(session, item: ContentItem, *, now: datetime) -> None:
    """Take an item out of the pool now (its statistics stay)."""
    if item.ends_at is None or item.ends_at > now:
        item.ends_at = now
        if item.starts_at is not None and item.starts_at >= now:
            item.starts_at = None
    session.flush()


def brand_item(session, brand_id: int | None, item_id: int) -> ContentItem | None:
    """The item if it belongs to this brand (any brand for None: a platform admin)."""
    query = select(ContentItem).where(ContentItem.id == item_id)
    if brand_id is not None:
        query = query.where(ContentItem.brand_id == brand_id)
    return session.scalar(query)


def brand_items(brand_id: int | None):
    query = select(ContentItem).order_by(ContentItem.created_at.desc(), ContentItem.id.desc())
    return query.where(ContentItem.brand_id == brand_id) if brand_id is not None else query


def item_count(session, brand_id: int) -> int:
    return session.scalar(select(func.count()).select_from(ContentItem).where(ContentItem.brand_id == brand_id))


def _product_id(session, brand_id: int, code: str) -> int | None:
    if not (code or "").strip():
        return None
    product = session.scalar(select(Product).where(Product.code == normalise_code(code),
                                                   Product.brand_id == brand_id))
    if product is None:
        raise ContentError(_l("No product of this brand has that code."), field="product_code")
    return product.id


def _room_id(session, brand_id: int, code: str) -> int | None:
    if not (code or "").strip():
        return None
    room = session.scalar(select(LiveRoom).where(LiveRoom.code == normalise_code(code), LiveRoom.brand_id == brand_id))
    if room is None:
        raise ContentError(_l("No live room of this brand has that code."), field="room_code")
    return room.id
