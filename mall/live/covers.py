"""A room's cover image: checked and content-named by mall.media.images, kept in the media store handed in."""
from mall.media.images import UPLOAD_PREFIX, checked_image
from mall.media.store import MediaStore


def store_cover(data: bytes, *, store: MediaStore) -> str:
    """The cover's path for LiveRoom.cover_path (served like product images); raises ImageError."""
    name, content_type = checked_image(data)
    store.put(name, data, content_type)
    return UPLOAD_PREFIX + name
