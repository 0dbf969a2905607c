"""The Content-Security-Policy: everything we serve comes from our own origin; htmx runs without eval.

create_app hands PAGE_CSP (with the media origin) to Talisman for every page. A page that must load something
from elsewhere (a live room's player) builds its own header with `page_policy`, widened only by the hosts it
names, and tells Talisman not to replace it.
"""
from flask import current_app

from mall.media.extension import media_image_sources

CSP = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "style-src": "'self'",
    "script-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def page_policy(*, frame_hosts=(), media_hosts=(), media_blob: bool = False) -> str:
    """The page CSP plus frames from `frame_hosts` and media (and their fetches) from `media_hosts`, over https."""
    policy = {**CSP, "img-src": media_image_sources(current_app.config)}
    frames = " ".join(f"https://{host}" for host in frame_hosts)
    policy["frame-src"] = frames or "'none'"
    media = " ".join(f"https://{host}" for host in media_hosts)
    # hls.js feeds the <video> through Media Source Extensions: the element plays a blob: URL it made.
    policy["media-src"] = " ".join(filter(None, ["'self'", media, "blob:" if media_blob else ""]))
    if media:
        policy["connect-src"] = f"'self' {media}"  # hls.js fetches the playlist and segments itself
    return "; ".join(f"{name} {value}" for name, value in policy.items())
