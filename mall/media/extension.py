"""The media extension: the store is chosen once at start from config and kept on the app for views to hand to
services (services never look it up themselves). It also brings the /media route and the image_url filter.
"""
from urllib.parse import urlsplit

from flask import Flask, current_app, url_for

from mall.media.images import UPLOAD_PREFIX
from mall.media.local_store import LocalStore, upload_folder
from mall.media.store import MediaStore
from mall.urls import public_url


class Media:
    def init_app(self, app: Flask) -> None:
        app.extensions["media"] = build_store(app.config, app.instance_path)
        from mall.media.routes import bp

        app.register_blueprint(bp)
        app.add_template_filter(image_url, "image_url")

    @property
    def store(self) -> MediaStore:
        return current_app.extensions["media"]


media = Media()


def build_store(config, instance_path: str) -> MediaStore:
    kind = config.get("MEDIA_STORAGE") or "local"
    if kind == "local":
        return LocalStore(upload_folder(instance_path))
    if kind == "s3":
        if not config.get("S3_BUCKET"):
            raise RuntimeError("MEDIA_STORAGE=s3 needs S3_BUCKET")
        from mall.media.s3_store import S3Store, s3_client  # boto3 is imported only by apps that use it

        client = s3_client(endpoint_url=config.get("S3_ENDPOINT_URL"), region=config.get("S3_REGION"))
        return S3Store(client, config["S3_BUCKET"])
    raise RuntimeError(f"MEDIA_STORAGE must be 'local' or 's3', not {kind!r}")


def image_url(path: str, external: bool = False) -> str:
    """Where a ProductImage.path is served from: uploads from the CDN (MEDIA_PUBLIC_BASE_URL) or the /media
    route, everything else (the demo pictures) from static/."""
    build = public_url if external else url_for  # external: for Open Graph crawlers, under PUBLIC_BASE_URL
    if path.startswith(UPLOAD_PREFIX):
        name = path[len(UPLOAD_PREFIX):]
        base = current_app.config.get("MEDIA_PUBLIC_BASE_URL")
        if base:
            return f"{base.rstrip('/')}/{name}"
        return build("media.image", name=name)
    return build("static", filename=path)


def media_image_sources(config) -> str:
    """The page CSP's img-src: our own origin, data: URLs, and the CDN's origin when images come from one."""
    sources = "'self' data:"
    base = config.get("MEDIA_PUBLIC_BASE_URL")
    if base:
        parts = urlsplit(base)
        sources += f" {parts.scheme}://{parts.netloc}"
    return sources
