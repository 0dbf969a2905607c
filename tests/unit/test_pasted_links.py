"""Codes and share paths as chat apps paste them: punctuation glued on, full-width forms, upper case."""
import pytest

from mall.codes import pasted_code
from mall.referral.codes import normalise_code
from mall.sharing.links import tidy_path


@pytest.mark.parametrize("raw, code", [
    ("xyz234", "XYZ234"), ("XYZ234。", "XYZ234"), ("XYZ234),", "XYZ234"), ("ＸＹＺ２３４", "XYZ234"),
    ("XYZ234，谢谢！", "XYZ234"), ("XYZ-234", "XYZ234"), ("XYZ234/", "XYZ234"), ("”XYZ234", "”XYZ234"),
    ("AB3/../x", "AB3/../X"),  # letters after the junk: not a pasted code, so kept whole (and then no code)
])
def test_pasted_code(raw, code):
    assert pasted_code(raw) == code


def test_look_alike_characters_still_are_no_code():
    assert normalise_code("XYZ230。") is None  # 0 is never in a code


@pytest.mark.parametrize("path, tidy", [
    ("/P/ABC2345/XYZ234", "/p/ABC2345/XYZ234"), ("/SHOP/XYZ234", "/shop/XYZ234"), ("/shop/XYZ234/", "/shop/XYZ234"),
    ("/r/XYZ234).", "/r/XYZ234"), ("/c/ABC2345/XYZ234。", "/c/ABC2345/XYZ234"), ("/Ｐ/ABC2345", "/p/ABC2345"),
])
def test_tidy_path(path, tidy):
    assert tidy_path(path) == tidy
