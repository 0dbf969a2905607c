"""Draw the 24 demo product pictures in static/demo/ (run once; the PNGs are committed).

    .venv/bin/python bench/make_demo_images.py

Pillow is only needed here, never at runtime. Pictures 1-12 belong to the tea brand (tins, cups,
teapots, gift boxes, pouches, bowls), 13-24 to the skincare brand (pump bottles, jars, tubes,
droppers, compacts, sprays). Flat colours on a soft gradient keep each file well under 40 KB.
"""
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

OUT = Path(__file__).resolve().parents[1] / "static" / "demo"
SIZE = 600
SCALE = 2  # drawn at twice the size, then reduced, for smooth edges
S = SIZE * SCALE

# (top colour, bottom colour, object colour, accent colour)
PALETTES = [
    ("#f3efe2", "#d9cfae", "#2f5d50", "#c8a86b"),
    ("#eef5ec", "#c5dcc0", "#7a4b2a", "#e8d9b5"),
    ("#fbeee6", "#efc9b4", "#9b2f2f", "#f2c14e"),
    ("#e9f1f5", "#bcd3df", "#24476b", "#e2b857"),
    ("#f6f1e7", "#e3d3b3", "#5b3a29", "#a9c191"),
    ("#f2ece9", "#d8c4bd", "#3d3b3a", "#d4a373"),
    ("#fdf6ec", "#f5d9a8", "#b5651d", "#fff3d6"),
    ("#edf3ee", "#b9d3c1", "#1f6f50", "#f4e4c1"),
    ("#f7efe9", "#e7c9c0", "#6b2d3c", "#e9c46a"),
    ("#eef0f6", "#c9cde3", "#3b3f73", "#f0c987"),
    ("#f4f1ea", "#d6d0bd", "#4a5a3a", "#d9b26f"),
    ("#f9ede5", "#edc7ad", "#8c3b1e", "#f6e3c6"),
]
SKIN = [
    ("#fdf0f3", "#f4c9d3", "#ffffff", "#e07a95"),
    ("#eef6f8", "#c4e2ea", "#ffffff", "#3f8fa6"),
    ("#f5f0fa", "#d9c9ec", "#fdfcff", "#8662b5"),
    ("#fff6ea", "#f7d9ad", "#fffdf8", "#d08a2e"),
    ("#eef7f1", "#c3e4cf", "#ffffff", "#3d9a6a"),
    ("#f9eeee", "#eac3c3", "#fff9f9", "#b44d4d"),
    ("#f0f3f9", "#c8d3ea", "#ffffff", "#4766a8"),
    ("#fbf3f0", "#efd2c6", "#fffaf7", "#c4704f"),
    ("#f3f6ef", "#d5e3c3", "#fdfff9", "#6e8f3c"),
    ("#f8f0f6", "#e6c6dd", "#fffafd", "#a34f8a"),
    ("#eef8f8", "#bfe6e4", "#ffffff", "#2e8d88"),
    ("#fbf5ec", "#ecdcbc", "#fffdf7", "#9c7a3c"),
]


def gradient(top: str, bottom: str) -> Image.Image:
    """Vertical gradient: every row is one colour, which PNG compresses to almost nothing."""
    t, b = Image.new("RGB", (1, 1), top).getpixel((0, 0)), Image.new("RGB", (1, 1), bottom).getpixel((0, 0))
    column = Image.new("RGB", (1, S))
    for y in range(S):
        f = y / (S - 1)
        column.putpixel((0, y), tuple(round(t[i] + (b[i] - t[i]) * f) for i in range(3)))
    return column.resize((S, S))


def shadow(img: Image.Image, box) -> None:
    layer = Image.new("L", img.size, 0)
    ImageDraw.Draw(layer).ellipse(box, fill=70)
    layer = layer.filter(ImageFilter.GaussianBlur(18 * SCALE))
    img.paste((0, 0, 0), mask=layer)


def px(*values):
    return [v * SCALE for v in values]


# Tea brand shapes ------------------------------------------------------------------------------
def tin(d, c, a):
    d.rounded_rectangle(px(190, 170, 410, 470), radius=24 * SCALE, fill=c)
    d.rounded_rectangle(px(180, 150, 420, 200), radius=14 * SCALE, fill=a)
    d.rectangle(px(190, 280, 410, 360), fill=a)
    d.ellipse(px(270, 290, 330, 350), fill=c)


def cup(d, c, a):
    d.ellipse(px(140, 400, 460, 470), fill=a)
    d.chord(px(180, 200, 420, 440), 0, 180, fill=c)
    d.rectangle(px(180, 300, 420, 320), fill=c)
    d.ellipse(px(180, 280, 420, 330), fill=a)
    d.ellipse(px(195, 288, 405, 322), fill="#b5873a")
    d.arc(px(400, 320, 470, 390), 270, 90, fill=c, width=16 * SCALE)


def teapot(d, c, a):
    d.ellipse(px(170, 220, 430, 460), fill=c)
    d.polygon(px(185, 310, 110, 235, 88, 250, 100, 268, 180, 395), fill=c)
    d.arc(px(390, 270, 490, 390), 270, 90, fill=c, width=22 * SCALE)
    d.rounded_rectangle(px(240, 190, 360, 230), radius=12 * SCALE, fill=a)
    d.ellipse(px(285, 165, 315, 195), fill=a)
    d.rectangle(px(175, 330, 425, 350), fill=a)


def gift_box(d, c, a):
    d.rectangle(px(160, 250, 440, 470), fill=c)
    d.rectangle(px(145, 210, 455, 260), fill=c)
    d.rectangle(px(280, 210, 320, 470), fill=a)
    d.ellipse(px(220, 160, 300, 215), outline=a, width=14 * SCALE)
    d.ellipse(px(300, 160, 380, 215), outline=a, width=14 * SCALE)


def pouch(d, c, a):
    d.polygon(px(200, 180, 400, 180, 430, 470, 170, 470), fill=c)
    d.rectangle(px(200, 160, 400, 190), fill=a)
    d.rounded_rectangle(px(230, 290, 370, 380), radius=10 * SCALE, fill=a)
    d.ellipse(px(280, 315, 320, 355), fill=c)


def bowl(d, c, a):
    d.chord(px(150, 230, 450, 470), 0, 180, fill=c)
    d.ellipse(px(150, 320, 450, 380), fill=a)
    for x, y in ((250, 300), (300, 285), (345, 305)):
        d.ellipse(px(x - 28, y - 12, x + 28, y + 12), fill="#5d8a3a")
    d.rectangle(px(250, 465, 350, 480), fill=c)


# Skincare brand shapes -------------------------------------------------------------------------
def pump_bottle(d, c, a):
    d.rounded_rectangle(px(210, 230, 390, 470), radius=30 * SCALE, fill=c, outline=a, width=4 * SCALE)
    d.rectangle(px(270, 185, 330, 232), fill=a)
    d.rectangle(px(285, 150, 315, 190), fill=a)
    d.rectangle(px(285, 150, 370, 170), fill=a)
    d.rectangle(px(235, 320, 365, 390), fill=a)


def jar(d, c, a):
    d.rounded_rectangle(px(170, 300, 430, 460), radius=28 * SCALE, fill=c, outline=a, width=4 * SCALE)
    d.rounded_rectangle(px(160, 250, 440, 310), radius=16 * SCALE, fill=a)
    d.rectangle(px(210, 360, 390, 400), fill=a)


def tube(d, c, a):
    d.polygon(px(215, 150, 385, 150, 360, 400, 240, 400), fill=c, outline=a)
    d.rectangle(px(215, 140, 385, 160), fill=a)
    d.rounded_rectangle(px(255, 400, 345, 460), radius=10 * SCALE, fill=a)
    d.rectangle(px(250, 230, 350, 290), fill=a)


def dropper(d, c, a):
    d.rounded_rectangle(px(220, 260, 380, 470), radius=26 * SCALE, fill=a)
    d.rounded_rectangle(px(232, 272, 368, 458), radius=20 * SCALE, fill=c)
    d.rectangle(px(260, 220, 340, 262), fill=a)
    d.rounded_rectangle(px(275, 140, 325, 225), radius=25 * SCALE, fill=a)
    d.rectangle(px(250, 340, 350, 400), fill=a)


def compact(d, c, a):
    d.ellipse(px(140, 300, 460, 470), fill=a)
    d.ellipse(px(150, 290, 450, 450), fill=c)
    d.ellipse(px(200, 320, 400, 420), fill=a)
    d.chord(px(150, 130, 450, 330), 180, 360, fill=c, outline=a, width=4 * SCALE)
    d.rectangle(px(150, 225, 450, 235), fill=a)


def spray(d, c, a):
    d.rounded_rectangle(px(200, 220, 400, 470), radius=18 * SCALE, fill=c, outline=a, width=4 * SCALE)
    d.rounded_rectangle(px(240, 160, 360, 225), radius=10 * SCALE, fill=a)
    d.rectangle(px(225, 330, 375, 345), fill=a)
    d.rectangle(px(225, 360, 375, 375), fill=a)


TEA_SHAPES = [tin, cup, teapot, gift_box, pouch, bowl]
SKIN_SHAPES = [pump_bottle, jar, tube, dropper, compact, spray]


def draw(number: int) -> Image.Image:
    tea = number <= 12
    i = (number - 1) % 12
    top, bottom, colour, accent = (PALETTES if tea else SKIN)[i]
    img = gradient(top, bottom)
    # A soft halo behind the object, then its shadow on the "table".
    halo = Image.new("L", img.size, 0)
    ImageDraw.Draw(halo).ellipse(px(110, 90, 490, 490), fill=90)
    img.paste((255, 255, 255), mask=halo.filter(ImageFilter.GaussianBlur(40 * SCALE)))
    shadow(img, px(150, 445, 450, 500))
    shape = (TEA_SHAPES if tea else SKIN_SHAPES)[i % 6]
    shape(ImageDraw.Draw(img), colour, accent)
    return img.resize((SIZE, SIZE), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for number in range(1, 25):
        img = draw(number).quantize(colors=96, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        path = OUT / f"product-{number:02d}.png"
        img.save(path, optimize=True)
        print(path.name, path.stat().st_size // 1024, "KB")


if __name__ == "__main__":
    main()
