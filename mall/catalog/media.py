"""Serving uploaded product images: always with an image type, nosniff and inline, never as HTML or script."""
from flask import Blueprint, abort, current_app, send_file, url_for

from mall.catalog.images import UPLOAD_PREFIX, stored_file
from mall.urls import public_url

bp = Blueprint("media", __name__)


@bp.get("/media/<name>")
def image(name: str):
    found = stored_file(current_app.instance_path, name) or abort(404)
    path, content_type = found
    response = send_file(path, mimetype=content_type, max_age=86400, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.app_template_filter("image_url")
def image_url(path: str, external: bool = False) -> str:
    """Where a ProductImage.path is served from: uploads through the route above, the rest from static/.

    external: an absolute URL under PUBLIC_BASE_URL, for crawlers reading Open Graph tags.
    """
    build = public_url if external else url_for
    if path.startswith(UPLOAD_PREFIX):
        return build("catalog.media.image", name=path[len(UPLOAD_PREFIX):])
    return build("static", filename=path)
