"""A product's uploaded images: checked and content-named by mall.media.images, kept in the media store the
caller passes in, and appended to the product's gallery.
"""
from sqlalchemy import func, select

from mall.catalog.models import ProductImage
from mall.media.images import UPLOAD_PREFIX, checked_image
from mall.media.store import MediaStore


def add_image(session, product, data: bytes, *, store: MediaStore) -> ProductImage:
    """Store an uploaded image and append it to the product's gallery (flushed, not committed); raises ImageError.

    The same picture sent again for the same product (a double-clicked upload) is the image it already has.
    """
    name, content_type = checked_image(data)
    path = UPLOAD_PREFIX + name
    existing = session.scalar(select(ProductImage).where(ProductImage.product_id == product.id,
                                                         ProductImage.path == path))
    store.put(name, data, content_type)  # also when the row exists: puts back an object lost from the store
    if existing is not None:
        return existing
    position = session.scalar(select(func.coalesce(func.max(ProductImage.position), -1) + 1)
                              .where(ProductImage.product_id == product.id))
    image = ProductImage(product_id=product.id, path=path, position=position)
    session.add(image)
    session.flush()
    return image
