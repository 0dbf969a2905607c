"""The one font posters are drawn with: a subset of Noto Sans SC (SIL OFL 1.1, see fonts/LICENSE-OFL.txt) that
ships inside the package, so a fresh machine renders Chinese without any system font.

bench/subset_cjk_font.py rebuilds it; it holds GB2312, ASCII, Latin-1 (¥), punctuation and full-width forms.
"""
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "NotoSansSC-Regular-subset.otf"


@lru_cache(maxsize=16)
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), size)
