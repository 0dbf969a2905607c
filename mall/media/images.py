"""What an uploaded image must be and what it is called.

The type comes from the file's first bytes (never its name or the browser's claim), so nothing uploaded can be
served as HTML or script. The name is the sha256 of the bytes: the same image uploaded twice is stored once, and
a name never changes content, so it may be cached for ever.
"""
import hashlib
import re

from flask_babel import lazy_gettext as _l

MAX_BYTES = 2 * 1024 * 1024
UPLOAD_PREFIX = "uploads/"  # ProductImage.path of an uploaded file; other paths are under static/
# Content hashes (64 hex digits) and the random names handed out before them, which old rows still hold.
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


def checked_image(data: bytes) -> tuple[str, str]:
    """(content-hashed name, content type) of an acceptable upload; raises ImageError."""
    if not data:
        raise ImageError("empty")
    if len(data) > MAX_BYTES:
        raise ImageError("too_large")
    kind = image_kind(data[:16])
    if kind is None:
        raise ImageError("not_an_image")
    return f"{hashlib.sha256(data).hexdigest()}.{kind}", CONTENT_TYPES[kind]


def content_type_of(name: str) -> str | None:
    """The image type a stored name is served as, or None for a name we never hand out (paths, .html …)."""
    if not NAME_RE.match(name):
        return None
    return CONTENT_TYPES[name.rsplit(".", 1)[1]]
