"""QR codes of share links (segno): inline SVG for the page, PNG and SVG files to download and print."""
import io
import re

import segno
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map
from werkzeug.routing.exceptions import RoutingException

# Medium error correction survives a crumpled poster; the short links keep the code small anyway.
ERROR = "m"
PAGE_SCALE = 3  # about 3 cm on screen: small enough for a list, still scans from a phone
PNG_SCALE = 10  # sharp when printed on a poster or a counter card
# What a QR code may point at: pages of this mall that are meant to be shared, nothing else.
SHAREABLE = {"referral.product_link", "referral.home_link", "storefront.page", "content.item", "referral.join",
             "referral.store_code", "catalog.product", "catalog.brand", "catalog.home", "live.room", "live.invite"}
PATH = re.compile(r"/[A-Za-z0-9/_-]{0,62}")


def svg_inline(url: str, *, title: str = "") -> Markup:
    """An <svg> element to put straight into the page (no script, no style attribute: CSP-safe)."""
    # omitsize: a viewBox instead of width/height, so CSS sets the printed size.
    svg = segno.make(url, error=ERROR).svg_inline(scale=PAGE_SCALE, svgclass="qr", omitsize=True, title=title or None)
    # Safe markup: segno XML-escapes the title, and the rest is path geometry.
    return Markup(svg)  # nosec B704


def png_bytes(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error=ERROR).save(out, kind="png", scale=PNG_SCALE)
    return out.getvalue()


def svg_bytes(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error=ERROR).save(out, kind="svg", scale=PNG_SCALE, xmldecl=True)
    return out.getvalue()


def shareable_path(url_map: Map, path: str | None) -> str | None:
    """The path if it is a share page of this mall, else None: our QR codes never point elsewhere."""
    if not path or not PATH.fullmatch(path) or "//" in path:
        return None
    try:
        endpoint, _args = url_map.bind("localhost").match(path, method="GET")
    except (HTTPException, RoutingException):
        return None
    return path if endpoint in SHAREABLE else None
