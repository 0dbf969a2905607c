"""Serving stored media: always with an image type taken from the name, nosniff, inline and a sandbox CSP, never
as HTML or script, and cacheable for ever because a name never changes content.

The bytes are streamed from whichever store the app uses, so with S3 every host serves every image and the
security headers stay ours even without a CDN.
"""
from flask import Blueprint, Response, abort, request
from werkzeug.wsgi import FileWrapper

from mall.extensions import talisman
from mall.media.extension import media
from mall.media.images import content_type_of
from mall.media.store import CACHE_CONTROL

bp = Blueprint("media", __name__)
CHUNK = 64 * 1024
# Even if a browser were tricked into rendering an image as a document, it could run nothing and load nothing.
MEDIA_CSP = "default-src 'none'; sandbox"


@bp.get("/media/<name>")
@talisman(content_security_policy=None)  # talisman would replace the header below with the page CSP
def image(name: str):
    content_type = content_type_of(name) or abort(404)
    found = media.store.get(name) or abort(404)
    response = Response(FileWrapper(found.stream, CHUNK), mimetype=content_type, direct_passthrough=True)
    response.content_length = found.size
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    response.headers["Content-Security-Policy"] = MEDIA_CSP
    response.set_etag(name.rsplit(".", 1)[0])  # the content hash (or the old random name): strong and stable
    return response.make_conditional(request)
