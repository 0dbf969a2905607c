"""The poster drawing itself: 750 px wide, its QR code decodes to the link, Chinese drawn with the bundled font."""
import io

import zxingcpp
from fontTools.ttLib import TTFont
from PIL import Image

from mall.sharing.fonts import FONT_PATH, font
from mall.sharing.poster import WIDTH, PosterContent, render_poster, wrap

URL = "https://mall.example/p/ABC2345/XYZ234"


def content(**kw) -> PosterContent:
    return PosterContent(**{"title": "云南普洱熟茶 357克 七子饼", "url": URL, "partner_name": "张小花",
                            "recommended": "张** 推荐", "scan_hint": "长按识别二维码", "price_fen": 12800, **kw})


def test_a_poster_is_750_px_wide_and_its_qr_code_is_the_link():
    png = render_poster(content())
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.width == WIDTH == 750 and image.height > image.width
        assert [found.text for found in zxingcpp.read_barcodes(image)] == [URL]


def test_the_font_ships_with_the_package_and_has_the_chinese_glyphs():
    assert FONT_PATH.is_file() and (FONT_PATH.parent / "LICENSE-OFL.txt").is_file()
    face = font(40)
    tofu = face.getmask("\uffff").getbbox()  # a code point the font has no glyph for: the .notdef box
    for text in ("推荐", "赚", "¥", "，", "鑫"):  # 鑫: rare, but in GB2312
        mask = face.getmask(text)
        assert mask.getbbox() is not None and bytes(mask) != bytes(face.getmask("\uffff" * len(text))), text
    assert tofu is not None


def test_a_broken_image_still_gives_a_poster():
    png = render_poster(content(image=b"\x89PNG\r\n\x1a\nnot really"))
    with Image.open(io.BytesIO(png)) as image:
        assert image.width == 750


def test_long_titles_wrap_to_two_lines_ending_in_an_ellipsis():
    lines = wrap("很长的标题" * 30, font(40), 670, max_lines=2)
    assert len(lines) == 2 and lines[1].endswith("…")
    assert all(font(40).getlength(line) <= 670 for line in lines)


def test_the_font_covers_all_of_gb2312_and_ascii():
    cmap = TTFont(FONT_PATH)["cmap"].getBestCmap()
    gb2312 = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                gb2312.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    assert len(gb2312) > 7000
    missing = {cp for cp in gb2312 | set(range(0x20, 0x7F)) | {ord("¥"), ord("￥")} if cp not in cmap}
    assert not missing, sorted(missing)[:20]
