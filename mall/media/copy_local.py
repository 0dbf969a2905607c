"""Moving to a shared store: the files a single host kept in instance/uploads are copied under their own names,
so rows written before (random names) and after (content hashes) the move keep their images.
"""
import os

from mall.media.images import CONTENT_TYPES, NAME_RE, image_kind
from mall.media.store import MediaStore


def copy_local_files(folder: str, store: MediaStore) -> tuple[int, int]:
    """(copied, already there) for every servable image in folder; anything else there is left alone."""
    copied = present = 0
    if not os.path.isdir(folder):
        return 0, 0
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if not NAME_RE.match(name) or not os.path.isfile(path):
            continue
        with open(path, "rb") as source:
            data = source.read()
        kind = name.rsplit(".", 1)[1]
        if image_kind(data[:16]) != kind:  # never publish a file whose bytes do not match its name
            continue
        if store.put(name, data, CONTENT_TYPES[kind]):
            copied += 1
        else:
            present += 1
    return copied, present
