"""Uploaded product images: recognised by their first bytes (never by name or the browser's claim), size-capped,
stored under the instance folder with a random name, so nothing uploaded can ever be served as HTML or script.
"""
import os
import re
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from mall.catalog.models import ProductImage

MAX_BYTES = 2 * 1024 * 1024
UPLOAD_PREFIX = "uploads/"  # ProductImage.path of an uploaded file; other paths are under static/
NAME_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}\.(png|jpg|webp)$")
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}

MESSAGES = {
    "empty": _l("Please choose an image file."),
    "too_large": _l("Images may be at most 2 MB."),
    "not_an_image": _l("Only PNG, JPEG and WebP images can be uploaded."),
}


class ImageError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code])


def image_kind(head: bytes) -> str | None:
    """'png', 'jpg' or 'webp' from the file's magic bytes; None for anything else (HTML, SVG, scripts …)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def upload_folder(instance_path: str) -> str:
    return os.path.join(instance_path, "uploads")


def add_image(session, product, data: bytes, *, instance_path: str) -> ProductImage:
    """Check and store an uploaded image and append it to the product's gallery; raises ImageError."""
    if not data:
        raise ImageError("empty")
    if len(data) > MAX_BYTES:
        raise ImageError("too_large")
    kind = image_kind(data[:16])
    if kind is None:
        raise ImageError("not_an_image")
    name = f"{secrets.token_urlsafe(24)}.{kind}"
    folder = upload_folder(instance_path)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "xb") as out:
        out.write(data)
    position = session.scalar(select(func.coalesce(func.max(ProductImage.position), -1) + 1)
                              .where(ProductImage.product_id == product.id))
    image = ProductImage(product_id=product.id, path=UPLOAD_PREFIX + name, position=position)
    session.add(image)
    session.commit()
    return image


def stored_file(instance_path: str, name: str) -> tuple[str, str] | None:
    """(file path, content type) of an uploaded image, or None for a name we never handed out."""
    if not NAME_RE.match(name):
        return None
    path = os.path.join(upload_folder(instance_path), name)
    if not os.path.isfile(path):
        return None
    return path, CONTENT_TYPES[name.rsplit(".", 1)[1]]
