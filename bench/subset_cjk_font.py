"""Rebuild mall/sharing/fonts/NotoSansSC-Regular-subset.otf from Debian's fonts-noto-cjk (OFL-1.1).

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb /tmp/noto
    python bench/subset_cjk_font.py /tmp/noto/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

Keeps every character of GB2312 (the ~6,800 hanzi of everyday simplified Chinese), ASCII, Latin-1 (¥),
general and CJK punctuation and the full-width forms: what posters print, at a tenth of the full font's size.
"""
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

SC_INDEX = 2  # JP, KR, SC, TC, HK in Noto Sans CJK's collection
OUT = Path(__file__).resolve().parent.parent / "mall" / "sharing" / "fonts" / "NotoSansSC-Regular-subset.otf"


def gb2312_characters() -> set[int]:
    found = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return found


def wanted() -> set[int]:
    ranges = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF), (0x2190, 0x21FF)]
    codepoints = gb2312_characters()
    for low, high in ranges:
        codepoints.update(range(low, high + 1))
    return codepoints


def main(source: str) -> None:
    font = TTCollection(source).fonts[SC_INDEX]
    options = subset.Options()
    options.name_IDs = ["*"]  # keep the copyright and licence records
    options.layout_features = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted())
    subsetter.subset(font)
    font.save(OUT)
    print(OUT, OUT.stat().st_size)


if __name__ == "__main__":
    main(sys.argv[1])
