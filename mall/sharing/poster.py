"""Drawing a share poster (海报): a phone-screen PNG, 750 px wide, of an image, a title, prices, the partner and the
QR code of their short link. Pure: what to draw in, PNG bytes out (caching is mall.sharing.posters).

Every text arrives translated; the layout only measures and wraps it, character by character, because Chinese
has no spaces to break at.
"""
import io
from dataclasses import dataclass

import segno
from PIL import Image, ImageDraw, ImageOps

from mall.money import format_fen
from mall.sharing.fonts import font

WIDTH = 750
IMAGE_HEIGHT = 750
PAD = 40
QR_SIZE = 220
INK, MUTED, RED, PAPER, SOFT = (34, 34, 34), (120, 120, 120), (214, 48, 49), (255, 255, 255), (245, 240, 235)


@dataclass(frozen=True)
class PosterContent:
    title: str
    url: str  # what the QR code encodes: the partner's short link
    partner_name: str
    recommended: str  # "Recommended by …", translated
    scan_hint: str  # "Long-press to scan", translated
    price_fen: int | None = None
    was_fen: int | None = None  # crossed out beside the price (the regular price of a live or limited offer)
    price_label: str = ""  # e.g. "Live price", translated; empty for a plain price
    subtitle: str = ""
    image: bytes | None = None  # PNG/JPEG/WebP bytes; a plain panel when missing or unreadable


def render_poster(content: PosterContent) -> bytes:
    """The poster as PNG bytes, WIDTH px wide."""
    title_lines = wrap(content.title, font(40), WIDTH - 2 * PAD, max_lines=2)
    sub_lines = wrap(content.subtitle, font(26), WIDTH - 2 * PAD, max_lines=2) if content.subtitle else []
    height = IMAGE_HEIGHT + PAD + 52 * len(title_lines) + 36 * len(sub_lines) + (90 if content.price_fen else 0)
    height += QR_SIZE + 2 * PAD + 20
    poster = Image.new("RGB", (WIDTH, height), PAPER)
    poster.paste(_picture(content.image), (0, 0))
    draw = ImageDraw.Draw(poster)
    y = IMAGE_HEIGHT + PAD
    for line in title_lines:
        draw.text((PAD, y), line, font=font(40), fill=INK)
        y += 52
    for line in sub_lines:
        draw.text((PAD, y), line, font=font(26), fill=MUTED)
        y += 36
    if content.price_fen:
        y += 10
        x = PAD
        if content.price_label:
            draw.text((x, y + 20), content.price_label, font=font(28), fill=RED)
            x += int(font(28).getlength(content.price_label)) + 12
        price = format_fen(content.price_fen)
        draw.text((x, y), price, font=font(56), fill=RED)
        if content.was_fen and content.was_fen > content.price_fen:
            x += int(font(56).getlength(price)) + 20
            was = format_fen(content.was_fen)
            draw.text((x, y + 24), was, font=font(28), fill=MUTED)
            mid = y + 24 + 20
            draw.line((x, mid, x + int(font(28).getlength(was)), mid), fill=MUTED, width=2)
        y += 80
    y += 10
    draw.rectangle((0, y, WIDTH, height), fill=SOFT)
    _partner(draw, content, y + PAD)
    poster.paste(_qr(content.url), (WIDTH - PAD - QR_SIZE, y + PAD))
    out = io.BytesIO()
    poster.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


def wrap(text: str, face, width: int, *, max_lines: int) -> list[str]:
    """Lines of `text` no wider than `width`; the last one ends in "…" when text is left over."""
    lines, line = [], ""
    for ch in " ".join(text.split()):
        if face.getlength(line + ch) <= width:
            line += ch
            continue
        lines.append(line)
        line = ch.lstrip()
        if len(lines) == max_lines:
            break
    else:
        if line:
            lines.append(line)
        return lines
    last = lines[-1]
    while last and face.getlength(last + "…") > width:
        last = last[:-1]
    lines[-1] = last + "…"
    return lines


def _picture(data: bytes | None) -> Image.Image:
    if data:
        try:
            with Image.open(io.BytesIO(data)) as source:
                return ImageOps.fit(source.convert("RGB"), (WIDTH, IMAGE_HEIGHT), Image.Resampling.LANCZOS)
        except (OSError, ValueError, Image.DecompressionBombError):
            pass  # an unreadable image must not cost the partner their poster
    return Image.new("RGB", (WIDTH, IMAGE_HEIGHT), SOFT)


def _partner(draw: ImageDraw.ImageDraw, content: PosterContent, y: int) -> None:
    radius = 44
    draw.ellipse((PAD, y, PAD + 2 * radius, y + 2 * radius), fill=RED)
    initial = (content.partner_name.strip() or "?")[0]
    draw.text((PAD + radius, y + radius), initial, font=font(44), fill=PAPER, anchor="mm")
    text_x, text_width = PAD + 2 * radius + 20, WIDTH - 3 * PAD - QR_SIZE - 2 * radius - 20
    for n, line in enumerate(wrap(content.recommended, font(30), text_width, max_lines=2)):
        draw.text((text_x, y + 6 + 40 * n), line, font=font(30), fill=INK)
    for n, line in enumerate(wrap(content.scan_hint, font(24), WIDTH - 3 * PAD - QR_SIZE, max_lines=2)):
        draw.text((PAD, y + 2 * radius + 40 + 34 * n), line, font=font(24), fill=MUTED)


def _qr(url: str) -> Image.Image:
    code = segno.make(url, error="m")
    scale = max(QR_SIZE // code.symbol_size(scale=1, border=2)[0], 1)
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=2)
    out.seek(0)
    with Image.open(out) as image:
        return image.convert("RGB").resize((QR_SIZE, QR_SIZE), Image.Resampling.NEAREST)
