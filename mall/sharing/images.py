"""The bytes of an image path as catalog and content store them: an upload in the media store, else a file
of static/ (the demo pictures)."""
import os

from mall.media.images import UPLOAD_PREFIX
from mall.media.store import MediaStore

MAX_READ = 8 * 1024 * 1024


def image_bytes(path: str | None, *, store: MediaStore, static_folder: str) -> bytes | None:
    """None when the image is gone: a poster without its picture beats no poster."""
    if not path:
        return None
    if path.startswith(UPLOAD_PREFIX):
        try:
            stored = store.get(path[len(UPLOAD_PREFIX):])
        except ValueError:
            return None
        if stored is None:
            return None
        try:
            return stored.stream.read(MAX_READ)
        finally:
            stored.stream.close()
    root = os.path.realpath(static_folder)
    full = os.path.realpath(os.path.join(root, path))
    if not full.startswith(root + os.sep) or not os.path.isfile(full):
        return None
    with open(full, "rb") as source:
        return source.read(MAX_READ)
