"""Posters, cached in the media store under a name derived from everything drawn on them.

The name is the sha256 of the layout version, the subject (kind and id), the partner, the language, the
prices, the image's path (content-hashed for uploads) and every text: a new price, a new picture or another
language is another name, so it is drawn afresh, and an unchanged poster is read back instead of redrawn.
Stored in the media store (local folder or S3), so every host of the app shares one cache.
"""
import hashlib
import json
from dataclasses import asdict, dataclass

from mall.media.store import MediaStore
from mall.sharing.poster import PosterContent, render_poster

LAYOUT_VERSION = 1  # bump when render_poster draws differently: every cached poster is redrawn


@dataclass(frozen=True)
class Poster:
    name: str
    data: bytes
    drawn: bool  # False when it came from the cache


def poster_name(subject: str, partner_id: int, language: str, content: PosterContent, image_path: str | None) -> str:
    fields = {**asdict(content), "image": image_path}
    key = json.dumps([LAYOUT_VERSION, subject, partner_id, language, fields], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(key.encode()).hexdigest() + ".png"


def poster(store: MediaStore, *, subject: str, partner_id: int, language: str, content: PosterContent,
           image_path: str | None, load_image) -> Poster:
    """The cached poster, or a freshly drawn one (stored for next time); load_image() gives the picture's bytes."""
    name = poster_name(subject, partner_id, language, content, image_path)
    cached = store.get(name)
    if cached is not None:
        try:
            return Poster(name, cached.stream.read(), drawn=False)
        finally:
            cached.stream.close()
    data = render_poster(PosterContent(**{**asdict(content), "image": load_image()}))
    store.put(name, data, "image/png")
    return Poster(name, data, drawn=True)
